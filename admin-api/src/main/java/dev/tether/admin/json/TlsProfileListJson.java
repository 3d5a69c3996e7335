package dev.tether.admin.json;

import java.util.List;

/**
 * {@code GET /tls-profiles}: {@code {"node": ..., "profiles": [...]}}, ordered by name.
 *
 * @param node cluster mode: the member that answered ({@code host:port}); each member holds its own
 *     files, so ask each one; null on one node
 * @param profiles this node's profiles
 */
public record TlsProfileListJson(String node, List<TlsProfileJson> profiles) {}
