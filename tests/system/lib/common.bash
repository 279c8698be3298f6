# Shared helpers of the sctpdp system tests (sourced, not run).
#
#   source "$(dirname "$0")/lib/common.bash" "$1"
#
# Sets BUILD, SCTPDP, CLIENT, CTL, INIT_PY, TMP; registers a cleanup trap that ends
# the processes started through start_bg (by PID), deletes the namespaces
# and veths made through make_netns_pair and removes TMP.

set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
BUILD="${1:-$ROOT/build}"
BUILD="$(cd "$BUILD" 2>/dev/null && pwd || echo "$BUILD")"
SCTPDP="$BUILD/dataplane/sctpdp"
CLIENT="$BUILD/dataplane/usrsctp_echo_client"
CTL="$ROOT/dataplane/sctpdp-ctl"
INIT_PY="$ROOT/tests/system/lib/send_init.py"
PY=/usr/bin/python3
TAG="sd$$x" # the x ends the PID: sd12x* never matches sd123x*
TMP="$(mktemp -d "/tmp/sctpdp-test.XXXXXX")"
BG_PIDS=()
NETNS=()
CHECKS=0

log() { printf '[%s] %s\n' "$(date +%T)" "$*"; }
fail() {
    printf 'FAIL: %s\n' "$*"
    exit 1
}
ok() {
    CHECKS=$((CHECKS + 1))
    printf 'ok %d - %s\n' "$CHECKS" "$*"
}

cleanup() {
    local rc=$? pid
    for pid in "${BG_PIDS[@]}"; do
        stop_pid "$pid" TERM 30
    done
    wait 2>/dev/null
    local ns
    for ns in "${NETNS[@]}"; do
        ip netns del "$ns" 2>/dev/null
    done
    # Every EAL file prefix of this test starts with $TAG (eal_args runs in
    # a command substitution, so it cannot record them itself).
    rm -rf /var/run/dpdk/"$TAG"* 2>/dev/null
    rm -f /dev/hugepages/"$TAG"*map_* 2>/dev/null
    if [[ $rc -ne 0 && -n "${KEEP_LOGS:-}" ]]; then
        echo "logs kept in $TMP"
    else
        rm -rf "$TMP"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

require() {
    [[ $(id -u) -eq 0 ]] || fail "needs root"
    [[ -x "$SCTPDP" ]] || fail "$SCTPDP not built (build the project first)"
    local need=512 have
    have=$(cat /proc/sys/vm/nr_hugepages)
    if [[ $have -lt $need ]]; then
        echo "$need" >/proc/sys/vm/nr_hugepages
    fi
    if ! mountpoint -q /dev/hugepages; then
        mkdir -p /dev/hugepages
        mount -t hugetlbfs nodev /dev/hugepages
    fi
    have=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
    [[ $have -ge 128 ]] || fail "only $have free hugepages"
}

# start_bg LOGFILE CMD...: runs CMD in the background, remembers its PID.
start_bg() {
    local logf="$1"
    shift
    # Gone first: the shell truncates it in the child, after the fork, and
    # a wait for a line in it must not find the last run's copy first.
    rm -f "$logf"
    "$@" >"$logf" 2>&1 </dev/null &
    BG_PIDS+=($!)
    LAST_PID=$!
}

# start_dp LOG SECS LCORES PREFIX VDEV ARG...: the dataplane in NS_DP in the
# background (under timeout SECS), its EAL on LCORES with file prefix
# PREFIX and the one device VDEV, ARG... its own options. Sets DP to its
# PID; fails the test unless it is ready within 30 s.
start_dp() {
    local logf="$1" secs="$2" lcores="$3" pfx="$4" vdev="$5"
    shift 5
    # shellcheck disable=SC2046
    start_bg "$logf" timeout "$secs" ip netns exec "$NS_DP" "$SCTPDP" \
        $(eal_args "$lcores" "$pfx" "$vdev") -- "$@"
    DP=$LAST_PID
    wait_log "$logf" "ready" 30 || { cat "$logf"; fail "dataplane did not start"; }
}

# gen_ok LOG RC MSGS: the generator that wrote LOG exited with RC; fails
# the test unless that is 0 and all MSGS messages came back intact.
gen_ok() {
    local logf="$1" rc="$2" n="$3"
    [[ $rc -eq 0 ]] || { tail -20 "$logf"; fail "generator exited $rc"; }
    grep -q "^gen: result=ok msgs=$n sent=$n echoed=$n errors=0" "$logf" ||
        fail "not every message came back intact"
}

# wait_log FILE PATTERN SECONDS
wait_log() {
    local f="$1" pat="$2" secs="$3" i
    for ((i = 0; i < secs * 10; i++)); do
        grep -q -- "$pat" "$f" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# wait_exit PID SECONDS: waits for a background process; sets EXIT_RC.
wait_exit() {
    local pid="$1" secs="$2" i
    for ((i = 0; i < secs * 10; i++)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid"
            EXIT_RC=$?
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# make_netns_pair: namespaces $TAG-dp (daemon side) and $TAG-peer joined by
# a veth pair; the peer end has PEER_ADDR, the daemon end no address (the
# dataplane owns it through AF_PACKET).
make_netns_pair() {
    local peer_addr="$1" peer_addr6="${2:-}"
    NS_DP="$TAG-dp"
    NS_PEER="$TAG-peer"
    VETH_DP="$TAG-d"
    VETH_PEER="$TAG-p"
    ip netns add "$NS_DP" || fail "ip netns add"
    NETNS+=("$NS_DP")
    ip netns add "$NS_PEER" || fail "ip netns add"
    NETNS+=("$NS_PEER")
    ip link add "$VETH_DP" netns "$NS_DP" type veth peer name "$VETH_PEER" netns "$NS_PEER" ||
        fail "veth"
    ip -n "$NS_DP" link set lo up
    ip -n "$NS_PEER" link set lo up
    ip netns exec "$NS_DP" sysctl -qw "net.ipv6.conf.$VETH_DP.disable_ipv6=1"
    ip -n "$NS_DP" link set "$VETH_DP" up
    # No segmentation/checksum games on the veth: frames as sent.
    ip netns exec "$NS_PEER" ethtool -K "$VETH_PEER" tx off rx off >/dev/null 2>&1 || true
    ip -n "$NS_PEER" addr add "$peer_addr" dev "$VETH_PEER"
    if [[ -n "$peer_addr6" ]]; then
        ip netns exec "$NS_PEER" sysctl -qw "net.ipv6.conf.$VETH_PEER.accept_dad=0"
        ip -n "$NS_PEER" addr add "$peer_addr6" dev "$VETH_PEER" nodad
    fi
    ip -n "$NS_PEER" link set "$VETH_PEER" up
}

# echo_client ADDR MSGS SIZE STREAMS: the usrsctp client in NS_PEER sends
# MSGS messages of SIZE bytes over STREAMS streams to the echo service
# (port 5001) at ADDR and checks every echo; the test fails unless the
# association came up and every echo was right. Output in $TMP/client.log.
echo_client() {
    local addr="$1" n="$2" size="$3" streams="$4" rc
    timeout 60 ip netns exec "$NS_PEER" "$CLIENT" "$addr" 5001 -n "$n" -s "$size" \
        -k "$streams" -t 30 >"$TMP/client.log" 2>&1
    rc=$?
    cat "$TMP/client.log"
    [[ $rc -eq 0 ]] || fail "usrsctp client to $addr exited $rc"
    grep -q "COMM_UP" "$TMP/client.log" || fail "no COMM_UP at the usrsctp peer"
    grep -q "echo ok: $n messages" "$TMP/client.log" || fail "echoes from $addr not all correct"
}

# EAL arguments for one dataplane: LCORE PREFIX VDEV (PREFIX starts with
# $TAG so that cleanup finds its runtime directory).
eal_args() {
    echo "-l $1 --no-pci --file-prefix $2 -m 256 --huge-unlink --vdev=$3 --log-level=pmd.net.memif:error"
}

# ctl PREFIX CMD...: sctpdp-ctl against that daemon, bounded by
# CTL_TIMEOUT seconds (default 10).
ctl() {
    local p="$1"
    shift
    timeout "${CTL_TIMEOUT:-10}" "$PY" "$CTL" -p "$p" "$@"
}

# counter PREFIX CMD KEYPATH: one number out of a telemetry answer, e.g.
# counter pfx ports 0.drop_sctp_csum
# udp_error ADDR: a UDP datagram from the peer's namespace to ADDR (IPv4
# or IPv6) on a connected socket, and what the socket says after: the
# errno name an ICMP error set (ENOPROTOOPT, EPROTO, ...), "answered" or
# "nothing" (3 s).
udp_error() {
    ip netns exec "$NS_PEER" timeout 10 "$PY" -c '
import errno, socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET, socket.SOCK_DGRAM)
s.connect((sys.argv[1], 9))
s.settimeout(3)
s.send(b"x" * 16)
try:
    s.recv(16)
    print("answered")
except socket.timeout:
    print("nothing")
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))' "$1"
}

counter() {
    ctl "$1" --json "$2" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
v = list(d.values())[0]
for k in sys.argv[1].split("."):
    v = v[k]
print(v)' "$3"
}

# wait_counter PREFIX CMD KEYPATH VALUE SECS: waits until the counter is
# VALUE (0), or prints its last value and returns 1 after SECS seconds.
# The last value read is left in COUNTER.
wait_counter() {
    counter_reaches -eq "$@"
}

# wait_counter_min PREFIX CMD KEYPATH MIN SECS: the same, until the
# counter is MIN or more.
wait_counter_min() {
    counter_reaches -ge "$@"
}

# counter_reaches OP PREFIX CMD KEYPATH VALUE SECS: for the two above.
counter_reaches() {
    local op="$1" i
    shift
    for ((i = 0; i < $5 * 10; i++)); do
        COUNTER=$(counter "$1" "$2" "$3")
        test "$COUNTER" "$op" "$4" && return 0
        sleep 0.1
    done
    return 1
}

# healthy_peer LOG PREFIX WINDOW TIMEOUT: the well-behaved peer "B" of the
# stuck-peer tests: a generator on memif socket $SB (198.18.2.2, to the
# echo service at 198.18.2.1) sends 100,000 messages of 128 bytes with
# WINDOW in flight and gives up after TIMEOUT seconds; every echo must
# come back, and the stuck peer (PID $A) must still be running then.
healthy_peer() {
    local logf="$1" pfx="$2" window="$3" secs="$4" rc
    # shellcheck disable=SC2046
    start_bg "$logf" timeout 100 "$SCTPDP" \
        $(eal_args 1 "$pfx" "net_memif0,role=client,socket=$SB,id=0") \
        -- --addr 198.18.2.2/24 --echo-port 5001 --connect 198.18.2.1:5001 \
        --gen-msgs 100000 --gen-size 128 --gen-streams 4 --gen-window "$window" \
        --gen-timeout "$secs"
    wait_exit "$LAST_PID" $((secs + 20)) || fail "B did not finish"
    rc=$EXIT_RC
    grep -E "^gen:" "$logf"
    gen_ok "$logf" "$rc" 100000
    kill -0 "$A" 2>/dev/null || { tail -5 "$TMP/a.log"; fail "A ended before B: the case tests nothing"; }
}

# capture_start FILE IFACE [FILTER]: tshark in the peer's namespace on
# IFACE (with a capture filter, applied in the kernel), writing FILE, until
# capture_stop. A separate process reading the kernel's ring: it keeps up
# with a flood that a sniffer inside the sending process does not.
capture_start() {
    local args=(-n -i "$2" -w "$1")
    [[ -n "${3:-}" ]] && args+=(-f "$3")
    start_bg "$1.log" ip netns exec "$NS_PEER" tshark "${args[@]}"
    CAPTURE_PID=$LAST_PID
    wait_log "$1.log" "Capturing on" 20 || fail "tshark did not start"
}
capture_stop() {
    sleep 0.5
    kill -INT "$CAPTURE_PID" 2>/dev/null
    wait_exit "$CAPTURE_PID" 10 || kill -KILL "$CAPTURE_PID"
}
# capture_chunks FILE TYPE: how many chunks of that SCTP type the capture
# holds (TYPE may go on with more of a display filter: "6 && ...").
capture_chunks() {
    tshark -n -r "$1" -Y "sctp.chunk_type == $2" -T fields -e frame.number 2>/dev/null | wc -l
}
