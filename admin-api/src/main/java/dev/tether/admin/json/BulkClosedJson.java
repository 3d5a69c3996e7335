package dev.tether.admin.json;

import java.util.List;
import java.util.Map;

/**
 * {@code DELETE /connections?...}: what the bulk close did.
 *
 * @param matched connections that matched the filter when they were listed
 * @param closed of those, how many were closed (each has an outcome)
 * @param outcomes {@code closed} counted by outcome kind, e.g. {@code {"clean": 3, "close-timeout": 1}}
 * @param gone matched, but no longer managed when the close arrived (closed or removed meanwhile)
 * @param timedOut matched, but no answer within the connection's close-timeout plus
 *     {@code tether.admin.close-ask-margin}; such a close may still complete
 * @param partial cluster mode: some members did not answer the listing (their connections were not
 *     considered); see {@code missing}
 * @param missing the members that did not answer
 * @param connections each closed connection with its outcome, ordered by id
 */
public record BulkClosedJson(int matched, int closed, Map<String, Integer> outcomes, int gone, int timedOut,
    boolean partial, List<String> missing, List<ClosedJson> connections) {}
