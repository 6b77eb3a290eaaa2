#!/usr/bin/env bash
# Runs the shared performance harness against the C reference server and tsecho in turns, in one
# sitting, and writes the table of ratios that bench/RESULTS.md quotes; then the TLS rows,
# tsecho over TLS 1.3 against HAProxy terminating TLS in front of the C server (bench/tls.sh). Not
# part of ./mvnw verify: it pins processes to cores 0 and 1 and takes about 18 minutes (--quick:
# about 5; --no-tls: 10).
#
# The servers take turns: in each round, each configuration runs once against the C server, then
# tsecho, then (where io_uring loads) tsecho with --transport io_uring, each started afresh and
# pre-warmed alike, so that the host's drift within a sitting falls on all of them within seconds
# of each other; medians are over the rounds.
#
# usage: bench/compare.sh [--quick] [--admin] [--no-tls] [--no-io-uring]
#   --admin     run tsecho with its admin endpoint on (--admin 127.0.0.1:0): metrics counted on the
#               hot path, to compare with a run without it
#   --no-tls    leave out the TLS rows (they need haproxy and openssl)
#   --no-io-uring  leave out the io_uring rows, and run bench on epoll (left out anyway, and bench
#               on epoll, where io_uring does not load)
#   PERF_DIR    the harness: ref/ref-epoll-ts, ref/loadgen, compare.sh, mem_idle.sh, table.py
#               (default: ../shared/perf beside this checkout). It is copied and built under
#               bench/results/<stamp>/perf, so the original is only read.
#   RUNS, SECS  runs per configuration and measured seconds per run (default 3 and 5)
#   N           idle connections for the memory row (default 10000)
# Every loadgen run targets 127.0.0.1 and is bounded by its -t and its own watchdog.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
perf_src="${PERF_DIR:-$root/../shared/perf}"
quick=false
admin=()
tls=true
io_uring=true
for arg in "$@"; do
  case "$arg" in
    --quick) quick=true ;;
    --admin) admin=(--admin 127.0.0.1:0) ;;
    --no-tls) tls=false ;;
    --no-io-uring) io_uring=false ;;
    *) echo "usage: bench/compare.sh [--quick] [--admin] [--no-tls] [--no-io-uring]" >&2; exit 2 ;;
  esac
done
if $quick; then
  export RUNS="${RUNS:-1}" SECS="${SECS:-2}"
  N="${N:-2000}"
else
  export RUNS="${RUNS:-3}" SECS="${SECS:-5}"
  N="${N:-10000}"
fi
[[ -x "$perf_src/compare.sh" ]] || { echo "compare: no harness at $perf_src (set PERF_DIR)" >&2; exit 2; }
if $tls; then
  for program in haproxy openssl; do
    command -v "$program" > /dev/null || { echo "compare: no $program for the TLS rows; install it or use --no-tls" >&2; exit 2; }
  done
fi

out="$root/bench/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
cp -r "$perf_src" "$out/perf"
chmod -R u+w "$out/perf"
perf="$out/perf"
(cd "$perf" && SKIP_NETTY=1 ./build.sh > "$out/build.log" 2>&1)
(cd "$root" && ./mvnw -B -q -DskipTests package)
"$root/tsecho" --version > /dev/null # its class-data archive is made now, not while a server is timed
tsecho="$root/tsecho"
# Where io_uring loads, a connection to a closed port is refused (exit 3); elsewhere bench says why (exit 1).
if $io_uring && ! { "$tsecho" bench --transport io_uring 127.0.0.1 1 -n 1 > /dev/null 2>&1; [[ $? == 3 ]]; }; then
  echo "compare: io_uring does not load here; its rows are left out" >&2
  io_uring=false
fi

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cores: $(nproc), kernel $(uname -r), $(java -version 2>&1 | head -1)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo ' (modified)')"
  echo "tsecho: ${admin[*]:-without --admin}"
} > "$out/machine.txt"
cat "$out/machine.txt" >&2

# The C server listens with a backlog of 4096, so tsecho gets the same; the UDP limits are off
# because one load generator is one source sending far above any per-source rate.
configs="1x1 1x1@same 100x16 1000x1 4x16:udp"
export OUT="$out/load.jsonl"
(( RUNS >= 1 && RUNS <= 20 )) || { echo "compare: RUNS must be 1..20" >&2; exit 2; }
# One run of the harness on one configuration, against a server it starts afresh and pre-warms for
# 3 s: TCP loads with 100 x 16, as every sitting before did; UDP with its own load, since a fresh
# server's UDP path would otherwise be cold. The server's log is kept.
turn() {
  local name="$1" round="$2" cfg="$3" prewarm=100x16
  shift 3
  [[ "$cfg" == *:udp ]] && prewarm="$cfg"
  RUNS=1 "$perf/compare.sh" -n "$name" -c "$cfg" -P "$prewarm" -e ts "$@"
  mv "$out/server-$name.log" "$out/server-$name.round$round.${cfg//[^A-Za-z0-9_.-]/_}.log" 2> /dev/null || true
}
for round in $(seq 1 "$RUNS"); do
  echo "round $round of $RUNS" >&2
  for cfg in $configs; do
    turn c-ref "$round" "$cfg" -- "$perf/ref/ref-epoll-ts" -p {PORT}
    turn tsecho "$round" "$cfg" -- \
      "$tsecho" serve --port {PORT} --udp --udp-rate 0 --udp-budget 0 --backlog 4096 -q ${admin[@]+"${admin[@]}"}
    # TCP with many connections only: its UDP, and one connection on a shared core, cost more CPU
    # per message than epoll's (bench/RESULTS.md)
    if $io_uring && [[ "$cfg" == 100x16 || "$cfg" == 1000x1 ]]; then
      turn tsecho-io_uring "$round" "$cfg" -- \
        "$tsecho" serve --port {PORT} --transport io_uring --backlog 4096 -q ${admin[@]+"${admin[@]}"}
    fi
  done
done

# Memory per idle connection: as the harness measures it (3 s after the last connection), and
# once the JVM has returned its compiler memory (10 s after).
export OUT="$out/mem.jsonl"
"$perf/mem_idle.sh" -n c-ref -N "$N" -- "$perf/ref/ref-epoll-ts" -p {PORT} --no-udp
"$perf/mem_idle.sh" -n tsecho -N "$N" -- "$tsecho" serve --port {PORT} --backlog 4096 -q ${admin[@]+"${admin[@]}"}
SETTLE=10 HOLD=16 "$perf/mem_idle.sh" -n tsecho-settled -N "$N" -- "$tsecho" serve --port {PORT} --backlog 4096 -q \
  ${admin[@]+"${admin[@]}"}

python3 "$root/bench/startup.py" --runs 10 --out "$out/startup.json" -- "$tsecho" serve --port 0 --host 127.0.0.1 \
  ${admin[@]+"${admin[@]}"}

# tsecho bench and the C load generator take turns driving one C server; each client on core 1.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
taskset -c 0 "$perf/ref/ref-epoll-ts" -p "$port" --no-udp 2> "$out/client-server.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
sleep 0.5
# One tsecho bench run on core 1, as a load-generator line labelled NAME|CONFIG|RUN; more options follow.
bench_turn() {
  local label="$1"
  shift
  taskset -c 1 "$tsecho" bench 127.0.0.1 "$port" -c "$c" -d "$d" --size 64 -t "${SECS}s" --warmup 3s \
    --threads 1 --json "$@" | python3 "$root/bench/summarize.py" --from-bench "$label" >> "$out/client.jsonl"
}
for cfg in 100x16 1x1; do
  c="${cfg%x*}"; d="${cfg#*x}"
  for i in $(seq 1 "$RUNS"); do
    taskset -c 1 "$perf/ref/loadgen" -p "$port" -c "$c" -d "$d" -s 64 -t "$SECS" -w 1 --expect ts \
      --label "loadgen|$cfg|$i" >> "$out/client.jsonl"
    if $io_uring; then
      bench_turn "tsecho-bench|$cfg|$i" # auto, which takes io_uring where it loads
      bench_turn "tsecho-bench-epoll|$cfg|$i" --transport epoll
    else
      bench_turn "tsecho-bench|$cfg|$i" --transport epoll
    fi
  done
done
kill "$server"; wait "$server" 2>/dev/null || true
trap - EXIT INT TERM

python3 "$root/bench/summarize.py" "$out" | tee "$out/table.md"

if $tls; then
  echo >&2
  if $quick; then
    WARMUP=3 PERF_DIR="$perf" bash "$root/bench/tls.sh" 3 1 | tee "$out/tls.txt"
  else
    PERF_DIR="$perf" bash "$root/bench/tls.sh" | tee "$out/tls.txt"
  fi
  { echo; sed -n '/^Medians over/,$p' "$out/tls.txt"; } >> "$out/table.md"
fi
echo "results: $out" >&2
