/**
 * The Tether service: admin REST routes over a {@link dev.tether.connection.ConnectionManager}
 * ({@link dev.tether.admin.AdminRoutes#create}, mountable in any Pekko HTTP server; the caller
 * passes in its {@link dev.tether.admin.AdminSettings}, the connection defaults and a started
 * {@link dev.tether.admin.AdminMetrics}), and the
 * standalone service ({@link dev.tether.admin.AdminApp}) that binds them, opens the configured
 * connections and closes them all on shutdown.
 */
package dev.tether.admin;
