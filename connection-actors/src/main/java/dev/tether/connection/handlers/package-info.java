/**
 * The session handlers every manager has: {@code echo} and {@code jobs}. They are also examples of
 * handlers that never block: a job of minutes is a timer, so the session keeps answering.
 */
package dev.tether.connection.handlers;
