package dev.tether.connection.internal.transport;

/**
 * INTERNAL API: everything an incarnation's actor takes: the stream's {@link ConnectionTransport.Signal}s,
 * declared here, and the incarnation's own commands, declared with it in {@code internal.lifecycle}
 * (which extends this type). The stream therefore tells an actor it does not know, and the
 * dependency between the two packages points one way: lifecycle → transport. Outside its own
 * class, an incarnation is addressed as the narrower {@code ActorRef<Connection.Command>}.
 */
public interface IncarnationInput {}
