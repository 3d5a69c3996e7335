/**
 * INTERNAL API: cluster mode ({@code tether.cluster.enabled}). Outbound connections are Cluster
 * Sharding entities ({@code ConnectionEntity}, around the lifecycle's supervisor, never rebalanced:
 * {@code NoRebalancing}); their specs live in durable Distributed Data ({@code SpecStore}, {@code
 * ConnectionSpecCodec}, {@code StoreAsk}, with {@code LastHome} for what a lost member ran). {@code
 * ClusterConnections} is the registry's sharded side; {@code ClusterAsk} asks every member
 * ({@code ListLocal}, {@code JournalOnMember}, {@code NodeSummaryRequest}). What crosses nodes is
 * marked {@code ClusterMessage} (Jackson CBOR, with {@code ByteStringJacksonModule}). Reports to
 * the registry: {@code EntityReport}. May use {@code lifecycle}; never the registry.
 */
package dev.tether.connection.internal.cluster;
