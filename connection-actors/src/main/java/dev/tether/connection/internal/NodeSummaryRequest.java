package dev.tether.connection.internal;

import dev.tether.connection.ConnectionManager;
import dev.tether.connection.NodeSummary;
import org.apache.pekko.actor.typed.ActorRef;

/** INTERNAL API: one member's manager is asked for its counts (by another member's {@link NodeSummaryAggregator}). */
record NodeSummaryRequest(ActorRef<NodeSummary> replyTo) implements ConnectionManager.Command, ClusterMessage {}
