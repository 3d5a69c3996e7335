/**
 * INTERNAL API: the lifecycle of one connection. {@code ConnectionSupervisor} owns a managed
 * connection's whole life (its {@code Phase}, {@code ReconnectPolicy}, and in {@code
 * ConnectionRecord} what it lived through: journal, views, events) and spawns
 * one {@code Connection} per incarnation, the next only after the previous has terminated. A
 * {@code Connection} runs the TLS lifecycle (one method per state, each listing what it accepts)
 * with its parts: writes ({@code WriteQueue}, {@code WritePump}), reads ({@code ReaderDelivery}),
 * keepalive ({@code KeepaliveMonitor}, {@code IncarnationKeepalive}), counters ({@code
 * IncarnationCounters}, {@code IncarnationStats}), and how it ended ({@code EndSignals} → {@code
 * EndClassifier} → {@code Ending}, or {@code DecidedEndings} when a timer or a close decides it;
 * {@code AcceptDiagnosis} for an accepted client).
 *
 * <p>A supervisor's protocol is its sealed {@code ConnectionSupervisor.Command}; the requests of
 * the manager's protocol reach it wrapped in {@code Request}. Reports go upward as {@code IncarnationReport} (incarnation → supervisor) and {@code
 * SupervisorReport} (supervisor → registry). May use {@code transport} (the stream), {@code
 * listener} (an accepted connection's origin) and {@code wire}; never the registry or the cluster.
 */
package dev.tether.connection.internal.lifecycle;
