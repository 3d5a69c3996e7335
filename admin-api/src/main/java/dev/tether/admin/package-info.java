/**
 * The admin REST API over a {@link dev.tether.connection.ConnectionManager}, as a host mounts it:
 * {@link dev.tether.admin.AdminRoutes#create} (mountable in any Pekko HTTP server; the caller passes
 * in its {@link dev.tether.admin.AdminSettings}, the connection defaults and a started {@link
 * dev.tether.admin.AdminMetrics}), the routes it is made of, how they read query parameters ({@code
 * QueryParameters}) and answer errors as JSON ({@link dev.tether.admin.AdminRoutes#seal}).
 *
 * <p>Owns: the routes, their settings ({@code tether.admin}), the metrics they show, the console's
 * static files. May call: the connection library's public packages, {@link dev.tether.admin.json}
 * and {@link dev.tether.admin.cluster}. It starts nothing and reads no configuration of its own
 * accord; the standalone service that binds it is {@link dev.tether.admin.service}, which depends on
 * this package, never the other way.
 */
package dev.tether.admin;
