#!/usr/bin/env bash
# The checksum offload paths, on ports whose offload is emulated
# ([port0] emulate_csum_offload = yes: queue callbacks fill the CRC of
# packets flagged RTE_MBUF_F_TX_SCTP_CKSUM from the l2_len/l3_len the
# engine set, and flag received SCTP packets L4_CKSUM_GOOD or _BAD, as a
# NIC with SCTP CRC offload does). Virtual devices have no such offload,
# so this is how the engine's offload code runs here:
#  - two dataplanes over net_memif, both emulating, echo 100,000 messages,
#    every one checked: each side hands every SCTP packet to the "NIC" for
#    its CRC and trusts the RX flags (no software CRC either way);
#  - on net_af_packet a usrsctp peer, which checks every CRC itself,
#    completes an association and gets its echoes over IPv4 and IPv6
#    (l3_len 20 and 40): the lengths the engine gave the "NIC" are right;
#  - an INIT with a corrupt CRC is flagged BAD, dropped and counted, never
#    answered.
#
#   tests/system/60-csum-offload-emulated.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require
[[ -x "$CLIENT" ]] || fail "$CLIENT not built"
"$PY" -c "import scapy" 2>/dev/null || fail "scapy missing (python3-scapy)"

MSGS=100000
SOCK="$TMP/memif.sock"
PA="${TAG}a"
PB="${TAG}b"
cat >"$TMP/emu.ini" <<INI
[port0]
emulate_csum_offload = yes
INI

# shellcheck disable=SC2046
start_bg "$TMP/server.log" timeout 120 "$SCTPDP" \
    $(eal_args 0 "$PA" "net_memif0,role=server,socket=$SOCK,id=0") \
    -- --config "$TMP/emu.ini" --addr 198.18.1.1/24 --echo-port 5001
SERVER=$LAST_PID
wait_log "$TMP/server.log" "ready" 30 || { cat "$TMP/server.log"; fail "server did not start"; }
grep "EMULATED" "$TMP/server.log" || fail "the server did not report the emulation"
# shellcheck disable=SC2046
timeout 120 "$SCTPDP" $(eal_args 1 "$PB" "net_memif0,role=client,socket=$SOCK,id=0") \
    -- --config "$TMP/emu.ini" --addr 198.18.1.2/24 --echo-port 5001 \
    --connect 198.18.1.1:5001 --gen-msgs "$MSGS" --gen-size 128 --gen-streams 4 \
    --gen-window 256 --gen-timeout 100 >"$TMP/client.log" 2>&1 </dev/null
rc=$?
grep -E "^gen:|offload" "$TMP/client.log"
gen_ok "$TMP/client.log" "$rc" "$MSGS"
ok "$MSGS messages echoed over memif with emulated offload on both sides, every one checked"

mode=$(ctl "$PA" --json ports | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["/sctpdp/ports"]["0"]["tx_sctp_csum"])')
off=$(counter "$PA" ports 0.tx_csum_offloaded)
sw=$(counter "$PA" ports 0.tx_csum_sw)
good=$(counter "$PA" ports 0.csum_hw_good)
swchk=$(counter "$PA" ports 0.csum_sw_checked)
bad=$(counter "$PA" ports 0.drop_sctp_csum)
echo "server: tx_sctp_csum='$mode' tx_csum_offloaded=$off tx_csum_sw=$sw csum_hw_good=$good csum_sw_checked=$swchk drop_sctp_csum=$bad"
[[ "$mode" == "offload (emulated)" ]] || fail "telemetry shows '$mode'"
[[ $off -ge 1000 && $sw -eq 0 ]] || fail "TX: $off packets flagged for the NIC, $sw filled in software"
ok "every SCTP packet the server sent was left to the NIC's CRC ($off)"
[[ $good -ge 1000 && $swchk -eq 0 && $bad -eq 0 ]] ||
    fail "RX: $good flagged good, $swchk checked in software, $bad bad"
ok "every SCTP packet received was taken on the NIC's GOOD flag ($good), none checked again"
kill -TERM "$SERVER"
wait_exit "$SERVER" 15 || fail "server did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "server exited $EXIT_RC"

# af_packet into a namespace, a usrsctp peer there over IPv4 and IPv6.
DP_ADDR=198.18.0.1
PEER_ADDR=198.18.0.2
DP_ADDR6=2001:2:0:2::1
PEER_ADDR6=2001:2:0:2::2
make_netns_pair "$PEER_ADDR/24" "$PEER_ADDR6/64"
PFX="${TAG}c"
start_dp "$TMP/dp.log" 120 0 "$PFX" "net_af_packet0,iface=$VETH_DP" \
    --config "$TMP/emu.ini" --addr "$DP_ADDR/24" --addr "$DP_ADDR6/64" --echo-port 5001
for dst in "$DP_ADDR" "$DP_ADDR6"; do
    echo_client "$dst" 20 300 3
    ok "usrsctp (which checks every CRC) associated with $dst and got 20 echoes"
done
off=$(counter "$PFX" ports 0.tx_csum_offloaded)
good=$(counter "$PFX" ports 0.csum_hw_good)
echo "dataplane: tx_csum_offloaded=$off csum_hw_good=$good"
[[ $off -ge 20 && $good -ge 20 ]] || fail "offload paths not used ($off out, $good in)"
ok "those packets went through the offload paths both ways"

hwbad0=$(counter "$PFX" ports 0.csum_hw_bad)
out=$(timeout 30 ip netns exec "$NS_PEER" "$PY" "$INIT_PY" "$DP_ADDR" "$VETH_PEER" bad) ||
    fail "scapy: $out"
echo "$out"
[[ "$out" == *"INIT ACK received: 0"* ]] || fail "an INIT with a corrupt CRC was answered"
sleep 0.3
hwbad=$(counter "$PFX" ports 0.csum_hw_bad)
drop=$(counter "$PFX" ports 0.drop_sctp_csum)
echo "csum_hw_bad: $hwbad0 -> $hwbad, drop_sctp_csum=$drop"
[[ $((hwbad - hwbad0)) -eq 3 && $drop -ge 3 ]] || fail "corrupt INITs: hw_bad $hwbad, drops $drop"
ok "3 INITs with a corrupt CRC flagged BAD by the NIC, dropped and counted, not answered"
kill -TERM "$DP"
wait_exit "$DP" 15 || fail "dataplane did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
echo "PASS: $CHECKS checks"
