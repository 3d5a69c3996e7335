package dev.tether.admin.json;

/**
 * {@code POST /tls-profiles/{name}/reload}, 200: the new material is in use for new handshakes (open
 * connections keep theirs).
 *
 * @param node cluster mode: the member that reloaded its own files ({@code host:port}); the other
 *     members are not reloaded by this request; null on one node
 * @param profile the profile as it is now
 * @param reconnect {@code rolling} or {@code none}, as asked
 * @param reconnecting how many outbound connections on this node the rolling reconnect reconnects,
 *     paced (0 without one)
 * @param inboundKept with a rolling reconnect: accepted connections using the profile, which keep
 *     their material until their clients reconnect (they are never reconnected by us); else 0
 */
public record TlsProfileReloadedJson(String node, TlsProfileJson profile, String reconnect, int reconnecting,
    int inboundKept) {}
