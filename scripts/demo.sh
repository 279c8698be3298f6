#!/usr/bin/env bash
# The sctpdp demo: brings up dataplanes on the embedded default setups,
# drives real SCTP traffic through them, shows live counters, cleans up.
#
#   sudo bash scripts/demo.sh [BUILD_DIR]
#
# 1. memif pair: an echo server (drivers-conf/default-server.ini) and a
#    load generator (drivers-conf/default-client.ini), one lcore each,
#    joined by net_memif. The generator sends DEMO_MSGS messages (default
#    6,000,000) and checks every echo; the server's counters are printed
#    every second while it runs, then as tables (dataplane/sctpdp-ctl).
# 2. veth + namespaces (scripts/netns.sh): a dataplane on net_af_packet
#    answers ARP and ping from the peer namespace, a usrsctp peer there
#    exchanges messages with its echo service, the association table is
#    shown, and SIGTERM ends the association with SHUTDOWN.
#
# Needs root, hugepages (scripts/setup.sh), a build (scripts/build.sh).
# Everything it starts is stopped and removed on exit, also on failure.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-${SCTPDP_BUILD_DIR:-$root/build}}"
msgs="${DEMO_MSGS:-6000000}"
sctpdp="$build/dataplane/sctpdp"
client="$build/dataplane/usrsctp_echo_client"
ctl="$root/dataplane/sctpdp-ctl"
py=/usr/bin/python3
tag="demo$$x"
tmp="$(mktemp -d /tmp/sctpdp-demo.XXXXXX)"
pids=()
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
ns_name="dm$$"
ns_name="${ns_name:0:10}"
ns_up=0

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

cleanup() {
    local rc=$?
    for p in "${pids[@]}"; do
        stop_pid "$p" TERM 50
    done
    wait 2>/dev/null
    [[ $ns_up -eq 1 ]] && bash "$root/scripts/netns.sh" down "$ns_name" >/dev/null
    rm -rf /var/run/dpdk/"$tag"* 2>/dev/null
    rm -rf "$tmp"
    echo
    echo "demo: cleaned up (processes, namespaces, memif socket)"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
    echo "demo: $*" >&2
    exit 1
}

[[ $(id -u) -eq 0 ]] || die "run as root"
if [[ ! -x "$sctpdp" ]]; then
    bash "$root/scripts/build.sh" "$build" </dev/null || die "build failed"
fi
[[ -x "$sctpdp" ]] || die "$sctpdp missing after the build (is DPDK installed?)"
if [[ $(cat /proc/sys/vm/nr_hugepages) -lt 512 ]]; then
    echo 1024 >/proc/sys/vm/nr_hugepages
fi
mountpoint -q /dev/hugepages || { mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages; }

eal() { # LCORE PREFIX VDEV
    echo "-l $1 --no-pci --file-prefix $2 -m 256 --huge-unlink --vdev=$3 --log-level=pmd.net.memif:error"
}

wait_for() { # FILE PATTERN SECONDS
    for ((i = 0; i < $3 * 10; i++)); do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# ---------------------------------------------------------------------------
say "1. two dataplanes over net_memif: echo server + load generator"
sock="$tmp/memif.sock"
# shellcheck disable=SC2046
"$sctpdp" $(eal 0 "${tag}s" "net_memif0,role=server,socket=$sock,id=0") \
    -- --config "$root/drivers-conf/default-server.ini" >"$tmp/server.log" 2>&1 </dev/null &
server=$!
pids+=("$server")
wait_for "$tmp/server.log" "ready" 30 || { cat "$tmp/server.log"; die "server did not start"; }
grep -E "sctpdp: (port|address|instance|1 engine)" "$tmp/server.log"

# shellcheck disable=SC2046
"$sctpdp" $(eal 1 "${tag}c" "net_memif0,role=client,socket=$sock,id=0") \
    -- --config "$root/drivers-conf/default-client.ini" --gen-msgs "$msgs" \
    >"$tmp/client.log" 2>&1 </dev/null &
gen=$!
pids+=("$gen")
echo "generator: $msgs messages of 128 bytes on 8 streams to 198.18.1.1:5001"
echo
echo "live counters of the server (sctpdp-ctl, DPDK telemetry), once a second:"
prev=0
for ((t = 1; t <= 120; t++)); do
    sleep 1
    line=$(timeout 5 "$py" "$ctl" -p "${tag}s" --json lcores 2>/dev/null | "$py" -c '
import json, sys
e = json.load(sys.stdin)["/sctpdp/lcores"]["0"]
print(e["msgs_in"], e["sctp_rx_packets"], e["sctp_tx_packets"], e["retransmissions"], e["assocs"])
' 2>/dev/null) || line="0 0 0 0 0"
    read -r m rx tx rtx as <<<"$line"
    printf '  t=%3ds  msgs echoed %9d  (%7d/s)  pkts in %8d  out %8d  retransmissions %d  assocs %d\n' \
        "$t" "$m" "$((m - prev))" "$rx" "$tx" "$rtx" "$as"
    prev=$m
    if [[ $t -eq 2 ]]; then
        timeout 5 "$py" "$ctl" -p "${tag}s" assocs | sed 's/^/    /'
    fi
    kill -0 "$gen" 2>/dev/null || break
done
wait "$gen"
gen_rc=$?
echo
grep "^gen:" "$tmp/client.log" || tail -20 "$tmp/client.log"
[[ $gen_rc -eq 0 ]] || die "generator failed (exit $gen_rc)"
echo
echo "server engine counters:"
timeout 5 "$py" "$ctl" -p "${tag}s" lcores | sed 's/^/  /'
echo "server port counters:"
timeout 5 "$py" "$ctl" -p "${tag}s" ports | sed 's/^/  /'
kill -TERM "$server"
wait "$server"
echo "server stopped (exit $?)"

# ---------------------------------------------------------------------------
say "2. dataplane on net_af_packet, usrsctp peer in a network namespace"
bash "$root/scripts/netns.sh" up "$ns_name" 198.18.0.2/24 || die "netns"
ns_up=1
# shellcheck disable=SC2046
ip netns exec "$ns_name-dp" "$sctpdp" $(eal 0 "${tag}n" "net_af_packet0,iface=$ns_name-d") \
    -- --addr 198.18.0.1/24 --echo-port 5001 --name sctpdp-netns >"$tmp/dp.log" 2>&1 </dev/null &
dp=$!
pids+=("$dp")
wait_for "$tmp/dp.log" "ready" 30 || { cat "$tmp/dp.log"; die "dataplane did not start"; }
echo "\$ ip netns exec $ns_name-peer ping -c 3 198.18.0.1"
ip netns exec "$ns_name-peer" ping -c 3 -i 0.3 -W 2 198.18.0.1
ip -n "$ns_name-peer" neigh show 198.18.0.1
if [[ -x "$client" ]]; then
    echo
    echo "\$ usrsctp_echo_client 198.18.0.1 5001 -n 1000 -s 512 -k 4   (raw IPv4 in $ns_name-peer)"
    ip netns exec "$ns_name-peer" timeout 60 "$client" 198.18.0.1 5001 -n 1000 -s 512 -k 4 \
        -t 30 -w 20 >"$tmp/usrsctp.log" 2>&1 &
    ucl=$!
    pids+=("$ucl")
    wait_for "$tmp/usrsctp.log" "READY" 40 || true
    cat "$tmp/usrsctp.log"
    sleep 0.5
    echo
    echo "association table of the dataplane:"
    timeout 5 "$py" "$ctl" -p "${tag}n" assocs | sed 's/^/  /'
    id=$(timeout 5 "$py" "$ctl" -p "${tag}n" --json assocs | "$py" -c '
import json, sys
a = json.load(sys.stdin)["/sctpdp/assocs"] or {}
print(next((k for k, v in a.items() if isinstance(v, dict)), ""))')
    if [[ -n "$id" ]]; then
        timeout 5 "$py" "$ctl" -p "${tag}n" assoc "$id" | sed 's/^/  /'
    fi
fi
echo
echo "SIGTERM to the dataplane: graceful SHUTDOWN of its associations"
kill -TERM "$dp"
wait "$dp"
echo "dataplane exit code: $?"
sleep 0.5
[[ -f "$tmp/usrsctp.log" ]] && grep -E "SHUTDOWN|ABORT|gracefully" "$tmp/usrsctp.log"
grep -E "SHUTDOWN|stopped" "$tmp/dp.log"
say "demo done"
