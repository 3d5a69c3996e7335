/**
 * The standalone service, {@code tether.jar}: its main class ({@link dev.tether.admin.service.AdminApp}),
 * the configuration it reads at start ({@link dev.tether.admin.service.ServiceSettings}: {@code
 * tether.admin}, {@code tether.connections}, {@code tether.demo}; {@code tether.cluster} turned into
 * Pekko's keys by {@code ClusterBootstrap}), the guardian that starts the connection manager, checks
 * the configured listeners ({@code ListenerStartup}), opens the configured connections and closes them
 * all on shutdown, the HTTP server that binds the admin routes ({@link
 * dev.tether.admin.service.AdminHttpServer}), and the embedded demo ({@code DemoTlsProfile}, {@code
 * DemoTraffic}: a throwaway certificate and traffic on a few connections; nothing of it is meant for
 * production use).
 *
 * <p>Owns: the process, its configuration and its exit codes. May call: {@link dev.tether.admin}
 * (what a host would mount, used here as a host uses it), {@link dev.tether.admin.json}, the connection
 * library's public packages and {@code dev.tether.throwaway} (the demo's certificate). Nothing outside
 * this package calls into it but the tests.
 */
package dev.tether.admin.service;
