#!/usr/bin/env bash
# The path MTU falls behind a router while DATA is in flight, over IPv4
# and over IPv6. The dataplane (on net_af_packet) reaches a usrsctp echo
# server through a Linux router in a namespace of its own, whose link to
# the peer carries 1280-byte packets; the dataplane's own port carries
# 1500. The dataplane's traffic generator sends messages of 3000 bytes,
# in DATA chunks made for 1500-byte packets (IPv4 with DF set).
#
# With ICMP: the router answers with an ICMP "fragmentation needed" or
# an ICMPv6 "packet too big" (MTU 1280). Then, for each family:
#  - the dataplane lowers the path's MTU (pmtu_decreases; the
#    association's path shows mtu=1280) and cuts new messages to it;
#  - the chunks made for 1500 bytes are not cut again (their TSNs are
#    given): they go again at once, not after T3 (the first fragment
#    reaches the peer within 300 ms of the dataplane's INIT; T3 waits at
#    least the minimum RTO of 1 s), as IP fragments of at most 1280 bytes
#    that the dataplane cuts itself (tx_frag_ok, tx_frags; IPv4 with DF
#    clear, IPv6 with a fragment header: routers do not fragment IPv6);
#  - on the peer's link, the capture shows those fragments from the
#    dataplane, and no packet larger than 1280 bytes;
#  - every message comes back from the echo server, checked.
# Without the fragments, the association stalls: each retransmission of
# such a chunk is dropped by the router again.
#
# A black hole (RFC 8899 4.3): the router's link to the peer carries
# 1500 bytes at the router's end and 1280 at the peer's, so larger frames
# vanish there and no ICMP comes back. After two T3 expiries for the
# same chunk, with a HEARTBEAT answered in between, the dataplane takes
# the base MTU (1200 for IPv4, 1280 for IPv6:
# pmtu_blackholes), sends that chunk again in fragments, and every
# message comes back.
#
# (The usrsctp peer's raw socket drops packets of the generator's bursts
# when its receive buffer is full, so a run also has fast
# retransmissions, and sometimes a T3 expiry later on; neither is what
# this test checks.)
#
#   tests/system/36-pmtu-router.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require
[[ -x "$CLIENT" ]] || fail "$CLIENT not built"
command -v tshark >/dev/null || fail "tshark not installed"

MTU=1280
NS_DP="$TAG-dp"
NS_RT="$TAG-rt"
NS_PEER="$TAG-peer"
VETH_DP="$TAG-d"
for ns in "$NS_DP" "$NS_RT" "$NS_PEER"; do
    ip netns add "$ns" || fail "ip netns add"
    NETNS+=("$ns")
    ip -n "$ns" link set lo up
done
ip link add "$VETH_DP" netns "$NS_DP" type veth peer name "$TAG-r1" netns "$NS_RT" || fail "veth"
ip link add "$TAG-r2" netns "$NS_RT" type veth peer name "$TAG-p" netns "$NS_PEER" || fail "veth"
# The dataplane's side belongs to the dataplane: no kernel IPv6 on it.
ip netns exec "$NS_DP" sysctl -qw "net.ipv6.conf.$VETH_DP.disable_ipv6=1"
ip -n "$NS_DP" link set "$VETH_DP" up
for dev in "$TAG-r1" "$TAG-r2"; do
    ip netns exec "$NS_RT" ethtool -K "$dev" tx off rx off >/dev/null 2>&1 || true
    ip netns exec "$NS_RT" sysctl -qw "net.ipv6.conf.$dev.accept_dad=0"
done
ip netns exec "$NS_PEER" ethtool -K "$TAG-p" tx off rx off >/dev/null 2>&1 || true
ip netns exec "$NS_PEER" sysctl -qw "net.ipv6.conf.$TAG-p.accept_dad=0"
ip netns exec "$NS_RT" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$NS_RT" sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n "$NS_RT" addr add 198.18.0.254/24 dev "$TAG-r1"
ip -n "$NS_RT" addr add 198.18.1.254/24 dev "$TAG-r2"
ip -n "$NS_RT" addr add 2001:2:0:1::fe/64 dev "$TAG-r1" nodad
ip -n "$NS_RT" addr add 2001:2:0:2::fe/64 dev "$TAG-r2" nodad
ip -n "$NS_RT" link set "$TAG-r2" mtu "$MTU"
ip -n "$NS_PEER" link set "$TAG-p" mtu "$MTU"
ip -n "$NS_RT" link set "$TAG-r1" up
ip -n "$NS_RT" link set "$TAG-r2" up
ip -n "$NS_PEER" addr add 198.18.1.2/24 dev "$TAG-p"
ip -n "$NS_PEER" addr add 2001:2:0:2::2/64 dev "$TAG-p" nodad
ip -n "$NS_PEER" link set "$TAG-p" up
ip -n "$NS_PEER" route add default via 198.18.1.254
ip -n "$NS_PEER" -6 route add default via 2001:2:0:2::fe

# run_case MODE FAMILY DP_ADDR/PREFIX GATEWAY PEER_ADDR CONNECT HDR: one run
# over FAMILY (4 or 6), MODE icmp or blackhole; HDR is the IP and SCTP
# common header bytes usrsctp adds to the MTU it is given (see below).
run_case() {
    local mode="$1" fam="$2" dp_addr="$3" gw="$4" peer="$5" connect="$6" hdr="$7" n=200
    local pfx="${TAG}$2$1" want_mtu=$MTU
    [[ $mode == blackhole && $fam == 4 ]] && want_mtu=1200
    fam="$fam-$mode" # names of the logs; the family is ${fam%%-*}
    local filt="ip src ${dp_addr%/*}" mf_expr="ip.flags.mf == 1 && ip.flags.df == 0"
    if [[ ${fam%%-*} == 6 ]]; then
        filt="ip6 src ${dp_addr%/*}"
        mf_expr="ipv6.fraghdr.more == 1"
    fi
    log "--- IPv$fam: $dp_addr via $gw to $peer, a $MTU-byte link behind the router"
    # The black hole: the router sends on a link of 1500 bytes whose
    # other end (the peer's) takes 1280, and drops the rest without a
    # word. (Not on the dataplane's own link: DPDK's af_packet driver
    # stops sending for good once the kernel refuses a frame of its
    # ring.)
    if [[ $mode == blackhole ]]; then
        ip -n "$NS_RT" link set "$TAG-r2" mtu 1500
    else
        ip -n "$NS_RT" link set "$TAG-r2" mtu "$MTU"
    fi
    # What reaches the peer, on its link.
    start_bg "$TMP/tshark$fam.log" timeout 90 ip netns exec "$NS_PEER" tshark -n -i "$TAG-p" \
        -w "$TMP/peer$fam.pcap" -f "$filt"
    local tshark=$LAST_PID
    wait_log "$TMP/tshark$fam.log" "Capturing on" 20 || fail "tshark did not start"

    # The echo server's own path MTU is fixed with -m: usrsctp does not
    # learn the MTU of the interface it sends on (a raw socket then
    # refuses its larger packets), and its figure leaves out the IP and
    # SCTP common header it puts in front.
    start_bg "$TMP/srv$fam.log" timeout 90 ip netns exec "$NS_PEER" "$CLIENT" -l "$peer" 6000 \
        -k 16 -t 80 -m $((MTU - hdr))
    local srv=$LAST_PID
    wait_log "$TMP/srv$fam.log" LISTENING 10 || fail "usrsctp echo server did not start"

    start_dp "$TMP/dp$fam.log" 120 0 "$pfx" "net_af_packet0,iface=$VETH_DP" \
        --addr "$dp_addr" --gateway "$gw" --connect "$connect" \
        --gen-msgs "$n" --gen-size 3000 --gen-streams 2 --gen-timeout 60 --hold
    # --hold: the dataplane stays up, with the association, for the counters.
    wait_log "$TMP/dp$fam.log" "generator: all $n messages echoed and checked" 60 ||
        { tail -20 "$TMP/dp$fam.log"; fail "IPv$fam: not every message came back intact"; }
    ok "IPv$fam: $n messages of 3000 bytes through the $MTU-byte link and back, all checked"

    sleep 0.5 # association details are published five times a second
    local ptb dec bh fok frags
    ptb=$(counter "$pfx" ports 0.rx_icmp_ptb)
    dec=$(counter "$pfx" lcores 0.pmtu_decreases)
    bh=$(counter "$pfx" lcores 0.pmtu_blackholes)
    fok=$(counter "$pfx" ports 0.tx_frag_ok)
    frags=$(counter "$pfx" ports 0.tx_frags)
    echo "dataplane: rx_icmp_ptb=$ptb pmtu_decreases=$dec pmtu_blackholes=$bh" \
        "tx_frag_ok=$fok tx_frags=$frags"
    if [[ $mode == icmp ]]; then
        [[ $ptb -ge 1 ]] || fail "IPv$fam: no too-big message reached the dataplane"
        [[ $dec -ge 1 && $bh -eq 0 ]] || fail "IPv$fam: the path MTU was not lowered by the ICMP"
        ok "IPv$fam: too-big taken, path MTU lowered"
    else
        [[ $ptb -eq 0 ]] || fail "IPv$fam: a too-big reached the dataplane from the black hole"
        [[ $bh -eq 1 ]] || fail "IPv$fam: the black hole was not found (pmtu_blackholes=$bh)"
        ok "IPv$fam: no ICMP; the black hole found after two T3 expiries, path MTU lowered"
    fi
    [[ $fok -ge 1 && $frags -ge $((2 * fok)) ]] || fail "IPv$fam: no packet sent in fragments"
    ok "IPv$fam: $fok packets sent in $frags fragments"

    ctl "$pfx" raw "/sctpdp/assoc,0_1" >"$TMP/assoc$fam.json" || fail "sctpdp-ctl raw"
    "$PY" - "$TMP/assoc$fam.json" "$want_mtu" <<'PYEOF' || fail "IPv$fam: association details"
import json, sys
r = json.load(open(sys.argv[1]))["/sctpdp/assoc"]
assert isinstance(r, dict), "no association 0_1"
print("association: t3_expiries=%s retransmissions=%s fast_retransmissions=%s path0=%s"
      % (r["t3_expiries"], r["retransmissions"], r["fast_retransmissions"], r["path0"]))
assert (" mtu=%s " % sys.argv[2]) in r["path0"], "the path does not show the lowered MTU"
PYEOF
    ok "IPv$fam: the association's path has mtu=$want_mtu"

    kill -INT "$tshark"
    wait_exit "$tshark" 10 || fail "tshark did not stop"
    local pcap="$TMP/peer$fam.pcap" big mf total t_init t_frag
    big=$(tshark -n -r "$pcap" -Y "frame.len > $((MTU + 14))" -T fields -e frame.number \
        2>/dev/null | wc -l)
    mf=$(tshark -n -r "$pcap" -Y "$mf_expr" -T fields -e frame.number 2>/dev/null | wc -l)
    total=$(tshark -n -r "$pcap" -T fields -e frame.number 2>/dev/null | wc -l)
    echo "peer's link: $total packets from the dataplane, $mf not last fragments, $big over $MTU"
    [[ $total -gt 0 && $big -eq 0 ]] || fail "IPv$fam: packets over $MTU bytes on the peer's link"
    [[ $mf -ge 1 ]] || fail "IPv$fam: no fragments from the dataplane on the peer's link"
    ok "IPv$fam on the wire: fragments of the dataplane's packets, none over $MTU bytes"
    t_init=$(tshark -n -r "$pcap" -Y "sctp.chunk_type == 1" -T fields -e frame.time_relative \
        2>/dev/null | head -1)
    t_frag=$(tshark -n -r "$pcap" -Y "$mf_expr" -T fields -e frame.time_relative \
        2>/dev/null | head -1)
    echo "INIT at ${t_init}s, first fragment at ${t_frag}s"
    # With ICMP at once; in a black hole after two T3 expiries (1 s, then
    # 2 s: the RTO doubles).
    local within=0.3
    [[ $mode == blackhole ]] && within=5
    "$PY" -c "import sys; sys.exit(0 if float('$t_frag') - float('$t_init') < $within else 1)" ||
        fail "IPv$fam: the chunks that no longer fit went again only after $t_frag s"
    ok "IPv$fam: the chunks that no longer fit went again in fragments within $within s"

    kill -TERM "$DP"
    wait_exit "$DP" 20 || fail "dataplane did not stop"
    [[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
    wait_exit "$srv" 20 || fail "usrsctp echo server did not end"
}

# usrsctp's MTU figure leaves out 20 + 12 bytes over IPv4, 40 + 12 over IPv6.
for mode in icmp blackhole; do
    run_case $mode 4 198.18.0.1/24 198.18.0.254 198.18.1.2 198.18.1.2:6000 32
    run_case $mode 6 2001:2:0:1::1/64 2001:2:0:1::fe 2001:2:0:2::2 "[2001:2:0:2::2]:6000" 52
done
echo "PASS: $CHECKS checks"
