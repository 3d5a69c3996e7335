package dev.tether.admin.json;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tether.connection.ListenerInfo;

/**
 * One listener as {@code GET /listeners} shows it. Fields documented as "or null" are null, never
 * absent.
 *
 * @param name the listener's name; its connections are {@code <name>-1}, {@code <name>-2}, ...
 * @param iface the bound interface, written as {@code "interface"}
 * @param port the bound port (the actual one when the configuration asked for 0)
 * @param tlsProfile the TLS profile holding the server identity
 * @param clientAuth {@code none}, {@code want} or {@code need}
 * @param handler the session handler spawned for each connection
 * @param bound whether it is accepting
 * @param openConnections its connections that have not ended yet
 * @param maxConnections the limit on open connections
 * @param acceptedTotal connections accepted since it started
 * @param rejectedTotal clients refused because max-connections was reached
 * @param problem why it is not bound (bind failure, or stopped), or null
 */
public record ListenerJson(
    String name,
    @JsonProperty("interface") String iface,
    int port,
    String tlsProfile,
    String clientAuth,
    String handler,
    boolean bound,
    int openConnections,
    int maxConnections,
    long acceptedTotal,
    long rejectedTotal,
    String problem) {

  public static ListenerJson of(ListenerInfo i) {
    return new ListenerJson(i.name(), i.iface(), i.port(), i.tlsProfile(), i.clientAuth().wireName(), i.handler(),
        i.bound(), i.openConnections(), i.maxConnections(), i.acceptedTotal(), i.rejectedTotal(),
        i.problem().orElse(null));
  }
}
