# Shell helpers shared by the demo, the benchmarks and the system tests
# (sourced, not run).

# stop_pid PID SIGNAL TENTHS: sends SIGNAL to PID if it is alive, waits up
# to TENTHS tenths of a second for it to exit, then sends SIGKILL.
stop_pid() {
    local pid="$1" sig="$2" tenths="$3"
    kill -0 "$pid" 2>/dev/null || return 0
    kill "-$sig" "$pid" 2>/dev/null
    for _ in $(seq 1 "$tenths"); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    return 0
}
