package dev.tether.connection.internal.cluster;

/**
 * INTERNAL API: a message that may cross nodes in cluster mode. reference.conf binds it (and the
 * public {@code NodeSummary}) to Pekko's Jackson CBOR serializer; nothing else of the protocol
 * crosses nodes yet.
 */
interface ClusterMessage {}
