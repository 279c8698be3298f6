#!/usr/bin/env bash
# 38-multihome-failover.sh over IPv6: the dataplane's two networks, the
# router and the usrsctp peer on addresses of 2001:2::/48, ICMPv6
# destination unreachable for the second cut.
#
#   tests/system/39-multihome-failover-ipv6.sh BUILD_DIR
MULTIHOME_FAMILY=6 exec bash "$(dirname "$0")/38-multihome-failover.sh" "$@"
