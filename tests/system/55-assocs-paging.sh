#!/usr/bin/env bash
# Listing associations page by page. A telemetry answer has room for 24
# associations, so /sctpdp/assocs,START,COUNT answers a page of one list
# over all engines with the total and the next START. Two engines
# (net_af_packet, two queue pairs) hold 150 usrsctp associations, so at
# least one engine has more than the 64 it publishes at a time:
#  - the default page is full (24) and points to the next one;
#  - walking pages of 7, 11 and 24 lists every association exactly once
#    (pages beyond an engine's published window make it publish another),
#    and a START past the end gives an empty page without "next";
#  - /sctpdp/assoc,E_ID finds an association outside the published window;
#  - sctpdp-ctl assocs prints all 150 (it reads every page), assocs N only N;
#  - SIGTERM still ends all 150 gracefully.
#
#   tests/system/55-assocs-paging.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
require
[[ -x "$CLIENT" ]] || fail "$CLIENT not built"
[[ $(nproc) -ge 2 ]] || fail "needs 2 CPUs"

N=150
DP_ADDR=198.18.0.1
PEER_ADDR=198.18.0.2
make_netns_pair "$PEER_ADDR/24"

PFX="${TAG}a"
start_dp "$TMP/dp.log" 150 0,1 "$PFX" "net_af_packet0,iface=$VETH_DP,qpairs=2" \
    --addr "$DP_ADDR/24" --echo-port 5001
base0=$(counter "$PFX" lcores 0.engine_heap_used)
base1=$(counter "$PFX" lcores 1.engine_heap_used)
start_bg "$TMP/c.log" timeout 150 ip netns exec "$NS_PEER" "$CLIENT" "$DP_ADDR" 5001 \
    -c "$N" -n 5 -s 100 -k 2 -t 60 -w 80
CL=$LAST_PID
wait_log "$TMP/c.log" "READY" 60 || { cat "$TMP/c.log"; fail "usrsctp clients"; }
[[ $(grep -c "echo ok: 5 messages" "$TMP/c.log") -eq $N ]] || fail "not every association echoed"
sleep 0.5 # association details are published five times a second
a0=$(counter "$PFX" lcores 0.assocs)
a1=$(counter "$PFX" lcores 1.assocs)
echo "associations: engine 0 owns $a0, engine 1 owns $a1"
[[ $((a0 + a1)) -eq $N ]] || fail "expected $N associations, found $((a0 + a1))"
ok "$N usrsctp associations established over two engines"
# What they hold comes from the engines' own heaps, none of it refused.
used0=$(counter "$PFX" lcores 0.engine_heap_used)
used1=$(counter "$PFX" lcores 1.engine_heap_used)
refused=$(($(counter "$PFX" lcores 0.engine_heap_failures) + $(counter "$PFX" lcores 1.engine_heap_failures)))
held=$((used0 - base0 + used1 - base1))
echo "engine heaps: $held bytes more for $N associations ($((held / N)) each), $refused requests refused"
[[ $held -gt 0 && $refused -eq 0 ]] || fail "engine heaps: $held bytes for $N associations, $refused refused"
ok "associations held in the engines' heaps"

# page START COUNT: one answer as "total next keys..." (next is - at the end).
page() {
    local cmd=/sctpdp/assocs
    [[ -n "$1" ]] && cmd+=",$1"
    [[ -n "${2:-}" ]] && cmd+=",$2"
    ctl "$PFX" raw "$cmd" | "$PY" -c '
import json, sys
a = json.load(sys.stdin)["/sctpdp/assocs"]
keys = [k for k, v in a.items() if isinstance(v, dict)]
print(a["total"], a.get("next", "-"), *keys)'
}

read -r total next keys <<<"$(page "")"
shown=$(wc -w <<<"$keys")
echo "default page: $shown associations, total=$total next=$next"
[[ $shown -eq 24 && $total -eq $N && $next == 24 ]] ||
    fail "default page: $shown entries, total=$total next=$next"
ok "the default page holds 24 of $N and points to the next one at 24"

# walk COUNT: every page of COUNT from START 0 on; at most N+2 pages and
# 60 s. Each page must be full unless it is the last, and next = START+shown.
walk() {
    local count=$1 start=0 i deadline=$((SECONDS + 60)) total next keys shown
    : >"$TMP/walk-$count"
    for ((i = 0; i < N + 2 && SECONDS < deadline; i++)); do
        read -r total next keys <<<"$(page "$start" "$count")" || return 1
        shown=$(wc -w <<<"$keys")
        [[ $total -eq $N ]] || { echo "page at $start: total=$total"; return 1; }
        tr ' ' '\n' <<<"$keys" | sed '/^$/d' >>"$TMP/walk-$count"
        if [[ $next == - ]]; then
            [[ $((start + shown)) -eq $N ]] || { echo "ended at $((start + shown))"; return 1; }
            echo "pages of $count: $((i + 1)) answers"
            return 0
        fi
        [[ $shown -eq $count && $next -eq $((start + count)) ]] ||
            { echo "page at $start: $shown entries, next=$next"; return 1; }
        start=$next
    done
    echo "pages of $count: no end after $i answers"
    return 1
}
for count in 7 11 24; do
    walk "$count" || { tail -5 "$TMP/dp.log"; fail "walking pages of $count"; }
    all=$(wc -l <"$TMP/walk-$count")
    uniq=$(sort -u "$TMP/walk-$count" | wc -l)
    [[ $all -eq $N && $uniq -eq $N ]] || fail "pages of $count listed $all entries, $uniq different"
    ok "pages of $count list all $N associations exactly once"
done
cmp -s <(sort "$TMP/walk-7") <(sort "$TMP/walk-11") || fail "pages of 7 and 11 list different sets"
engines=$(cut -d_ -f1 "$TMP/walk-7" | sort | uniq -c | awk '{printf "engine %s: %s  ", $2, $1}')
echo "listed per engine: $engines"
big=$(cut -d_ -f1 "$TMP/walk-7" | sort | uniq -c | sort -rn | awk 'NR == 1 {print $2}')
in_big=$(grep -c "^${big}_" "$TMP/walk-7")
[[ $in_big -gt 64 ]] || fail "engine $big has only $in_big associations"
# The 70th association of that engine, asked for by id after a page that
# puts the engine's published window back at its start.
far=$(grep "^${big}_" "$TMP/walk-7" | sed -n 70p)
before=$(awk -F_ -v b="$big" '$1 < b' "$TMP/walk-7" | wc -l)
page "$before" 1 >/dev/null
got=$(ctl "$PFX" raw "/sctpdp/assoc,$far" | "$PY" -c '
import json, sys
a = json.load(sys.stdin)["/sctpdp/assoc"]
print(a["id"] if isinstance(a, dict) else "none", a.get("path0", "") if a else "")')
echo "assoc $far: $got"
[[ "$got" == "${far#*_} "*" active primary"* ]] || fail "/sctpdp/assoc,$far: $got"
out=$(ctl "$PFX" raw "/sctpdp/assoc,${big}_4000000")
[[ "$out" == '{"/sctpdp/assoc": null}' ]] || fail "an unknown id was answered: $out"
ok "engine $big holds $in_big; /sctpdp/assoc finds its 70th outside the published window"

read -r total next keys <<<"$(page "$N" 5)"
[[ $total -eq $N && $next == - && -z "$keys" ]] || fail "past the end: total=$total next=$next"
out=$(ctl "$PFX" raw "/sctpdp/assocs,1x")
[[ "$out" == '{"/sctpdp/assocs": null}' ]] || fail "a bad START was answered: $out"
ok "a START past the end gives an empty page without next; a bad START gives null"

# Listings of small pages take one query per page, each of which may
# wait up to 100 ms for an engine to publish its part: more than ctl's
# 10 s on a loaded machine, hence a longer bound.
CTL_TIMEOUT=60 ctl "$PFX" --page 4 assocs >"$TMP/table.txt" || fail "sctpdp-ctl assocs"
rows=$(grep -cE '^[0-9]+_[0-9]+ ' "$TMP/table.txt")
head -4 "$TMP/table.txt"
echo "... ($rows rows)"
cmp -s <(grep -oE '^[0-9]+_[0-9]+' "$TMP/table.txt" | sort) <(sort "$TMP/walk-7") ||
    fail "sctpdp-ctl assocs does not print every association once"
ctl "$PFX" assocs >"$TMP/table2.txt" || fail "sctpdp-ctl assocs"
rows2=$(grep -cE '^[0-9]+_[0-9]+ ' "$TMP/table2.txt")
ctl "$PFX" assocs 5 >"$TMP/table5.txt" || fail "sctpdp-ctl assocs 5"
rows5=$(grep -cE '^[0-9]+_[0-9]+ ' "$TMP/table5.txt")
tail -1 "$TMP/table5.txt"
[[ $rows -eq $N && $rows2 -eq $N && $rows5 -eq 5 ]] ||
    fail "sctpdp-ctl assocs printed $rows (pages of 4) and $rows2 rows, assocs 5 printed $rows5"
njson=$(CTL_TIMEOUT=60 ctl "$PFX" --json --page 3 assocs | "$PY" -c '
import json, sys
a = json.load(sys.stdin)["/sctpdp/assocs"]
print(sum(isinstance(v, dict) for v in a.values()), a["total"])')
[[ $njson == "$N $N" ]] || fail "sctpdp-ctl --json assocs: $njson"
ok "sctpdp-ctl assocs prints all $N (pages of 4 or 24, and --json), assocs 5 prints 5"

kill -TERM "$DP"
wait_exit "$DP" 30 || fail "dataplane did not stop"
[[ $EXIT_RC -eq 0 ]] || fail "dataplane exited $EXIT_RC"
wait_exit "$CL" 60 || fail "the clients did not see the end"
[[ $EXIT_RC -eq 0 ]] || { tail "$TMP/c.log"; fail "an association ended with ABORT (exit $EXIT_RC)"; }
[[ $(grep -c "gracefully (SHUTDOWN)" "$TMP/c.log") -eq $N ]] || fail "not $N graceful ends"
ok "SIGTERM shut all $N down gracefully"
echo "PASS: $CHECKS checks"
