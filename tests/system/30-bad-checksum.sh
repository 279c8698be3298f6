#!/usr/bin/env bash
# A packet with a wrong SCTP CRC32c is dropped and counted, never
# processed: scapy in the namespace sends an INIT with a corrupt checksum
# (no INIT ACK may come back, the drop counter moves), then the same INIT
# with a correct checksum as a control (an INIT ACK comes back).
#
#   tests/system/30-bad-checksum.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require
"$PY" -c "import scapy" 2>/dev/null || fail "scapy missing (python3-scapy)"

DP_ADDR=198.18.0.1
PEER_ADDR=198.18.0.2
make_netns_pair "$PEER_ADDR/24"
PFX="${TAG}c"

start_dp "$TMP/dp.log" 120 0 "$PFX" "net_af_packet0,iface=$VETH_DP" \
    --addr "$DP_ADDR/24" --echo-port 5001
ok "dataplane started"
ip netns exec "$NS_PEER" ping -c 1 -W 2 "$DP_ADDR" >/dev/null || fail "no ping answer"


before=$(counter "$PFX" ports 0.drop_sctp_csum)
out=$(timeout 30 ip netns exec "$NS_PEER" "$PY" "$INIT_PY" "$DP_ADDR" "$VETH_PEER" bad) ||
    fail "scapy failed: $out"
echo "$out"
[[ "$out" == *"INIT ACK received: 0"* ]] || fail "the dataplane answered an INIT with a bad CRC"
ok "no INIT ACK for an INIT with a corrupt CRC32c"
sleep 0.3
after=$(counter "$PFX" ports 0.drop_sctp_csum)
swbad=$(counter "$PFX" ports 0.csum_sw_bad)
core=$(counter "$PFX" lcores 0.sctp_rx_packets)
echo "drop_sctp_csum: $before -> $after, csum_sw_bad=$swbad, packets given to the core: $core"
[[ $((after - before)) -eq 3 ]] || fail "drop counter moved by $((after - before)), expected 3"
ok "the 3 corrupt packets were dropped and counted (drop_sctp_csum=$after)"
[[ $core -eq 0 ]] || fail "the protocol core saw $core packets"
ok "none of them reached the protocol core"

out=$(timeout 30 ip netns exec "$NS_PEER" "$PY" "$INIT_PY" "$DP_ADDR" "$VETH_PEER" good) ||
    fail "scapy failed: $out"
echo "$out"
[[ "$out" != *"INIT ACK received: 0"* ]] || fail "no INIT ACK for a correct INIT"
ok "control: the same INIT with a correct CRC32c gets an INIT ACK"
[[ $(counter "$PFX" ports 0.drop_sctp_csum) -eq $after ]] || fail "good packets counted as bad"
ok "good packets not counted as checksum failures"

kill -TERM "$DP"
wait_exit "$DP" 15 || fail "dataplane did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
echo "PASS: $CHECKS checks"
