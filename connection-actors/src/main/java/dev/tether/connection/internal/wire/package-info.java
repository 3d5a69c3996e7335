/**
 * INTERNAL API: pure decoders of what arrives from the network, and their explanations for
 * operators: TLS record headers ({@code RecordHeaders}), ClientHellos and the versions they offer
 * ({@code ClientHellos}), plaintext HTTP on a TLS port ({@code PlaintextHttp}), what JSSE and TCP
 * exceptions mean ({@code TlsErrors}). No actors, no streams, no state: each is a function of bytes
 * or of an exception, tested as a table. Depends on nothing else of the library.
 */
package dev.tether.connection.internal.wire;
