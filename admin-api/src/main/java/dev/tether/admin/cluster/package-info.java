/**
 * The cluster's view for the admin API ({@code GET /cluster}): the membership as this node sees it.
 * Starting a node from configuration is the service's ({@code dev.tether.admin.service.ClusterBootstrap}).
 */
package dev.tether.admin.cluster;
