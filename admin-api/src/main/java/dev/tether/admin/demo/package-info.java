/**
 * The embedded demo: a throwaway certificate made at start and written as PEM files that define the
 * TLS profile {@code demo}, which the demo's listener serves with, and a few outbound connections
 * to that listener with traffic on them. Nothing here is meant for production use.
 */
package dev.tether.admin.demo;
