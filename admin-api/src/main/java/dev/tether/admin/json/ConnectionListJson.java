package dev.tether.admin.json;

import java.util.List;

/**
 * {@code GET /connections}: {@code {"connections": [...], "partial": false, "missing": []}}. In
 * cluster mode the list covers every member; one whose manager did not answer in time is named in
 * {@code missing} (and {@code partial} is true): the list is never silently short.
 */
public record ConnectionListJson(List<ConnectionJson> connections, boolean partial, List<String> missing) {}
