package dev.tether.admin.json;

import java.util.List;

/**
 * {@code POST /connections/reconnect?...}: what the bulk reconnect did.
 *
 * @param matched connections that matched the filter when they were listed
 * @param reconnected of those, how many were asked to start a fresh incarnation (and accepted)
 * @param notReconnectable matched inbound connections, left alone: an inbound connection is never
 *     reconnected (its client reconnects by itself); close them with {@code DELETE} instead
 * @param gone matched, but no longer managed when the request arrived
 * @param timedOut matched, but the manager did not answer within {@code tether.admin.ask-timeout}
 * @param partial cluster mode: some members did not answer the listing; see {@code missing}
 * @param missing the members that did not answer
 * @param reconnectedIds the reconnected connections, ordered by id
 */
public record BulkReconnectedJson(int matched, int reconnected, int notReconnectable, int gone, int timedOut,
    boolean partial, List<String> missing, List<String> reconnectedIds) {}
