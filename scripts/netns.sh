#!/usr/bin/env bash
# A two-namespace topology for running sctpdp against kernel peers:
#
#   NAME-dp  [NAME-d] ===veth=== [NAME-p]  NAME-peer (PEER_ADDR)
#
# The dataplane runs in NAME-dp on net_af_packet,iface=NAME-d (no kernel
# address on it: sctpdp owns the link); peers (ping, usrsctp, scapy,
# tshark) run in NAME-peer.
#
#   scripts/netns.sh up NAME [PEER_ADDR/PREFIX]   (default 198.18.0.2/24)
#   scripts/netns.sh down NAME
#   scripts/netns.sh show NAME
# NAME: at most 10 characters (interface names are NAME-d / NAME-p).
set -euo pipefail

cmd="${1:-}"
name="${2:-}"
if [[ -z "$cmd" || -z "$name" || ${#name} -gt 10 ]]; then
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi

case "$cmd" in
up)
    peer="${3:-198.18.0.2/24}"
    ip netns add "$name-dp"
    ip netns add "$name-peer"
    ip link add "$name-d" netns "$name-dp" type veth peer name "$name-p" netns "$name-peer"
    ip -n "$name-dp" link set lo up
    ip -n "$name-peer" link set lo up
    ip netns exec "$name-dp" sysctl -qw "net.ipv6.conf.$name-d.disable_ipv6=1"
    ip -n "$name-dp" link set "$name-d" up
    ip -n "$name-peer" addr add "$peer" dev "$name-p"
    ip -n "$name-peer" link set "$name-p" up
    echo "up: $name-dp (af_packet iface $name-d) <-> $name-peer ($peer on $name-p)"
    ;;
down)
    ip netns del "$name-dp" 2>/dev/null || true
    ip netns del "$name-peer" 2>/dev/null || true
    echo "down: $name"
    ;;
show)
    ip -n "$name-dp" -br link
    ip -n "$name-peer" -br addr
    ;;
*)
    echo "unknown command $cmd (up, down, show)" >&2
    exit 2
    ;;
esac
