#!/usr/bin/env bash
# Soak test: runs the real server (./tsecho serve) for DURATION under a mixed load at about half of
# this machine's capacity, checks every reply, and samples the server's RSS, heap after GC, direct
# memory and open descriptors every 10 s. Fails (exit 1) on any wrong or missing reply, or when RSS,
# direct memory or descriptors keep growing after the first 5 minutes (bench/RESULTS.md, "Soak").
# Not part of ./mvnw verify. Everything targets 127.0.0.1 and stops by itself, at the end or on Ctrl-C.
#
# Usage: bash bench/soak.sh [DURATION] [--capacity REQUESTS_PER_S] [--slow-window N]
#   DURATION       90s, 12m, 1h... (default 1h, at least 1m)
#   --capacity     skip measuring this machine's capacity (a 5 s closed-loop tsecho bench) and take this
#   --slow-window  requests each slow reader keeps unanswered (default 70000: more replies than
#                  loopback's kernel buffers hold, so the server's backpressure pauses the reader; with
#                  3000 they fit in the kernel and the server never pauses)
# Results: bench/soak/results/<UTC time>/ (summary.md, samples.csv, samples.png, the logs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

# ---- The server and its flags, in one place ---------------------------------------------------------
# UDP load, datagrams/s, all from 127.0.0.1. The server's UDP limits are lifted: a load generator that
# catches up after the machine held it back sends far above its average, and a per-source limit would
# then drop datagrams that the soak counts as missing.
udp_rate=2000
# The server's framing: in line framing a piece without a newline is held and never answered, which is
# what the stalling clients exercise; the soak's clients also know auto.
framing=line
idle_timeout=60s
line_timeout=30s
# When the server must close a client that stopped in the middle of a line: the first of the server's
# time-outs that applies to it, here the line time-out. About half the stalling clients wait for it.
stall_close_after=$line_timeout
server_flags=(
  --host 127.0.0.1 --port 0 --udp
  --framing "$framing"
  --idle-timeout "$idle_timeout"
  --line-timeout "$line_timeout"
  --udp-rate 0 --udp-budget 0
  --backlog 4096
)
# Native Memory Tracking is what the direct-memory samples read (bench/soak/.../Sampler.java); the
# leak detector, off in serve by default, samples as Netty's default does, so that a leak is reported.
server_java_opts="-XX:NativeMemoryTracking=summary -Dio.netty.leakDetection.level=simple"

# ---- The soak's own clients ----------------------------------------------------------------------------
churn_rate=50          # one-line clients per second
slow_readers=4         # at once
slow_read_rate=8192    # bytes/s each
slow_window=70000      # requests each keeps unanswered (--slow-window)
stallers=32            # at once
sample_every=10s
pipelining_connections=8

usage() {
  echo "usage: bash bench/soak.sh [DURATION] [--capacity REQUESTS_PER_S] [--slow-window N]   (DURATION: 90s, 12m, 1h; default 1h)" >&2
  exit 2
}

seconds_of() {
  local v="$1"
  [[ "$v" =~ ^[0-9]+[smh]?$ ]] || return 1
  case "$v" in
    *h) echo $((${v%h} * 3600)) ;;
    *m) echo $((${v%m} * 60)) ;;
    *s) echo $((${v%s})) ;;
    *) echo $((v)) ;;
  esac
}

duration=1h
capacity=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --capacity) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || usage; capacity="$2"; shift 2 ;;
    --slow-window) [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || usage; slow_window="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) duration="$1"; shift ;;
  esac
done
duration_s="$(seconds_of "$duration")" || usage
if [[ "$duration_s" -lt 60 ]]; then
  echo "soak: DURATION must be at least 1m, to have samples after the settling time" >&2
  exit 2
fi
# Growth before this is the server settling, not a leak: 5 minutes, or a third of a shorter run.
settle_s=$((duration_s / 3 < 300 ? duration_s / 3 : 300))

# ---- Children, and stopping them whatever happens --------------------------------------------------------
children=()
cleanup() {
  local pid
  for pid in "${children[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 150); do
    local alive=0
    for pid in "${children[@]}"; do
      kill -0 "$pid" 2>/dev/null && alive=1
    done
    [[ $alive -eq 0 ]] && break
    sleep 0.1
  done
  for pid in "${children[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
  done
  children=()
}
trap 'echo "soak: interrupted; stopping the server and the load" >&2; cleanup; exit 130' INT TERM
trap cleanup EXIT

# ---- Build -------------------------------------------------------------------------------------------------
"$root/tsecho" --version >/dev/null   # builds target/tsecho.jar when it is missing or stale
# The soak program, its own tests first; it compiles against, and runs with, the jar the server runs from.
(cd "$root" && ./mvnw -B -q -f bench/soak/pom.xml package)
soak=(java -Djava.awt.headless=true -cp "$root/target/tsecho.jar:$here/soak/target/classes" io.tsecho.soak.Soak)

out="$here/soak/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
echo "soak: results in $out" >&2

# ---- The server -----------------------------------------------------------------------------------------------
# timeout is the last resort: the server outlives the load by at most 10 minutes even if this script dies.
TSECHO_JAVA_OPTS="$server_java_opts ${TSECHO_JAVA_OPTS:-}" \
  timeout -k 10 $((duration_s + 600)) "$root/tsecho" serve "${server_flags[@]}" 2>"$out/server.log" &
server_guard=$!
children+=("$server_guard")
port=
for _ in $(seq 1 600); do
  port="$(sed -n 's/^tsecho: listening on stamp\/tcp\/127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$out/server.log")"
  [[ -n "$port" ]] && grep -q 'listening on stamp/udp/' "$out/server.log" && break
  kill -0 "$server_guard" 2>/dev/null || { echo "soak: the server did not start:" >&2; cat "$out/server.log" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$port" ]] || { echo "soak: the server did not listen within 60 s" >&2; exit 1; }
server_pid="$(pgrep -P "$server_guard" || true)"   # ./tsecho execs java, so timeout's child is the server's JVM
[[ -n "$server_pid" ]] || { echo "soak: cannot find the server's process" >&2; exit 1; }
echo "soak: server pid $server_pid listening on 127.0.0.1:$port (tcp and udp)" >&2

# ---- Half of this machine's capacity ------------------------------------------------------------------------
if [[ -z "$capacity" ]]; then
  capacity_json="$(timeout -k 5 60 "$root/tsecho" bench -c 50 -d 16 -t 5s --warmup 1s --json 127.0.0.1 "$port" || true)"
  capacity="$(sed -n 's/.*"requests_per_s":\([0-9]*\).*/\1/p' <<<"$capacity_json")"
  [[ -n "$capacity" ]] || { echo "soak: could not measure the capacity: $capacity_json" >&2; exit 1; }
  echo "soak: capacity $capacity requests/s (closed loop, 50 connections x 16 in flight, 5 s)" >&2
fi
pipelining_rate=$((capacity / 2 - udp_rate))
[[ $pipelining_rate -gt 0 ]] || { echo "soak: capacity $capacity is too low for this load" >&2; exit 1; }
# Each slow reader's connection carries half as many requests again as its window, and at least
# 20000 (3.7 minutes of reading at 8 KiB/s), so that runs of a few minutes see connections end too.
slow_lines=$((slow_window * 3 / 2 > 20000 ? slow_window * 3 / 2 : 20000))

cat >"$out/run.txt" <<EOF
started $(date -u +%Y-%m-%dT%H:%M:%SZ), $duration_s s, settling time $settle_s s, sampled every $sample_every
commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src pom.xml || echo ' with local changes to src or pom.xml')
$(nproc) cores, $(uname -sr), $(java -version 2>&1 | head -1)
server: TSECHO_JAVA_OPTS='$server_java_opts' ./tsecho serve ${server_flags[*]}
capacity $capacity requests/s; load at half of it: pipelining $pipelining_rate requests/s on $pipelining_connections connections, UDP $udp_rate datagrams/s
churn $churn_rate connections/s; $slow_readers slow readers at $slow_read_rate bytes/s, $slow_lines requests per connection, $slow_window unanswered at most; $stallers stalling clients, closed by the server after $stall_close_after
EOF

# ---- The load ------------------------------------------------------------------------------------------------------
# The soak judges replies, not latency: a reply counts as missing only after 60 s, so that a shared
# machine that holds the load back for seconds is not mistaken for a server that lost a reply.
bound=$((duration_s + 180))
timeout -k 10 $bound "$root/tsecho" bench -c $pipelining_connections -d 1024 --rate $pipelining_rate --timeout 60s \
  -t "${duration_s}s" --warmup 1s --json 127.0.0.1 "$port" >"$out/bench-pipelining.json" 2>"$out/bench-pipelining.err" &
pipelining=$!
children+=("$pipelining")
timeout -k 10 $bound "$root/tsecho" bench --udp -c 4 -d 16 --rate $udp_rate --timeout 60s \
  -t "${duration_s}s" --warmup 1s --json 127.0.0.1 "$port" >"$out/bench-udp.json" 2>"$out/bench-udp.err" &
udp=$!
children+=("$udp")
timeout -k 10 $bound "${soak[@]}" run --port "$port" --pid "$server_pid" --duration "${duration_s}s" --out "$out" \
  --framing "$framing" --stall-close-after "$stall_close_after" --churn-rate "$churn_rate" \
  --slow-readers "$slow_readers" --slow-read-rate "$slow_read_rate" --slow-window "$slow_window" \
  --slow-lines "$slow_lines" --stallers "$stallers" --sample-every "$sample_every" 2> >(tee "$out/soak-run.log" >&2) &
clients=$!
children+=("$clients")

rc=0; wait "$pipelining" || rc=$?; echo "$rc" >"$out/bench-pipelining.rc"
rc=0; wait "$udp" || rc=$?; echo "$rc" >"$out/bench-udp.rc"
wait "$clients" || true   # its verdict is in run-end.txt and clients.csv

# ---- Stop the server, then judge ------------------------------------------------------------------------------------
# The server says it waits a few seconds at most for slow readers on SIGTERM; it gets 30.
kill -TERM "$server_pid" 2>/dev/null || true
for _ in $(seq 1 300); do
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$server_pid" 2>/dev/null; then
  kill -KILL "$server_pid" 2>/dev/null || true
  echo "still running 30 s after SIGTERM; killed" >"$out/server.rc"
  wait "$server_guard" || true
else
  rc=0; wait "$server_guard" || rc=$?; echo "$rc" >"$out/server.rc"
fi
children=()

verdict=0
"${soak[@]}" report --settle "${settle_s}s" "$out" || verdict=$?
echo "soak: $( [[ $verdict -eq 0 ]] && echo PASS || echo FAIL ); results in $out" >&2
exit "$verdict"
