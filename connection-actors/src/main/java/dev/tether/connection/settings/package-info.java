/**
 * The manager's settings, read once from {@code tether { }} ({@code reference.conf} documents every
 * key) or built in code ({@link dev.tether.connection.settings.ConnectionManagerSettings#builder}):
 * per connection ({@code ConnectionSettings}, {@code KeepaliveSettings}, {@code
 * ReconnectSettings}) and per node ({@code ClusterSettings}). Invalid values fail at start, naming
 * the key ({@code Settings}, whose helpers are INTERNAL API, public only for {@code ListenerSpec}).
 */
package dev.tether.connection.settings;
