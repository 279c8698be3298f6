#!/usr/bin/env bash
# IP fragments and path MTU, against a dataplane on net_tap (AF_PACKET
# fanout defragments in the kernel, a TAP device hands over the frames as
# sent). The kernel side of the TAP, in a namespace of its own, is the
# peer (198.18.0.2): scapy and usrsctp run there.
#  - a fragmented ICMP echo request (1200 bytes in 4 fragments) is
#    reassembled (rte_ip_frag) and answered;
#  - a fragmented SCTP INIT (4 fragments) is reassembled and gets its
#    INIT ACK;
#  - a lone first fragment is held, never delivered: the table drops it
#    after frag_ttl_ms, and it is counted as drop_frag_expired;
#  - a first fragment sent twice makes the table refuse the datagram: both
#    fragments are counted as drop_frag_refused;
#  - a fragmented echo request of 3000 bytes is reassembled and answered
#    in fragments of at most the port's MTU (RFC 1122 3.2.2.6: the reply
#    carries all the data), which the peer reassembles;
#  - an ICMP "fragmentation needed" quoting a packet of a live association
#    lowers that path's MTU in the protocol core: to its next-hop MTU
#    (1200), or, when that is 0 (routers before RFC 1191), to the plateau
#    below the quoted datagram's length;
#  - what the dataplane sends has DF set.
#
#   tests/system/35-frag-pmtu.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require
"$PY" -c "import scapy" 2>/dev/null || fail "scapy missing (python3-scapy)"
[[ -x "$CLIENT" ]] || fail "$CLIENT not built"

DP_ADDR=198.18.0.1
PEER_ADDR=198.18.0.2
NS_DP="$TAG-tap"
TAP="${TAG}t"
ip netns add "$NS_DP" || fail "ip netns add"
NETNS+=("$NS_DP")
ip -n "$NS_DP" link set lo up
PFX="${TAG}f"
# Long enough that the lone fragment is still held when first looked at:
# that read comes after scapy's second of listening for a reply and a
# telemetry query, over 2 s after the fragment on a loaded machine.
TTL_MS=5000
printf '[sctpdp]\nfrag_ttl_ms = %d\n' "$TTL_MS" >"$TMP/dp.ini"
start_dp "$TMP/dp.log" 120 0 "$PFX" "net_tap0,iface=$TAP" \
    --config "$TMP/dp.ini" --addr "$DP_ADDR/24" --echo-port 5001
ip netns exec "$NS_DP" sysctl -qw "net.ipv6.conf.$TAP.disable_ipv6=1"
ip -n "$NS_DP" addr add "$PEER_ADDR/24" dev "$TAP"
ip -n "$NS_DP" link set "$TAP" up
NS_PEER="$NS_DP"
VETH_PEER="$TAP"
ip netns exec "$NS_PEER" ping -c 1 -W 2 "$DP_ADDR" >/dev/null || fail "no ping answer"

cat >"$TMP/frag.py" <<'PYEOF'
import sys, time
from scapy.all import (conf, IP, ICMP, SCTP, SCTPChunkInit, AsyncSniffer, send, fragment,
                       defragment, raw, Raw)
conf.verb = 0
dst, iface, what = sys.argv[1], sys.argv[2], sys.argv[3]
sn = AsyncSniffer(iface=iface, filter="src host %s" % dst, store=True)
sn.start()
time.sleep(0.5)
if what == "icmp":
    pkt = IP(dst=dst, id=0x4242) / ICMP(id=7, seq=1) / Raw(b"sctpdp" * 200)
    frags = fragment(pkt, fragsize=400)
    send(frags)
    time.sleep(1.0)
    got = sn.stop()
    rep = [p for p in got if ICMP in p and p[ICMP].type == 0 and p[ICMP].id == 7]
    ok = [p for p in rep if raw(p[ICMP].payload) == b"sctpdp" * 200]
    df = all(p[IP].flags.DF for p in rep)
    print("sent %d fragments, echo replies %d, intact %d, DF %s" % (len(frags), len(rep), len(ok), df))
elif what == "sctp":
    pkt = IP(dst=dst, id=0x4343) / SCTP(sport=45100, dport=5001, tag=0) / SCTPChunkInit(
        init_tag=0x11223344, a_rwnd=65536, n_out_streams=1, n_in_streams=1, init_tsn=1)
    pkt = IP(raw(pkt))
    frags = fragment(pkt, fragsize=8)
    send(frags)
    time.sleep(1.0)
    got = sn.stop()
    acks = [p for p in got if SCTP in p and p[SCTP].dport == 45100 and raw(p[SCTP])[12] == 2]
    df = all(p[IP].flags.DF for p in acks)
    print("sent %d fragments, INIT ACK %d, DF %s" % (len(frags), len(acks), df))
elif what == "lone":
    pkt = IP(dst=dst, id=0x4444) / ICMP(id=9, seq=1) / Raw(b"x" * 1000)
    frags = fragment(pkt, fragsize=400)
    send(frags[0])
    time.sleep(1.0)
    got = sn.stop()
    rep = [p for p in got if ICMP in p and p[ICMP].type == 0 and p[ICMP].id == 9]
    print("sent 1 of %d fragments, echo replies %d" % (len(frags), len(rep)))
elif what == "dup":
    pkt = IP(dst=dst, id=0x4545) / ICMP(id=11, seq=1) / Raw(b"y" * 1000)
    frags = fragment(pkt, fragsize=400)
    send([frags[0], frags[0]])
    time.sleep(1.0)
    got = sn.stop()
    rep = [p for p in got if ICMP in p and p[ICMP].type == 0 and p[ICMP].id == 11]
    print("sent the first of %d fragments twice, echo replies %d" % (len(frags), len(rep)))
elif what == "big":
    pkt = IP(dst=dst, id=0x4646) / ICMP(id=13, seq=1) / Raw(b"z" * 3000)
    frags = fragment(pkt, fragsize=1400)
    send(frags)
    time.sleep(1.0)
    got = sn.stop()
    parts = [p[IP] for p in got if IP in p and p[IP].proto == 1 and (p[IP].flags.MF or p[IP].frag)]
    whole = defragment(parts) if parts else []
    rep = [p for p in whole if ICMP in p and p[ICMP].type == 0 and p[ICMP].id == 13]
    ok = [p for p in rep if raw(p[ICMP].payload) == b"z" * 3000]
    largest = max((p.len for p in parts), default=0)
    print("sent a %d-byte echo request in %d fragments, reply in %d fragments of at most %d bytes, "
          "echo replies %d, intact %d" % (len(pkt), len(frags), len(parts), largest, len(rep), len(ok)))
elif what == "ptb":
    sport, vtag = int(sys.argv[4]), int(sys.argv[5], 16)
    # What we claim the dataplane sent: its address to ours, SCTP 5001 -> sport.
    mtu = int(sys.argv[7])
    inner = IP(src=dst, dst=sys.argv[6], flags="DF", len=1400) / SCTP(sport=5001, dport=sport, tag=vtag)
    icmp = IP(dst=dst) / ICMP(type=3, code=4, nexthopmtu=mtu) / raw(inner)[:28]
    send(icmp)
    time.sleep(0.5)
    sn.stop()
    print("sent ICMP fragmentation needed, tag 0x%08x, next-hop MTU %d" % (vtag, mtu))
PYEOF
frag() { timeout 30 ip netns exec "$NS_PEER" "$PY" "$TMP/frag.py" "$DP_ADDR" "$VETH_PEER" "$@"; }

out=$(frag icmp) || fail "scapy: $out"
echo "$out"
[[ "$out" == *"echo replies 1, intact 1, DF True"* ]] || fail "fragmented echo request not answered"
ok "fragmented ICMP echo request reassembled and answered (reply has DF)"

out=$(frag sctp) || fail "scapy: $out"
echo "$out"
[[ "$out" == *"INIT ACK 1, DF True"* ]] || fail "fragmented INIT not answered"
ok "fragmented SCTP INIT reassembled, INIT ACK sent with DF"

out=$(frag lone) || fail "scapy: $out"
lone_done=$SECONDS # the fragment went out a second or more before
echo "$out"
[[ "$out" == *"echo replies 0"* ]] || fail "a lone fragment was answered"
nexp=$(counter "$PFX" ports 0.drop_frag_expired)
[[ $nexp -eq 0 ]] || fail "drop_frag_expired=$nexp before frag_ttl_ms passed"
ok "a lone first fragment is held, not delivered (drop_frag_expired still 0)"

out=$(frag dup) || fail "scapy: $out"
echo "$out"
[[ "$out" == *"echo replies 0"* ]] || fail "a datagram with a duplicate first fragment was answered"
sleep 0.3
nf=$(counter "$PFX" ports 0.rx_frags)
nr=$(counter "$PFX" ports 0.reassembled)
nref=$(counter "$PFX" ports 0.drop_frag_refused)
echo "rx_frags=$nf reassembled=$nr drop_frag_refused=$nref"
[[ $nf -eq 11 && $nr -eq 2 ]] || fail "fragment counters rx_frags=$nf reassembled=$nr"
ok "fragments counted ($nf), 2 datagrams reassembled"
[[ $nref -eq 2 ]] || fail "drop_frag_refused=$nref, expected 2"
ok "a duplicate first fragment: both fragments refused by the table and counted ($nref)"

# The lone fragment expires frag_ttl_ms after it came (the table is swept
# every 100 ms); give it that and a few seconds more. The counter is read
# at least once after the steps above, however long they took: on a loaded
# machine they can outlast the deadline, and the value read before the
# fragment could expire must not be the one judged.
deadline=$((lone_done + TTL_MS / 1000 + 10))
while :; do
    nexp=$(counter "$PFX" ports 0.drop_frag_expired)
    ((nexp != 0 || SECONDS >= deadline)) && break
    sleep 0.2
done
echo "drop_frag_expired=$nexp $((SECONDS - lone_done)) s after scapy sent the lone fragment and returned (frag_ttl_ms=$TTL_MS)"
[[ $nexp -eq 1 ]] || fail "drop_frag_expired=$nexp, expected 1"
ok "the lone fragment expired after frag_ttl_ms and was counted as drop_frag_expired"

# An echo request reassembled to more than the port's MTU: the reply
# goes in fragments.
f0=$(counter "$PFX" ports 0.tx_frags)
out=$(frag big) || fail "scapy: $out"
echo "$out"
sleep 0.3
big=$(counter "$PFX" ports 0.drop_icmp_echo_too_big)
nr=$(counter "$PFX" ports 0.reassembled)
f1=$(counter "$PFX" ports 0.tx_frags)
echo "tx_frags $f0 -> $f1, drop_icmp_echo_too_big=$big, reassembled=$nr"
[[ "$out" =~ reply\ in\ ([0-9]+)\ fragments\ of\ at\ most\ ([0-9]+)\ bytes ]] ||
    fail "no reply fragments"
[[ ${BASH_REMATCH[1]} -ge 3 && ${BASH_REMATCH[2]} -le 1500 ]] || fail "reply fragments too large"
[[ "$out" == *"echo replies 1, intact 1"* ]] || fail "the reply to a 3000-byte request is not whole"
[[ $((f1 - f0)) -eq ${BASH_REMATCH[1]} && $big -eq 0 && $nr -eq 3 ]] ||
    fail "not reassembled once, or fragments not counted"
ok "a 3000-byte echo request reassembled and answered in fragments of at most 1500 bytes"

# Path MTU: a live association, then ICMP fragmentation needed for it.
# The client waits up to 90 s for the dataplane to end it (-w), which it
# does at its SIGTERM at the end: under load the scapy runs in between
# have taken more than 30 s, and an association the client closed first
# was missing from the checks after.
start_bg "$TMP/client.log" timeout 150 ip netns exec "$NS_PEER" "$CLIENT" "$DP_ADDR" 5001 \
    -n 5 -s 100 -k 1 -t 20 -w 90
CL=$LAST_PID
wait_log "$TMP/client.log" READY 25 || { cat "$TMP/client.log"; fail "client"; }
sleep 0.5
ctl "$PFX" assoc 0_1 >"$TMP/before.txt" || fail "no association 0_1"
grep path0 "$TMP/before.txt"
pport=$(awk '$1 == "peer_port" {print $2}' "$TMP/before.txt")
pvtag=$(awk '$1 == "peer_vtag" {print $2}' "$TMP/before.txt")
grep -q "mtu=1500" "$TMP/before.txt" || fail "path MTU is not 1500 at first"
# RFC 9260 10 (ICMP6): an ICMP quoting another tag is ignored (an off-path
# sender that knows the addresses and ports cannot shrink the path).
badtag=$(printf '0x%08x' $((pvtag ^ 0x5a5a5a5a)))
out=$(frag ptb "$pport" "$badtag" "$PEER_ADDR" 1000) || fail "scapy: $out"
echo "$out"
sleep 0.5
ctl "$PFX" assoc 0_1 >"$TMP/bad.txt"
grep path0 "$TMP/bad.txt"
grep -q "mtu=1500" "$TMP/bad.txt" || fail "an ICMP with a wrong verification tag changed the path MTU"
bad=$(counter "$PFX" lcores 0.icmp_bad_tag)
[[ $bad -eq 1 ]] || fail "icmp_bad_tag=$bad, expected 1"
ok "ICMP fragmentation needed quoting a wrong verification tag was ignored and counted"

out=$(frag ptb "$pport" "$pvtag" "$PEER_ADDR" 1200) || fail "scapy: $out"
echo "$out"
sleep 0.5
ctl "$PFX" assoc 0_1 >"$TMP/after.txt"
grep path0 "$TMP/after.txt"
ptb=$(counter "$PFX" ports 0.rx_icmp_ptb)
[[ $ptb -eq 2 ]] || fail "rx_icmp_ptb=$ptb"
grep -q "mtu=1200" "$TMP/after.txt" || fail "the path MTU did not drop to 1200"
ok "ICMP fragmentation needed lowered the association's path MTU to 1200"

# An increase is not taken from ICMP (RFC 1191: only decreases).
out=$(frag ptb "$pport" "$pvtag" "$PEER_ADDR" 1400) || fail "scapy: $out"
sleep 0.5
ctl "$PFX" assoc 0_1 >"$TMP/up.txt"
grep -q "mtu=1200" "$TMP/up.txt" || fail "an ICMP next-hop MTU of 1400 raised the path MTU"
ok "a larger next-hop MTU left the path MTU at 1200"

# RFC 1191 5 and 7: a router older than it gives no next-hop MTU (0): the
# next plateau below the quoted datagram's 1400 bytes is 1006.
out=$(frag ptb "$pport" "$pvtag" "$PEER_ADDR" 0) || fail "scapy: $out"
sleep 0.5
ctl "$PFX" assoc 0_1 >"$TMP/zero.txt"
grep path0 "$TMP/zero.txt"
grep -q "mtu=1006" "$TMP/zero.txt" || fail "a next-hop MTU of 0 did not give the plateau 1006"
ok "a next-hop MTU of 0 (a pre-RFC 1191 router) took the plateau below the datagram: 1006"

kill -TERM "$DP"
wait_exit "$DP" 20 || fail "dataplane did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
wait_exit "$CL" 20
echo "PASS: $CHECKS checks"
