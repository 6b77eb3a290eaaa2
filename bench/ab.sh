#!/usr/bin/env bash
# Two servers measured at the same time: both on core 0, each driven by its own C load generator
# (the shared harness's, which checks every reply), both generators on core 1, same load, same
# seconds. The host's drift, which moves a server's throughput by up to 2x within minutes here,
# falls on both alike. Each load generator also reports its server's CPU per message (from the
# server's process group), so a change in it shows even where the servers' rates couple through
# the shared generator core. Two identical servers agreed to within 1 % over three rounds; unlike
# servers vary more from round to round, so run several (-r). Latencies are not comparable to a
# server alone on its core, and between unlike servers CPU per message may not be either: each may
# also pay for the other's use of the core's caches. Not part of ./mvnw verify.
#
# usage: bench/ab.sh [-r ROUNDS] [-c CxD] [-t SECS] [-u] 'NAME=SPEC' 'NAME=SPEC'
#   SPEC  c                      the C reference server
#         PATH/tsecho [FLAGS...] [-- ARGS...]
#                                a tsecho launcher, with JVM flags for TSECHO_JAVA_OPTS and serve
#                                options; ab.sh already passes --host, --port, --backlog 4096, -q
#                                (with -u also --udp --udp-rate 0 --udp-budget 0)
#   -r    rounds (default 3); -c load per server (default 1000x1); -t measured seconds (default 6);
#   -u    over UDP (tsecho with its per-source limits off, as bench/compare.sh runs it)
#   PERF_DIR as for bench/compare.sh
# example: bench/ab.sh base=./tsecho 'leak=./tsecho -Dio.netty.leakDetection.level=simple'
#          bench/ab.sh epoll=./tsecho 'uring=./tsecho -- --transport io_uring'
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
  sed -n '12,22p' "$0" >&2
  exit 2
fi
[[ "$rounds" =~ ^[0-9]+$ && "$secs" =~ ^[0-9]+$ ]] && (( rounds >= 1 && rounds <= 20 && secs >= 1 && secs <= 60 )) \
  || { echo "ab: -r 1..20, -t 1..60" >&2; exit 2; }
[[ "$cfg" =~ ^[0-9]+x[0-9]+$ ]] || { echo "ab: -c wants CxD, such as 1000x1" >&2; exit 2; }
[[ -x "$perf_src/compare.sh" ]] || { echo "ab: no harness at $perf_src (set PERF_DIR)" >&2; exit 2; }
conns="${cfg%x*}" depth="${cfg#*x}"
# Over UDP the servers listen on TCP too, which tells when they are up.
if $udp; then
  c_args=() tsecho_args=(--udp --udp-rate 0 --udp-budget 0) load_args=(--udp)
else
  c_args=(--no-udp) tsecho_args=() load_args=()
fi

work="$(mktemp -d -t tsecho-ab.XXXXXX)"
cp -r "$perf_src" "$work/perf"
chmod -R u+w "$work/perf"
# shellcheck source=/dev/null
source "$work/perf/lib.sh" # pick_port, start_server, wait_port, stop_server
(cd "$work/perf" && SKIP_NETTY=1 ./build.sh > "$work/build.log" 2>&1) || { cat "$work/build.log" >&2; exit 1; }
raise_nofile

servers=() # pid:pgid of each server running
loads=()   # pids of the load generators running
stop_all() {
  kill "${loads[@]+"${loads[@]}"}" 2> /dev/null || true
  for s in "${servers[@]+"${servers[@]}"}"; do
    SRV_PID="${s%%:*}" SRV_PGID="${s#*:}"
    stop_server
  done
  servers=() loads=()
}
trap 'stop_all; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# Starts SPEC on core 0 on PORT and waits until it listens; prints its process group.
start() {
  local spec="$1" port="$2" log="$3"
  # start_server's last test can return 1 on success, hence the "|| true".
  if [[ "$spec" == c ]]; then
    start_server 0 "$log" "$work/perf/ref/ref-epoll-ts" -p "$port" ${c_args[@]+"${c_args[@]}"} || true
  else
    local launcher words=() flags=() serve_args=() word seen_dashes=false
    read -ra words <<< "$spec"
    launcher="${words[0]-}"
    for word in "${words[@]:1}"; do
      if [[ "$word" == -- ]] && ! $seen_dashes; then seen_dashes=true
      elif $seen_dashes; then serve_args+=("$word")
      else flags+=("$word")
      fi
    done
    [[ -x "$launcher" ]] || { echo "ab: $launcher is not a tsecho launcher" >&2; exit 2; }
    "$launcher" --version > /dev/null # its class-data archive is made now, not while timed
    start_server 0 "$log" env TSECHO_JAVA_OPTS="${flags[*]+"${flags[*]}"}" "$launcher" serve --host 127.0.0.1 \
      --port "$port" --backlog 4096 -q ${tsecho_args[@]+"${tsecho_args[@]}"} \
      ${serve_args[@]+"${serve_args[@]}"} || true
  fi
  servers+=("$SRV_PID:$SRV_PGID")
  wait_port "$port" 60 || { cat "$log" >&2; exit 1; }
}

# One load generator on core 1 against PORT, its server's CPU counted from PGID; writes OUT.
load() {
  local port="$1" pgid="$2" out="$3"
  shift 3
  taskset -c 1 "$LOADGEN" -p "$port" --srv-pgid "$pgid" -s 64 --expect ts "$@" > "$out"
}

name_a="${1%%=*}" spec_a="${1#*=}" name_b="${2%%=*}" spec_b="${2#*=}"
echo "ab: $name_a and $name_b share core 0, their load generators core 1; $cfg each, ${secs} s, $rounds round(s)" >&2
for round in $(seq 1 "$rounds"); do
  port_a="$(pick_port)"
  port_b="$(pick_port)"
  while [[ "$port_b" == "$port_a" ]]; do port_b="$(pick_port)"; done
  # The one started first takes turns, in case starting second matters.
  if (( round % 2 )); then
    start "$spec_a" "$port_a" "$work/a.log"; pgid_a="$SRV_PGID"
    start "$spec_b" "$port_b" "$work/b.log"; pgid_b="$SRV_PGID"
  else
    start "$spec_b" "$port_b" "$work/b.log"; pgid_b="$SRV_PGID"
    start "$spec_a" "$port_a" "$work/a.log"; pgid_a="$SRV_PGID"
  fi
  # A pre-warm for both at once, with the load measured next, so that the JIT has compiled that
  # load's path: after a 100 x 16 pre-warm it still recompiled during 1000 x 1's measured seconds
  # (though the C server / tsecho ratio came out the same either way).
  load "$port_a" "$pgid_a" /dev/null -c "$conns" -d "$depth" ${load_args[@]+"${load_args[@]}"} -t 5 -w 0 &
  loads=($!)
  load "$port_b" "$pgid_b" /dev/null -c "$conns" -d "$depth" ${load_args[@]+"${load_args[@]}"} -t 5 -w 0 &
  loads+=($!)
  for pid in "${loads[@]}"; do wait "$pid" || { echo "ab: a pre-warm load failed" >&2; exit 1; }; done
  load "$port_a" "$pgid_a" "$work/a.json" -c "$conns" -d "$depth" ${load_args[@]+"${load_args[@]}"} -t "$secs" -w 1 &
  loads=($!)
  load "$port_b" "$pgid_b" "$work/b.json" -c "$conns" -d "$depth" ${load_args[@]+"${load_args[@]}"} -t "$secs" -w 1 &
  loads+=($!)
  status=0
  for pid in "${loads[@]}"; do wait "$pid" || status=$?; done
  loads=()
  stop_all
  if (( status != 0 )); then
    echo "ab: a load generator exited $status:" >&2
    cat "$work/a.json" "$work/b.json" >&2
    exit 1
  fi
  python3 - "$round" "$name_a" "$name_b" "$work/a.json" "$work/b.json" <<'PY'
import json, sys
round_, name_a, name_b = sys.argv[1:4]
a, b = (json.load(open(path)) for path in sys.argv[4:6])
print("round %s: %s %.0f msgs/s, %.2f us CPU/msg (errors %d) | %s %.0f msgs/s, %.2f us CPU/msg (errors %d)"
      " | %s/%s: rate %.3f, CPU per message %.3f" % (
          round_, name_a, a["msgs_per_s"], a["srv_cpu_us_per_msg"], a["errors"],
          name_b, b["msgs_per_s"], b["srv_cpu_us_per_msg"], b["errors"], name_b, name_a,
          b["msgs_per_s"] / a["msgs_per_s"], b["srv_cpu_us_per_msg"] / a["srv_cpu_us_per_msg"]))
PY
done
