/**
 * The embedded demo: an in-process TLS echo peer on loopback, with a throwaway certificate made at
 * start, and traffic on a few connections to it. Nothing here is meant for production use.
 */
package dev.tether.admin.demo;
