#!/usr/bin/env bash
# memif throughput: two sctpdp dataplanes over net_memif (one lcore each),
# next to DPDK's own dpdk-testpmd io forwarding over the same net_memif
# setup, measured in the same run.
#
#   sudo bash bench/memif_bench.sh [BUILD_DIR] [--msgs N] [--size S] [--seconds T] [--runs R]
#
# sctpdp: a load generator (client dataplane, lcore 1) sends N messages of
# S bytes over 4 streams to a server dataplane (lcore 0), twice:
#   discard  to the server's discard service: data flows one way, the
#            server sends only SACKs; the run ends when the server has
#            acknowledged every message, and the server's count of
#            messages received must equal N
#   echo     to the server's echo service, which sends every message back;
#            the generator checks every echo (content, stream, PPID, order).
#            Each dataplane sends and receives every message.
# R rounds (default 5), each a discard run, an echo run and a testpmd
# run within seconds of each other; for each mode the round with the
# median ratio gives the line (on a shared machine the speed drifts by
# half over minutes). Figures, over the generator's run:
#   msgs_per_s  messages acknowledged (discard) or echoed back (echo) per s
#   pkts_per_s  SCTP packets the server received per second (each carries
#               several bundled DATA chunks; mean frame size printed)
# testpmd: one testpmd generates frames of the round's discard mean size
# (flowgen on lcore 0) and the other io-forwards them back (lcore 1), both
# over net_memif as the dataplanes were; the figure is the packets per
# second the io forwarder received, averaged over T seconds, the higher of
# two starts of the testpmd pair (the machine has slow phases).
#   ratio = pkts_per_s / testpmd_pkts_per_s
# The generator packs its messages back to back into its payload mbufs,
# each behind room for its DATA chunk header (--gen-pack), so that the
# chunks of a packet leave as one segment; each round also has a discard
# run with one message per mbuf (--gen-pack 0, line mode=discard-unpacked).
# Each round also has a discard run of 1400-byte messages, one DATA chunk
# per packet, in frames of about the same size as the bundled ones: its
# ratio against the same testpmd figure separates the cost per packet
# from the cost per message (line mode=discard-1msg).
# Each round also runs bench/memif_floor on the same kind of link: a sender
# that fills packets of as many messages as the generator bundles, writes
# their DATA chunk headers and the CRC32c and nothing else, and a receiver
# that checks the CRC32c and walks the chunks. No protocol state, no SACK:
# the per-packet work any SCTP pair must do over memif without checksum
# offload. Its ratio to testpmd bounds what the dataplanes can reach
# (line bench=memif-floor, with discard_over_floor: the share of the
# floor's packet rate that the discard run of the same round reached).
# A last line compares echoed messages with testpmd forwarding one message
# per frame (frames of Ethernet + IPv4 + SCTP + DATA header + S bytes):
#   msg ratio = msgs_per_s / testpmd_small_pkts_per_s
# The result lines:
#   bench=memif-tput mode=discard size=128 pkts_per_s=... msgs_per_s=... testpmd_pkts_per_s=... ratio=... client_idle=...
#   bench=memif-tput mode=discard-unpacked size=128 pkts_per_s=... msgs_per_s=... testpmd_pkts_per_s=... ratio=...
#   bench=memif-tput mode=echo size=128 pkts_per_s=... msgs_per_s=... testpmd_pkts_per_s=... ratio=... client_idle=...
#   bench=memif-tput mode=discard-1msg size=1400 pkts_per_s=... msgs_per_s=... testpmd_pkts_per_s=... ratio=...
#   bench=memif-tput-msgs size=128 msgs_per_s=... testpmd_small_pkts_per_s=... frame=... ratio=...
#   bench=memif-floor size=128 msgs_per_pkt=10 pkts_per_s=... testpmd_pkts_per_s=... ratio=... discard_over_floor=...
#   bench=memif-tput-best size=128 pkts_per_s=... testpmd_pkts_per_s=... ratio=... floor_pkts_per_s=... floor_ratio=...
#   bench=memif-tput-rounds size=128 discard_ratios=R1,R2,... floor_ratios=F1,F2,... testpmd_pkts_per_s=T1,T2,...
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build"
msgs=4000000
runs=5
size=128
secs=5
while [[ $# -gt 0 ]]; do
    case "$1" in
    --msgs) msgs="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --seconds) secs="$2"; shift 2 ;;
    -h | --help) sed -n '2,57p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) build="$1"; shift ;;
    esac
done
sctpdp="$build/dataplane/sctpdp"
floor="$build/bench/memif_floor"
ctl="$root/dataplane/sctpdp-ctl"
py=/usr/bin/python3
testpmd="$(command -v dpdk-testpmd || true)"
tag="mb$$x"
tmp="$(mktemp -d /tmp/sctpdp-bench.XXXXXX)"
pids=()
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

cleanup() {
    local rc=$?
    for p in "${pids[@]}"; do
        stop_pid "$p" INT 50
    done
    wait 2>/dev/null
    rm -rf /var/run/dpdk/"$tag"* 2>/dev/null
    rm -rf "$tmp"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
die() {
    echo "memif_bench: $*" >&2
    exit 1
}

[[ $(id -u) -eq 0 ]] || die "run as root"
[[ -x "$sctpdp" ]] || die "$sctpdp not built"
[[ -x "$floor" ]] || die "$floor not built"
[[ -n "$testpmd" ]] || die "dpdk-testpmd not found (Debian package dpdk)"
[[ $(cat /proc/sys/vm/nr_hugepages) -ge 512 ]] || echo 1024 >/proc/sys/vm/nr_hugepages

eal() { # LCORES PREFIX VDEV [extra]
    echo "-l $1 --no-pci --file-prefix $2 -m 256 --huge-unlink --vdev=$3 --log-level=pmd.net.memif:error"
}
wait_for() {
    for ((i = 0; i < $3 * 10; i++)); do
        grep -aq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# --- sctpdp ------------------------------------------------------------------
sock="$tmp/dp.sock"
# start_server: the server dataplane (lcore 0), with echo and discard.
start_server() {
    # The last round's log goes first: the shell truncates it in the child,
    # after the fork, and wait_for must not find that round's "ready".
    rm -f "$tmp/server.log"
    # shellcheck disable=SC2046
    "$sctpdp" $(eal 0 "${tag}s" "net_memif0,role=server,socket=$sock,id=0") \
        -- --addr 198.18.1.1/24 --echo-port 5001 --discard-port 5002 >"$tmp/server.log" 2>&1 </dev/null &
    server=$!
    pids+=("$server")
    wait_for "$tmp/server.log" "ready" 30 || die "server did not start: $(tail -5 "$tmp/server.log")"
}

# server_counts: SCTP packets, bytes and messages the server has received.
server_counts() {
    local ports lcores
    ports=$(timeout 10 "$py" "$ctl" -p "${tag}s" --json ports) || return 1
    lcores=$(timeout 10 "$py" "$ctl" -p "${tag}s" --json lcores) || return 1
    "$py" -c '
import json, sys
p = json.loads(sys.argv[1])["/sctpdp/ports"]["0"]
lc = json.loads(sys.argv[2])["/sctpdp/lcores"]
print(p["rx_sctp"], p["rx_bytes"], sum(v["msgs_in"] for v in lc.values()),
      sum(v.get("idle_ns", 0) for v in lc.values()))' "$ports" "$lcores"
}

# gen_run MODE PORT [extra]: runs the generator (run_msgs and run_size, if
# set, replace --msgs and --size), sets elapsed, msgs_per_s, pkts_per_s,
# frame and rx_msgs (the server's messages in this run).
gen_run() {
    local mode="$1" port="$2" rc genline p0 b0 m0 i0 p1 b1 m1 i1 t0 t1 cidle cloop
    shift 2
    t0=$(date +%s.%N)
    read -r p0 b0 m0 i0 < <(server_counts)
    [[ -n "$m0" ]] || die "no counters from the server"
    # shellcheck disable=SC2046
    timeout 600 "$sctpdp" $(eal 1 "${tag}c$mode" "net_memif0,role=client,socket=$sock,id=0") \
        -- --addr 198.18.1.2/24 --connect "198.18.1.1:$port" "$@" \
        --gen-msgs "${run_msgs:-$msgs}" --gen-size "${run_size:-$size}" --gen-streams 4 --gen-window 4096 --gen-timeout 500 \
        >"$tmp/client-$mode.log" 2>&1 </dev/null
    rc=$?
    genline=$(grep "^gen:" "$tmp/client-$mode.log")
    echo "$genline"
    [[ $rc -eq 0 ]] || die "generator ($mode) failed (exit $rc)"
    elapsed=$(sed -n 's/.*elapsed_s=\([0-9.]*\).*/\1/p' <<<"$genline")
    msgs_per_s=$(sed -n 's/.*msgs_per_s=\([0-9]*\).*/\1/p' <<<"$genline")
    read -r p1 b1 m1 i1 < <(server_counts)
    t1=$(date +%s.%N)
    # The client's idle share of the run, in permille, from its engine's
    # idle time (loop turns that did nothing): its busy time (loop time
    # less idle; before and after the run it has next to nothing to do)
    # against the run's elapsed time. The server's idle time is read too
    # (server_idle_ms: all of it between the two readings, the client's
    # start and exit included), but the span is not the run's, so no
    # share is made of it.
    cidle=$(sed -n 's/^counters: engine=.* idle_ms=\([0-9]*\).*/\1/p' "$tmp/client-$mode.log" | head -1)
    cloop=$(sed -n 's/^counters: engine=.* loop_ms=\([0-9]*\).*/\1/p' "$tmp/client-$mode.log" | head -1)
    client_idle=$("$py" -c "print(max(0, round((1 - (${cloop:-0} - ${cidle:-0}) / 1000 / $elapsed) * 1000)))")
    echo "sctpdp ($mode): client idle ${cidle:-?} ms of a ${cloop:-?} ms loop; server idle $(((i1 - i0) / 1000000)) ms of the $("$py" -c "print(round(($t1 - $t0) * 1000))") ms between its readings"
    rx_msgs=$((m1 - m0))
    pkts_per_s=$("$py" -c "print(round(($p1 - $p0) / $elapsed))")
    frame=$("$py" -c "print(max(64, min(1514, round(($b1 - $b0) / max($p1 - $p0, 1)))))")
    echo "sctpdp ($mode): server received $((p1 - p0)) SCTP packets, $rx_msgs messages in ${elapsed}s, mean frame $frame bytes"
}
# --- testpmd io forwarding on the same memif setup -----------------------------
# testpmd_run FRAME: packets per second the io forwarder received.
testpmd_run() {
    local frame="$1" sock2="$tmp/tp$1.sock" gen fwd
    rm -f "$tmp/gen$1.log" "$tmp/fwd$1.log" # as in start_server
    # shellcheck disable=SC2046
    "$testpmd" $(eal 0,1 "${tag}g$1" "net_memif0,role=server,socket=$sock2,id=0") --main-lcore 1 \
        -- --forward-mode=flowgen --txpkts="$frame" --port-topology=loop --nb-cores=1 \
        --stats-period=1 >"$tmp/gen$1.log" 2>&1 </dev/null &
    gen=$!
    pids+=("$gen")
    wait_for "$tmp/gen$1.log" "NIC statistics" 30 || die "testpmd generator did not start"
    # shellcheck disable=SC2046
    "$testpmd" $(eal 0,1 "${tag}f$1" "net_memif0,role=client,socket=$sock2,id=0") --main-lcore 0 \
        -- --forward-mode=io --port-topology=loop --nb-cores=1 --stats-period=1 \
        >"$tmp/fwd$1.log" 2>&1 </dev/null &
    fwd=$!
    pids+=("$fwd")
    # The period starts when the forwarder prints its first figures: the
    # start of a testpmd can take seconds (on a new machine, the first
    # one's hugepages), and a fixed sleep then measured nothing.
    if wait_for "$tmp/fwd$1.log" "Rx-pps" 30; then
        sleep $((secs + 1))
    fi
    kill -INT "$fwd" "$gen"
    wait "$fwd" "$gen" 2>/dev/null
    grep -a "Rx-pps" "$tmp/fwd$1.log" | awk '{print $2}' | "$py" -c '
import sys
v = [int(x) for x in sys.stdin.read().split()]
v = [x for x in v if x > 0][1:]   # skip the ramp-up second
print(round(sum(v) / len(v)) if v else 0)'
}
# testpmd_figure FRAME: the higher of two testpmd_runs. The machine has
# slow phases, at about 1.1M packets per second for testpmd and for
# memif_floor alike where the fast ones give 4.5M to 8M, which come and go
# within seconds: of two starts one is more likely to be in a fast one,
# and the ceiling is the faster. A third try when one measured nothing;
# the ends of both logs of the last try when none measured anything.
testpmd_figure() {
    local tp best=0 n=0
    for try in 1 2 3; do
        tp=$(testpmd_run "$1")
        if [[ $tp -gt 0 ]]; then
            echo "testpmd: ${1}-byte frames, start $try: $tp pkts/s" >&2
            [[ $tp -gt $best ]] && best=$tp
            n=$((n + 1))
            [[ $n -ge 2 ]] && break
        else
            echo "memif_bench: testpmd measured nothing for ${1}-byte frames (try $try)" >&2
        fi
    done
    [[ $best -gt 0 ]] || tail -5 "$tmp/gen$1.log" "$tmp/fwd$1.log" >&2
    echo "$best"
}
# --- the floor: fill, chunk headers and CRC32c, no protocol --------------------
# floor_run K: packets per second that memif_floor's receiver checked, with
# K messages of the run's size in each packet (bench/memif_floor.c).
floor_run() {
    local sock3="$tmp/fl.sock" rx tx
    rm -f "$tmp/floor-rx.log" "$tmp/floor-tx.log"
    # shellcheck disable=SC2046
    timeout $((secs + 60)) "$floor" $(eal 0 "${tag}r" "net_memif0,role=server,socket=$sock3,id=0") \
        -- --role rx --msgs "$1" --size "$size" --seconds "$secs" >"$tmp/floor-rx.log" 2>&1 </dev/null &
    rx=$!
    pids+=("$rx")
    wait_for "$tmp/floor-rx.log" "ready" 30 || die "memif_floor (rx) did not start"
    # shellcheck disable=SC2046
    "$floor" $(eal 1 "${tag}t" "net_memif0,role=client,socket=$sock3,id=0") \
        -- --role tx --msgs "$1" --size "$size" >"$tmp/floor-tx.log" 2>&1 </dev/null &
    tx=$!
    pids+=("$tx")
    # The sender stops first: the receiver maps its memif regions.
    wait_for "$tmp/floor-rx.log" "^floor:" $((secs + 40)) || die "memif_floor (rx) measured nothing"
    kill -INT "$tx"
    wait "$tx" || die "memif_floor (tx) failed: $(tail -3 "$tmp/floor-tx.log")"
    kill -INT "$rx"
    wait "$rx" || die "memif_floor (rx) failed: $(tail -3 "$tmp/floor-rx.log")"
    grep "^floor:" "$tmp/floor-rx.log" >&2
    sed -n 's/^floor:.* pkts_per_s=\([0-9]*\).*/\1/p' "$tmp/floor-rx.log"
}

# --- rounds ----------------------------------------------------------------------
# Each round: a server, a discard run and an echo run against it, the
# server stopped (it polls its lcore), then testpmd on frames of the
# discard run's mean size. Each ratio pairs figures taken within seconds
# of each other, so a drift of the machine's speed between rounds moves
# numerator and denominator together.
rounds=()
# Messages per packet of the floor: as many as the generator bundles at
# the port's MTU of 1500 (its rule: IPv6 and SCTP common headers off).
per_pkt=$(((1500 - 40 - 12) / (16 + (size + 3) / 4 * 4)))
[[ $per_pkt -ge 1 ]] || per_pkt=1
for ((r = 1; r <= runs; r++)); do
    echo "--- round $r of $runs"
    start_server
    gen_run discard 5002 --gen-discard
    [[ $rx_msgs -eq $msgs ]] || die "discard: the server received $rx_msgs messages, $msgs were sent"
    d_pps=$pkts_per_s d_mps=$msgs_per_s d_frame=$frame d_ci=$client_idle
    gen_run discard-unpacked 5002 --gen-discard --gen-pack 0
    [[ $rx_msgs -eq $msgs ]] || die "discard-unpacked: the server received $rx_msgs messages, $msgs were sent"
    u_pps=$pkts_per_s u_mps=$msgs_per_s
    gen_run echo 5001
    [[ $rx_msgs -eq $msgs ]] || die "echo: the server received $rx_msgs messages, $msgs were sent"
    e_pps=$pkts_per_s e_mps=$msgs_per_s e_ci=$client_idle
    one=$((msgs / 10))
    run_msgs=$one run_size=1400 gen_run discard-1msg 5002 --gen-discard
    [[ $rx_msgs -eq $one ]] || die "discard-1msg: the server received $rx_msgs messages, $one were sent"
    o_pps=$pkts_per_s o_mps=$msgs_per_s
    kill -INT "$server"
    wait "$server"
    tp=$(testpmd_figure "$d_frame")
    [[ $tp -gt 0 ]] || die "no testpmd figure"
    echo "testpmd: io forwarding of ${d_frame}-byte frames over the same memif setup: $tp pkts/s"
    f_pps=$(floor_run "$per_pkt")
    [[ ${f_pps:-0} -gt 0 ]] || die "no memif_floor figure"
    echo "memif_floor: $per_pkt messages per packet: $f_pps pkts/s"
    rounds+=("$d_pps $d_mps $e_pps $e_mps $tp $o_pps $o_mps $u_pps $u_mps $d_ci $e_ci $f_pps")
done
# One message per frame (Ethernet + IPv4 + SCTP common header + DATA chunk).
small=$((14 + 20 + 12 + 16 + (size + 3) / 4 * 4))
testpmd_small=$(testpmd_figure "$small")
[[ $testpmd_small -gt 0 ]] || die "no testpmd figure for ${small}-byte frames"
echo "testpmd: io forwarding of ${small}-byte frames (one ${size}-byte message each): $testpmd_small pkts/s"
# The round with the median ratio, for each mode.
printf '%s\n' "${rounds[@]}" | "$py" -c '
import sys
size, small = sys.argv[1], int(sys.argv[2])
r = [list(map(int, l.split())) for l in sys.stdin.read().splitlines() if l.strip()]
def line(mode, pi, mi, idle=None):
    rs = sorted(r, key=lambda x: x[pi] / x[4])
    m = rs[len(rs) // 2]
    extra = ""
    if idle is not None:
        extra = " client_idle=%.3f" % (m[idle] / 1000)
    print("bench=memif-tput mode=%s size=%s pkts_per_s=%d msgs_per_s=%d testpmd_pkts_per_s=%d ratio=%.4f%s"
          % (mode, size, m[pi], m[mi], m[4], m[pi] / m[4], extra))
    return m
line("discard", 0, 1, 9)
line("discard-unpacked", 7, 8)
e = line("echo", 2, 3, 10)
rs = sorted(r, key=lambda x: x[5] / x[4])
m = rs[len(rs) // 2]
print("bench=memif-tput mode=discard-1msg size=1400 pkts_per_s=%d msgs_per_s=%d testpmd_pkts_per_s=%d ratio=%.4f"
      % (m[5], m[6], m[4], m[5] / m[4]))
print("bench=memif-tput-msgs size=%s msgs_per_s=%d testpmd_small_pkts_per_s=%d frame=%s ratio=%.4f"
      % (size, e[3], small, sys.argv[3], e[3] / max(small, 1)))
# The floor: its median round against testpmd, and the discard run of
# that round against it (the share of the floor the full stack reaches).
rs = sorted(r, key=lambda x: x[11] / x[4])
m = rs[len(rs) // 2]
print("bench=memif-floor size=%s msgs_per_pkt=%s pkts_per_s=%d testpmd_pkts_per_s=%d ratio=%.4f discard_over_floor=%.4f"
      % (size, sys.argv[4], m[11], m[4], m[11] / m[4], m[0] / m[11]))
# The fastest of each over all rounds: the slow phases of the machine come and
# go within seconds and pull any of the three down for part of a run; the
# best figures are those taken in fast phases.
bd, bt, bf = max(x[0] for x in r), max(x[4] for x in r), max(x[11] for x in r)
print("bench=memif-tput-best size=%s pkts_per_s=%d testpmd_pkts_per_s=%d ratio=%.4f floor_pkts_per_s=%d floor_ratio=%.4f"
      % (size, bd, bt, bd / bt, bf, bf / bt))
# Every round, in order, for the spread the medians hide.
print("bench=memif-tput-rounds size=%s discard_ratios=%s floor_ratios=%s testpmd_pkts_per_s=%s"
      % (size, ",".join("%.3f" % (x[0] / x[4]) for x in r), ",".join("%.3f" % (x[11] / x[4]) for x in r),
         ",".join(str(x[4]) for x in r)))' "$size" "$testpmd_small" "$small" "$per_pkt"
