#!/usr/bin/env bash
# sctpdp on net_af_packet over a veth pair whose other end is in a network
# namespace: the dataplane answers ARP and ping from the namespace, a UDP
# datagram from there gets a protocol unreachable that the kernel takes,
# and a usrsctp peer there (raw IPv4, the kernel has no SCTP) completes an
# association with the echo service, sends messages and checks the echoes.
# The configuration asks for an MTU of 4000, more than net_af_packet
# carries: the dataplane must use the port's 1500 instead (telemetry says
# so) and still echo messages of 3000 bytes, in DATA chunks that fit.
# The dataplane's stale neighbour entry for the peer is confirmed by an
# association's SACKs during DELAY (no ARP probe), and probed by unicast
# ARP after DELAY when no DATA of ours is acknowledged (RFC 4861 7.3).
#
#   tests/system/20-netns-usrsctp.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require
[[ -x "$CLIENT" ]] || fail "$CLIENT not built (libusrsctp-dev missing?)"
command -v ping >/dev/null || fail "ping not installed (iputils-ping)"

DP_ADDR=198.18.0.1
PEER_ADDR=198.18.0.2
make_netns_pair "$PEER_ADDR/24"
PFX="${TAG}n"

# The configuration file path of sctpdp, with a short neighbour lifetime
# and DELAY so that the test sees the ARP cache entry expire and be
# confirmed by SCTP, or probed.
cat >"$TMP/dp.ini" <<INI
[sctpdp]
name = netns-test
addr = $DP_ADDR/24
echo_port = 5001
discard_port = 5009
neigh_timeout_ms = 1500
neigh_delay_ms = 3000
[port0]
profile = af_packet
mtu = 4000
INI
log "dataplane on net_af_packet (iface $VETH_DP in $NS_DP), $DP_ADDR/24, echo port 5001"
start_dp "$TMP/dp.log" 120 0 "$PFX" "net_af_packet0,iface=$VETH_DP" --config "$TMP/dp.ini"
grep "sctpdp: port 0" "$TMP/dp.log"
ok "dataplane started on af_packet"
mtu=$(counter "$PFX" ports 0.mtu)
echo "port MTU: $mtu (4000 configured)"
[[ $mtu -eq 1500 ]] || fail "the port's MTU is $mtu: more than net_af_packet carries"
grep -q "MTU 4000 .*using 1500" "$TMP/dp.log" || fail "the MTU change was not logged"
ok "MTU 4000 configured, the port carries 1500: 1500 used and logged"

mac=$(grep -o "MAC [0-9A-F:]*" "$TMP/dp.log" | awk '{print tolower($2)}')
ip netns exec "$NS_PEER" ping -c 3 -i 0.2 -W 2 "$DP_ADDR" || fail "no answer to ping"
ok "ping from the namespace answered by the dataplane"
neigh=$(ip -n "$NS_PEER" neigh show "$DP_ADDR")
echo "peer neighbour entry: $neigh"
[[ "$neigh" == *"lladdr $mac"* ]] || fail "ARP did not resolve $DP_ADDR to the dataplane's $mac"
ok "ARP answered: $DP_ADDR is at $mac"
arp_rx=$(counter "$PFX" ports 0.rx_arp)
echo_rx=$(counter "$PFX" ports 0.rx_icmp_echo)
echo_tx=$(counter "$PFX" ports 0.tx_icmp_echo)
echo "dataplane counters: rx_arp=$arp_rx rx_icmp_echo=$echo_rx tx_icmp_echo=$echo_tx"
[[ $echo_rx -ge 3 && $echo_tx -ge 3 ]] || fail "ICMP echo counters $echo_rx/$echo_tx"
ok "ICMP echo counted by the dataplane"

# A protocol the dataplane does not serve: its ICMP protocol unreachable
# reaches the peer's kernel, which fails the connected UDP socket with
# ENOPROTOOPT (RFC 1122 3.2.2.1).
err=$(udp_error "$DP_ADDR")
errs=$(counter "$PFX" ports 0.tx_icmp_error)
echo "UDP to the dataplane: the peer's socket says $err; tx_icmp_error=$errs"
[[ $err == ENOPROTOOPT && $errs -ge 1 ]] || fail "no protocol unreachable reached the peer"
ok "UDP to the dataplane: ICMP protocol unreachable, taken by the peer's kernel"

log "usrsctp client in $NS_PEER: 20 messages of 300 bytes on 3 streams"
echo_client "$DP_ADDR" 20 300 3
ok "association with usrsctp established over raw IPv4"
ok "20 messages echoed on their stream with their PPID, content checked"
wait_log "$TMP/dp.log" "SHUTDOWN_COMP" 10 || fail "the association did not close at the dataplane"
ok "client's SHUTDOWN completed at the dataplane"
echo_client "$DP_ADDR" 10 3000 2
ok "messages of 3000 bytes echoed: the dataplane's packets fit the port's MTU"
# Messages above the partial delivery point (1 MB): the core hands each
# to the echo service in parts, and the echo must still be one message.
echo_client "$DP_ADDR" 3 1500000 2
parted=$(counter "$PFX" lcores 0.echo_parted)
echo "echo service: $parted messages echoed whole from parts"
[[ $parted -eq 3 ]] || fail "echo_parted=$parted: the messages did not come in parts"
ok "messages of 1,500,000 bytes (partial delivery) echoed whole, content checked"
# A message in parts that never ends: the peer sends 1,200,000 bytes of
# it (partial delivery starts at 1 MB) and aborts. The echo service drops
# what it kept of it, and every mbuf comes back.
timeout 30 ip netns exec "$NS_PEER" "$CLIENT" "$DP_ADDR" 5001 -x 1200000 -t 20 \
    >"$TMP/part.log" 2>&1 || { cat "$TMP/part.log"; fail "the client of the unfinished message"; }
cat "$TMP/part.log"
wait_counter "$PFX" lcores 0.echo_parts_dropped 1 10 ||
    fail "echo_parts_dropped=$COUNTER: the unfinished message was not dropped"
pool=$(counter "$PFX" lcores 0.mbufs)
wait_counter "$PFX" lcores 0.mbufs_free "$pool" 10 || fail "$COUNTER of $pool mbufs free"
[[ $(counter "$PFX" lcores 0.echo_parted) -eq 3 ]] || fail "the unfinished message was echoed"
ok "a message in parts that the peer gave up with ABORT: dropped, never echoed, every mbuf back"
# A message that never ends and outgrows what the echo service keeps of
# one (an eighth of the pool's mbufs, a send queue's bytes): the
# association is aborted, and every mbuf comes back.
timeout 30 ip netns exec "$NS_PEER" "$CLIENT" "$DP_ADDR" 5001 -x 8000000 -t 20 \
    >"$TMP/long.log" 2>&1
rc=$?
cat "$TMP/long.log"
[[ $rc -le 1 ]] || fail "the client of the endless message exited $rc"
wait_counter "$PFX" lcores 0.echo_part_aborts 1 10 || fail "echo_part_aborts=$COUNTER"
grep "echo: a message .*, association aborted" "$TMP/dp.log" || fail "the abort was not logged"
wait_counter "$PFX" lcores 0.mbufs_free "$pool" 10 || fail "$COUNTER of $pool mbufs free"
ok "a message in parts that outgrows what the echo keeps: association aborted, every mbuf back"

# The discard service takes messages and sends nothing back.
in0=$(counter "$PFX" lcores 0.msgs_in)
out0=$(counter "$PFX" lcores 0.msgs_out)
timeout 60 ip netns exec "$NS_PEER" "$CLIENT" "$DP_ADDR" 5009 -d -n 50 -s 200 -k 2 -t 30 \
    >"$TMP/discard.log" 2>&1 || { cat "$TMP/discard.log"; fail "discard client"; }
sleep 0.5
in1=$(counter "$PFX" lcores 0.msgs_in)
out1=$(counter "$PFX" lcores 0.msgs_out)
echo "discard service: messages in $in0 -> $in1, out $out0 -> $out1"
[[ $((in1 - in0)) -eq 50 && $out1 -eq $out0 ]] || fail "discard service counts"
ok "discard service (port 5009) took 50 messages and returned none"

# Neighbour reachability (RFC 4861 7.3). The peer's kernel gets a
# permanent entry for us, so that no ARP request of its own refreshes
# ours (nor would it: only answers to us confirm). The discard run's last
# SACKs put our entry for the peer in DELAY; 3 s later it is asked by a
# unicast ARP request, and the answer makes it reachable for 1.5 s: 7 s
# after that run, it is stale, whatever the load; the next association
# uses it at once and puts it in DELAY
# (3 s here: traffic goes on to the MAC known, nothing is asked), and
# SCTP's forward progress on the path, the peer's SACKs of the echoes,
# confirms it meanwhile: no ARP request goes to the peer.
ip -n "$NS_PEER" neigh replace "$DP_ADDR" lladdr "$mac" dev "$VETH_PEER" nud permanent
sleep 7
delay0=$(counter "$PFX" ports 0.neigh_delay)
probe0=$(counter "$PFX" ports 0.tx_neigh_probe)
conf0=$(counter "$PFX" ports 0.neigh_confirmed_upper)
echo_client "$DP_ADDR" 5 50 1
sleep 3.5
delay1=$(counter "$PFX" ports 0.neigh_delay)
probe1=$(counter "$PFX" ports 0.tx_neigh_probe)
conf1=$(counter "$PFX" ports 0.neigh_confirmed_upper)
echo "neighbour: DELAY $delay0 -> $delay1, confirmed by SCTP $conf0 -> $conf1," \
    "unicast probes $probe0 -> $probe1"
[[ $delay1 -gt $delay0 ]] || fail "the stale entry, used, did not go into DELAY"
[[ $conf1 -gt $conf0 ]] || fail "SCTP's progress did not confirm the neighbour"
[[ $probe1 -eq $probe0 ]] || fail "the peer was probed although SCTP confirmed it"
ok "stale neighbour confirmed by the association's SACKs during DELAY: no ARP probe"
# The discard service sends no DATA, so nothing confirms the entry: at
# the end of DELAY the peer is asked by a unicast ARP request (PROBE).
arp0=$(counter "$PFX" ports 0.tx_arp)
timeout 60 ip netns exec "$NS_PEER" "$CLIENT" "$DP_ADDR" 5009 -d -n 5 -s 100 -k 1 -t 30 \
    >"$TMP/discard2.log" 2>&1 || { cat "$TMP/discard2.log"; fail "discard client"; }
wait_counter_min "$PFX" ports 0.tx_neigh_probe $((probe1 + 1)) 10 ||
    fail "no unicast ARP probe after DELAY without confirmation ($COUNTER)"
arp1=$(counter "$PFX" ports 0.tx_arp)
[[ $arp1 -gt $arp0 ]] || fail "tx_arp did not count the probe"
[[ $(counter "$PFX" ports 0.neigh_confirmed_upper) -eq $conf1 ]] ||
    fail "confirmed by SCTP without DATA acknowledged"
ok "stale neighbour without SCTP progress: unicast ARP probe after DELAY; association completed"
ctl "$PFX" lcores
ctl "$PFX" ports

# Traffic for an address that is not ours is dropped and counted.
ip -n "$NS_PEER" neigh replace 198.18.0.77 lladdr "$mac" dev "$VETH_PEER"
ip netns exec "$NS_PEER" ping -c 2 -i 0.2 -W 1 198.18.0.77 >/dev/null 2>&1 &&
    fail "the dataplane answered for an address that is not its own"
notours=$(counter "$PFX" ports 0.drop_l3_not_ours)
[[ $notours -ge 2 ]] || fail "drop_l3_not_ours is $notours"
ok "packets for an address that is not ours dropped and counted ($notours)"

kill -TERM "$DP"
wait_exit "$DP" 15 || fail "dataplane did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
ok "dataplane stopped with exit 0"
! grep -F "heap never freed" "$TMP/dp.log" || fail "the dataplane's engine heap kept blocks nobody freed"
ok "everything the dataplane's engines allocated was freed"
echo "PASS: $CHECKS checks"
