#!/usr/bin/env bash
# Two servers measured at the same time: both on core 0, each driven by its own C load generator
# (the shared harness's, which checks every reply), both generators on core 1, same load, same
# seconds. The host's drift, which moves a server's throughput by up to 2x within minutes here,
# falls on both alike, so the ratio of their throughputs is the inverse ratio of their CPU per
# message to within about 1 % (two identical servers: 0.991-1.007). Latencies are not comparable
# to a server alone on its core. Not part of ./mvnw verify.
#
# usage: bench/ab.sh [-r ROUNDS] [-c CxD] [-t SECS] [-u] NAME=SPEC NAME=SPEC
#   SPEC  c                      the C reference server
#         PATH/tsecho [FLAGS...] a tsecho launcher, with JVM flags for TSECHO_JAVA_OPTS
#   -r    rounds (default 3); -c load per server (default 1000x1); -t measured seconds (default 6);
#   -u    over UDP (tsecho with its per-source limits off, as bench/compare.sh runs it)
#   PERF_DIR as for bench/compare.sh
# example: bench/ab.sh base=./tsecho leak=./tsecho -Dio.netty.leakDetection.level=simple
# Every load targets 127.0.0.1 and is bounded by its -t and the load generator's own watchdog.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
perf_src="${PERF_DIR:-$root/../shared/perf}"
rounds=3 cfg=1000x1 secs=6 udp=false
while getopts r:c:t:u opt; do
  case "$opt" in
    r) rounds="$OPTARG" ;;
    c) cfg="$OPTARG" ;;
    t) secs="$OPTARG" ;;
    u) udp=true ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if (( $# != 2 )) || [[ "$1" != *=* || "$2" != *=* ]]; then
  sed -n '9,15p' "$0" >&2
  exit 2
fi
(( rounds >= 1 && rounds <= 20 && secs >= 1 && secs <= 60 )) || { echo "ab: -r 1..20, -t 1..60" >&2; exit 2; }
[[ "$cfg" =~ ^[0-9]+x[0-9]+$ ]] || { echo "ab: -c wants CxD, such as 1000x1" >&2; exit 2; }
[[ -x "$perf_src/compare.sh" ]] || { echo "ab: no harness at $perf_src (set PERF_DIR)" >&2; exit 2; }
conns="${cfg%x*}" depth="${cfg#*x}"
# Over UDP the servers listen on TCP too, which tells when they are up.
if $udp; then
  c_udp=() tsecho_udp=(--udp --udp-rate 0 --udp-budget 0) load=(--udp) warm=(-c 4 -d 16 --udp)
else
  c_udp=(--no-udp) tsecho_udp=() load=() warm=(-c 100 -d 16)
fi

work="$(mktemp -d -t tsecho-ab.XXXXXX)"
pids=()
trap 'kill "${pids[@]}" 2> /dev/null || true; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
cp -r "$perf_src" "$work/perf"
chmod -R u+w "$work/perf"
(cd "$work/perf" && SKIP_NETTY=1 ./build.sh > "$work/build.log" 2>&1) || { cat "$work/build.log" >&2; exit 1; }
loadgen="$work/perf/ref/loadgen"
ulimit -n 20000 2> /dev/null || true

# Starts SPEC on core 0 listening on PORT; its pid goes into pids.
start() {
  local spec="$1" port="$2"
  if [[ "$spec" == c ]]; then
    taskset -c 0 "$work/perf/ref/ref-epoll-ts" -p "$port" "${c_udp[@]}" > /dev/null 2>&1 &
  else
    local launcher="${spec%% *}" flags=""
    [[ "$spec" == *" "* ]] && flags="${spec#* }"
    [[ -x "$launcher" ]] || { echo "ab: $launcher is not a tsecho launcher" >&2; exit 2; }
    "$launcher" --version > /dev/null 2>&1 # its class-data archive is made now, not while timed
    TSECHO_JAVA_OPTS="$flags" taskset -c 0 "$launcher" serve --host 127.0.0.1 --port "$port" --backlog 4096 -q \
      "${tsecho_udp[@]}" > /dev/null 2>&1 &
  fi
  pids+=($!)
  for _ in $(seq 1 100); do
    (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null && return
    sleep 0.1
  done
  echo "ab: $spec did not listen on $port" >&2
  exit 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

name_a="${1%%=*}" spec_a="${1#*=}" name_b="${2%%=*}" spec_b="${2#*=}"
echo "ab: $name_a and $name_b share core 0, their load generators core 1; $cfg each, ${secs} s, $rounds round(s)" >&2
for round in $(seq 1 "$rounds"); do
  pids=()
  port_a="$(free_port)" port_b="$(free_port)"
  start "$spec_a" "$port_a"
  start "$spec_b" "$port_b"
  # A pre-warm for both at once: over TCP the one bench/compare.sh gives; over UDP, UDP.
  warming=()
  for port in "$port_a" "$port_b"; do
    taskset -c 1 "$loadgen" -p "$port" "${warm[@]}" -s 64 -t 3 -w 0 --expect ts > /dev/null &
    warming+=($!)
  done
  wait "${warming[@]}"
  taskset -c 1 "$loadgen" -p "$port_a" -c "$conns" -d "$depth" "${load[@]}" -s 64 -t "$secs" -w 1 --expect ts \
    > "$work/a.json" &
  load_a=$!
  taskset -c 1 "$loadgen" -p "$port_b" -c "$conns" -d "$depth" "${load[@]}" -s 64 -t "$secs" -w 1 --expect ts \
    > "$work/b.json"
  wait "$load_a"
  kill "${pids[@]}" 2> /dev/null || true
  wait "${pids[@]}" 2> /dev/null || true
  python3 - "$round" "$name_a" "$name_b" "$work/a.json" "$work/b.json" <<'PY'
import json, sys
round_, name_a, name_b = sys.argv[1:4]
a, b = (json.load(open(path)) for path in sys.argv[4:6])
print("round %s: %s %.0f msgs/s (errors %d) | %s %.0f msgs/s (errors %d) | %s/%s %.3f" % (
    round_, name_a, a["msgs_per_s"], a["errors"], name_b, b["msgs_per_s"], b["errors"], name_b, name_a,
    b["msgs_per_s"] / a["msgs_per_s"]))
PY
done
