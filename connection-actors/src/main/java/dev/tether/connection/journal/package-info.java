/**
 * A connection's journal: its last events across incarnations (states, round trips, keepalive
 * misses, outcomes, reconnect delays, admin actions with who asked), oldest first, as {@code
 * ConnectionManager.GetJournal} answers it.
 */
package dev.tether.connection.journal;
