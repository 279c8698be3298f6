#!/usr/bin/env bash
# A multi-homed association across two networks, and the loss of one of
# them, against a usrsctp peer (RFC 9260 6.4, 8.2, 8.3).
#
# The dataplane has two ports (net_af_packet on two veths), one address
# on each network: 198.18.0.1 on port 0 and 198.18.2.1 on port 1. A
# Linux router joins them to a usrsctp echo server with 198.18.3.2 and
# 198.18.1.2 (bound to all its addresses, so its INIT ACK lists both).
# The dataplane reaches each of the peer's networks by a static route
# (--route) through its own port's gateway, and each path is sent from
# the address on that port: path A (198.18.0.1 to 198.18.3.2) and path B
# (198.18.2.1 to 198.18.1.2). (By the longest prefix in common, the
# source address a host without routes would pick, each path would be
# sent from the other network's address.)
#
# The generator sends 200-byte messages at 400 per second to the echo
# server, which returns each one. While they flow:
#  - path A is cut at the router, both ways, without a word (blackhole
#    routes); at its first timeout the dataplane takes it for potentially
#    failed (RFC 7829) and sends everything over path B (on the wire: the
#    dataplane's DATA on the peer's second link, and next to none on its
#    own link A), probes A with heartbeats and, after three more errors,
#    reports it inactive; the usrsctp peer reports our address on A
#    unreachable;
#  - path A is restored; heartbeats find it, the dataplane reports it
#    active again and new DATA goes back to the primary path A;
#  - path A is cut again, with the router answering ICMP host
#    unreachable (RFC 9260 10, ICMP9): the first one makes it
#    potentially failed, and one or two DATA packets go there, not the
#    ~40 of a timeout; then it is restored;
#  - every message comes back, checked, in order per stream.
#
# With MULTIHOME_FAMILY=6 (39-multihome-failover-ipv6.sh) all of it runs
# over IPv6, with ICMPv6 destination unreachable for the second cut.
#
#   tests/system/38-multihome-failover.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require
[[ -x "$CLIENT" ]] || fail "$CLIENT not built"
command -v tshark >/dev/null || fail "tshark not installed"

# MULTIHOME_FAMILY=6 (39-multihome-failover-ipv6.sh): the same over IPv6,
# in 2001:2::/48 (the IPv6 benchmarking range), with the same trap for
# a longest-prefix source choice.
FAM="${MULTIHOME_FAMILY:-4}"
if [[ $FAM == 6 ]]; then
    DP_A=2001:2:0:10::1 DP_B=2001:2:0:12::1 GW_A=2001:2:0:10::fe GW_B=2001:2:0:12::fe
    RT_PA=2001:2:0:13::fe RT_PB=2001:2:0:11::fe PEER_A=2001:2:0:13::2 PEER_B=2001:2:0:11::2
    NET_DP_A=2001:2:0:10::/64 NET_DP_B=2001:2:0:12::/64
    NET_PEER_A=2001:2:0:13::/64 NET_PEER_B=2001:2:0:11::/64
    PLEN=64 HOST=128 ANY=:: IPF=ip6 IP="ip -6" NODAD=nodad
    CONN_A="[$PEER_A]:6000" CONN_B="[$PEER_B]:6000"
else
    DP_A=198.18.0.1 DP_B=198.18.2.1 GW_A=198.18.0.254 GW_B=198.18.2.254
    RT_PA=198.18.3.254 RT_PB=198.18.1.254 PEER_A=198.18.3.2 PEER_B=198.18.1.2
    NET_DP_A=198.18.0.0/24 NET_DP_B=198.18.2.0/24
    NET_PEER_A=198.18.3.0/24 NET_PEER_B=198.18.1.0/24
    PLEN=24 HOST=32 ANY=0.0.0.0 IPF=ip IP="ip" NODAD=
    CONN_A="$PEER_A:6000" CONN_B="$PEER_B:6000"
fi

NS_DP="$TAG-dp"
NS_RT="$TAG-rt"
NS_PEER="$TAG-peer"
for ns in "$NS_DP" "$NS_RT" "$NS_PEER"; do
    ip netns add "$ns" || fail "ip netns add"
    NETNS+=("$ns")
    ip -n "$ns" link set lo up
done
# Dataplane port k on veth $TAG-dk, router ends $TAG-rk; router to peer
# on $TAG-sk / $TAG-pk (k = 0: network A, 1: network B).
for k in 0 1; do
    ip link add "$TAG-d$k" netns "$NS_DP" type veth peer name "$TAG-r$k" netns "$NS_RT" ||
        fail "veth"
    ip link add "$TAG-s$k" netns "$NS_RT" type veth peer name "$TAG-p$k" netns "$NS_PEER" ||
        fail "veth"
    ip netns exec "$NS_DP" sysctl -qw "net.ipv6.conf.$TAG-d$k.disable_ipv6=1"
    ip -n "$NS_DP" link set "$TAG-d$k" up
    for dev in "$TAG-r$k" "$TAG-s$k"; do
        ip netns exec "$NS_RT" ethtool -K "$dev" tx off rx off >/dev/null 2>&1 || true
        ip -n "$NS_RT" link set "$dev" up
    done
    ip netns exec "$NS_PEER" ethtool -K "$TAG-p$k" tx off rx off >/dev/null 2>&1 || true
    ip -n "$NS_PEER" link set "$TAG-p$k" up
done
ip netns exec "$NS_RT" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$NS_RT" sysctl -qw net.ipv6.conf.all.forwarding=1
for dev in "$TAG-r0" "$TAG-r1" "$TAG-s0" "$TAG-s1"; do
    ip netns exec "$NS_RT" sysctl -qw "net.ipv6.conf.$dev.accept_dad=0"
done
for dev in "$TAG-p0" "$TAG-p1"; do
    ip netns exec "$NS_PEER" sysctl -qw "net.ipv6.conf.$dev.accept_dad=0"
done
# shellcheck disable=SC2086
{
    ip -n "$NS_RT" addr add "$GW_A/$PLEN" dev "$TAG-r0" $NODAD
    ip -n "$NS_RT" addr add "$GW_B/$PLEN" dev "$TAG-r1" $NODAD
    ip -n "$NS_RT" addr add "$RT_PA/$PLEN" dev "$TAG-s0" $NODAD
    ip -n "$NS_RT" addr add "$RT_PB/$PLEN" dev "$TAG-s1" $NODAD
    ip -n "$NS_PEER" addr add "$PEER_A/$PLEN" dev "$TAG-p0" $NODAD
    ip -n "$NS_PEER" addr add "$PEER_B/$PLEN" dev "$TAG-p1" $NODAD
    $IP -n "$NS_PEER" route add "$NET_DP_A" via "$RT_PA"
    $IP -n "$NS_PEER" route add "$NET_DP_B" via "$RT_PB"
}

# path A cut or restored (add or del) at the router, both ways, without
# a word (blackhole routes).
cut_a() {
    $IP -n "$NS_RT" route "$1" blackhole "$PEER_A/$HOST" || fail "route $1"
    $IP -n "$NS_RT" route "$1" blackhole "$DP_A/$HOST" || fail "route $1"
}
# The same with ICMP: the router answers what the dataplane sends to A
# with a host unreachable (an unreachable route); the peer's way back
# is cut in the peer's own namespace, so that the router's route to
# 198.18.0.1, which carries the ICMP, stays.
cut_a_icmp() {
    $IP -n "$NS_RT" route "$1" unreachable "$PEER_A/$HOST" || fail "route $1"
    $IP -n "$NS_PEER" route "$1" blackhole "$DP_A/$HOST" || fail "route $1"
}

# What the dataplane sends on the peer's network B, captured there.
start_bg "$TMP/tshark.log" timeout 90 ip netns exec "$NS_PEER" tshark -n -i "$TAG-p1" \
    -w "$TMP/b.pcap" -f "$IPF src $DP_B"
TSHARK=$LAST_PID
start_bg "$TMP/tshark-a.log" timeout 90 ip netns exec "$NS_PEER" tshark -n -i "$TAG-p0" \
    -w "$TMP/a.pcap" -f "$IPF src $DP_A"
TSHARK_A=$LAST_PID
# What the dataplane sends on its own link A, cut or not.
start_bg "$TMP/tshark-d.log" timeout 90 ip netns exec "$NS_RT" tshark -n -i "$TAG-r0" \
    -w "$TMP/d.pcap" -f "$IPF src $DP_A"
TSHARK_D=$LAST_PID
wait_log "$TMP/tshark-d.log" "Capturing on" 20 || fail "tshark did not start"
wait_log "$TMP/tshark.log" "Capturing on" 20 || fail "tshark did not start"
wait_log "$TMP/tshark-a.log" "Capturing on" 20 || fail "tshark did not start"

start_bg "$TMP/srv.log" timeout 90 ip netns exec "$NS_PEER" "$CLIENT" -l "$ANY" 6000 \
    -k 4 -t 80 -f
SRV=$LAST_PID
wait_log "$TMP/srv.log" LISTENING 10 || fail "usrsctp echo server did not start"

# Quick failover on our side, as SIGTRAN deployments set it up: a path
# is potentially failed at its first timeout (RFC 7829, pf_retrans 0),
# so its traffic moves at once, and given up after three more.
cat >"$TMP/dp.ini" <<EOF
[sctp]
rto_initial_ms = 300
rto_min_ms = 100
rto_max_ms = 500
hb_interval_ms = 300
path_max_retrans = 3
pf_retrans = 0
assoc_max_retrans = 20
EOF
N=6000
PFX="${TAG}m"
# shellcheck disable=SC2046
start_bg "$TMP/dp.log" timeout 120 ip netns exec "$NS_DP" "$SCTPDP" \
    $(eal_args 0 "$PFX" "net_af_packet0,iface=$TAG-d0") --vdev="net_af_packet1,iface=$TAG-d1" \
    -- --config "$TMP/dp.ini" --addr "$DP_A/$PLEN@0" --addr "$DP_B/$PLEN@1" \
    --route "$NET_PEER_A=$GW_A" --route "$NET_PEER_B=$GW_B" \
    --connect "$CONN_A" --connect "$CONN_B" \
    --gen-msgs $N --gen-size 200 --gen-streams 4 --gen-rate 400 --gen-timeout 60 --hold
DP=$LAST_PID
wait_log "$TMP/dp.log" "ready" 30 || { cat "$TMP/dp.log"; fail "dataplane did not start"; }
wait_log "$TMP/srv.log" COMM_UP 10 || { tail "$TMP/dp.log"; fail "no association"; }

# assoc_field KEY: one field of the association's details.
assoc_field() {
    ctl "$PFX" --json raw "/sctpdp/assoc,0_1" | "$PY" -c '
import json, sys
r = json.load(sys.stdin)["/sctpdp/assoc"]
print(r.get(sys.argv[1], "") if isinstance(r, dict) else "")' "$1"
}
# wait_path K WORD SECS: path K's line has WORD within SECS seconds.
wait_path() {
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        PATHLINE=$(assoc_field "path$1")
        [[ " $PATHLINE " == *" $2 "* ]] && return 0
        sleep 0.1
    done
    return 1
}

wait_path 0 active 5 || fail "path A not active: $PATHLINE"
echo "path0: $PATHLINE (from $(assoc_field path0_src))"
echo "path1: $(assoc_field path1) (from $(assoc_field path1_src))"
[[ $(assoc_field path0) == "$PEER_A active primary "* && $(assoc_field path0_src) == "$DP_A" ]] ||
    fail "path A is not $PEER_A from $DP_A, primary"
[[ $(assoc_field path1) == "$PEER_B active "* && $(assoc_field path1_src) == "$DP_B" ]] ||
    fail "path B is not $PEER_B from $DP_B"
ctl "$PFX" info | grep route | tee "$TMP/routes.txt"
grep -q "route0 *$NET_PEER_A via $GW_A port 0" "$TMP/routes.txt" &&
    grep -q "route1 *$NET_PEER_B via $GW_B port 1" "$TMP/routes.txt" ||
    fail "sctpdp-ctl info does not show the two routes"
ok "two paths, each from the address on its own network's port (routes pick the source)"

sleep 1.5
t_cut=$(date +%s.%N)
cut_a add
log "path A cut"
wait_path 0 inactive 8 || fail "path A still not inactive 8 s after the cut: $PATHLINE"
t_down=$(date +%s.%N)
log "path A inactive: $PATHLINE"
ctl "$PFX" assocs | tee "$TMP/assocs.txt"
"$PY" - "$TMP/assocs.txt" <<'PYEOF' || fail "sctpdp-ctl assocs does not show one path of two up"
import sys
lines = open(sys.argv[1]).read().splitlines()
head = lines[0].split()
row = lines[2].split()
assert row[head.index("paths")] == "2" and row[head.index("paths_up")] == "1", row
PYEOF
pf=$(counter "$PFX" lcores 0.paths_pf)
[[ $pf -ge 1 ]] || fail "path A was not potentially failed first (paths_pf=$pf)"
ok "the dataplane took path A for potentially failed, then gave it up" \
    "$("$PY" -c "print(round($t_down - $t_cut, 2))") s after the cut"
wait_log "$TMP/srv.log" "PADDR $DP_A UNREACHABLE" 10 ||
    { cat "$TMP/srv.log"; fail "the usrsctp peer did not give our address on A up"; }
ok "the usrsctp peer reports $DP_A unreachable"
rx1=$(counter "$PFX" ports 1.rx_sctp)
sleep 2
rx2=$(counter "$PFX" ports 1.rx_sctp)
echo "port 1 (network B) received $((rx2 - rx1)) SCTP packets in 2 s with A cut"
[[ $((rx2 - rx1)) -ge 200 ]] || fail "the echoes did not go on over network B"
ok "with A cut, messages and their echoes go on over network B"
grep -q "generator: all" "$TMP/dp.log" && fail "the run ended before path A came back: the test tests nothing"

cut_a del
t_back=$(date +%s.%N)
log "path A restored"
wait_path 0 active 5 || fail "path A not active 5 s after it was restored: $PATHLINE"
log "path A active: $PATHLINE"
ok "heartbeats found path A again within $("$PY" -c "print(round($(date +%s.%N) - $t_back, 2))") s"
wait_log "$TMP/srv.log" "PADDR $DP_A AVAILABLE" 10 ||
    { cat "$TMP/srv.log"; fail "the usrsctp peer did not find our address on A again"; }
ok "the usrsctp peer reports $DP_A available again"

# Cut again, now with ICMP: the router answers what the dataplane sends
# to A with a host unreachable (RFC 9260 10, ICMP9), which counts as a
# path error at once: potentially failed without waiting for a timeout.
sleep 1
pf0=$(counter "$PFX" lcores 0.paths_pf)
t_cut2=$(date +%s.%N)
cut_a_icmp add
log "path A cut, with ICMP"
wait_counter_min "$PFX" lcores 0.paths_pf $((pf0 + 1)) 5 ||
    fail "path A not potentially failed after the second cut (paths_pf=$COUNTER)"
sleep 1
cut_a_icmp del
t_back2=$(date +%s.%N)
icmp=$(counter "$PFX" ports 0.rx_icmp_dest_unreach)
took=$(counter "$PFX" lcores 0.icmp_dest_unreach)
echo "rx_icmp_dest_unreach=$icmp icmp_dest_unreach=$took"
[[ $icmp -ge 1 && $took -ge 1 ]] || fail "no host unreachable reached the association"
ok "ICMP host unreachable taken as a path error: path A potentially failed"
wait_path 0 active 5 || fail "path A not active 5 s after it was restored: $PATHLINE"

wait_log "$TMP/dp.log" "generator: all $N messages echoed and checked" 40 ||
    { tail -20 "$TMP/dp.log"; fail "not every message came back intact"; }
ok "all $N messages echoed and checked, in order per stream"
grep "^gen:" "$TMP/dp.log"

kill -INT "$TSHARK" "$TSHARK_A" "$TSHARK_D"
wait_exit "$TSHARK" 10 || fail "tshark did not stop"
wait_exit "$TSHARK_A" 10 || fail "tshark did not stop"
wait_exit "$TSHARK_D" 10 || fail "tshark did not stop"
# DATA (chunk type 0) from the dataplane on each network, by time.
data_times() {
    tshark -n -r "$1" -Y "sctp.chunk_type == 0" -T fields -e frame.time_epoch 2>/dev/null
}
"$PY" - "$t_cut" "$t_down" "$t_back" "$t_cut2" "$t_back2" <(data_times "$TMP/a.pcap") \
    <(data_times "$TMP/b.pcap") <(data_times "$TMP/d.pcap") <<'PYEOF' ||
import sys
t_cut, t_down, t_back, t_cut2, t_back2 = map(float, sys.argv[1:6])
a = [float(x) for x in open(sys.argv[6]).read().split()]
b = [float(x) for x in open(sys.argv[7]).read().split()]
d = [float(x) for x in open(sys.argv[8]).read().split()]
cut_a = sum(t_cut < t < t_back for t in d)
print("DATA on network A: %d before the cut, %d after it was restored; on network B: %d "
      "between the failure and the restoration; sent on the cut link A: %d in %.1f s"
      % (sum(t < t_cut for t in a), sum(t > t_back for t in a),
         sum(t_down < t < t_back for t in b), cut_a, t_back - t_cut))
assert sum(t < t_cut for t in a) >= 50, "no DATA on the primary path before the cut"
assert sum(t_down < t < t_back for t in b) >= 50, "no DATA on network B while A was down"
assert sum(t > t_back + 1 for t in a) >= 50, "DATA did not come back to the primary path"
# 400 messages a second: until its first timeout (RTO.Min 100 ms after
# the last SACK) new DATA still goes to A, and nothing after it. Without
# the potentially failed state it would carry every new message until it
# is given up, a second or more.
assert cut_a <= 0.1 * 400 * (t_back - t_cut), "new DATA kept going to the cut path"
# With ICMP the first answer moves the traffic: a packet or two, not the
# 100 ms until a timeout (40 messages at 400 a second).
cut_icmp = sum(t_cut2 < t < t_back2 for t in d)
print("with ICMP: %d DATA packets sent on the cut link A in %.1f s" % (cut_icmp, t_back2 - t_cut2))
assert cut_icmp <= 8, "new DATA kept going to the path the router said was unreachable"
PYEOF
    fail "DATA was not where it should be"
ok "on the wire: DATA on network A, on B from A's first timeout until it was back, then on A;" \
    "with ICMP, off A at the first host unreachable"

kill -TERM "$DP"
wait_exit "$DP" 20 || fail "dataplane did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
wait_exit "$SRV" 20 || fail "usrsctp echo server did not end"
grep -q "association shut down" "$TMP/srv.log" || { cat "$TMP/srv.log"; fail "no graceful shutdown"; }
ok "SIGTERM: the association shut down gracefully"
echo "PASS: $CHECKS checks"
