package dev.tether.admin;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;

import java.net.InetAddress;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Who sent an admin request, for the connection's journal: the IP address of the TCP peer, from
 * the request's remote-address attribute, which Pekko HTTP adds only with {@code
 * pekko.http.server.remote-address-attribute = on} (the service's {@code AdminHttpServer} turns it on for its own
 * binding; a host server that mounts the routes turns it on itself). Deliberately not Pekko's {@code extractClientIP}: that
 * prefers the {@code X-Forwarded-For} and {@code X-Real-IP} headers, which any client can set, and
 * Pekko's own documentation says to use the attribute for sensitive uses. Behind a proxy the journal
 * therefore names the proxy. Empty when the attribute is off (a host server that turned it off).
 */
final class ClientAddress {
  private ClientAddress() {}

  static Route extract(Function<Optional<String>, Route> inner) {
    return extractRequest(request -> inner.apply(request.getAttribute(AttributeKeys.remoteAddress)
        .flatMap(RemoteAddress::getAddress)
        .map(InetAddress::getHostAddress)));
  }
}
