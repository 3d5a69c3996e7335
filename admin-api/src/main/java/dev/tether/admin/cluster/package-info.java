/** The service's side of cluster mode: starting a node from configuration, and the cluster's view for the admin API. */
package dev.tether.admin.cluster;
