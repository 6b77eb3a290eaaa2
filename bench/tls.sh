#!/usr/bin/env bash
# TLS figures for bench/RESULTS.md: tsecho over TLS 1.3 against a C-grade TLS terminator of the same
# protocol, with the same cores. Each server runs on core 0 with one thread:
#   jdk       tsecho serve --tls --threads 1, the JDK's TLS engine
#   openssl   the same with --tls-engine openssl (netty-tcnative-boringssl-static)
#   haproxy   HAProxy (nbthread 1) terminating TLS in front of the shared harness's C server
#             (ref/ref-epoll-ts.c), HAProxy and the C server both on core 0, plain TCP between them
#   plain     tsecho serve without TLS, for scale
# The TLS servers share one self-signed EC P-256 certificate made for the run. The load
# (bench/tls/TlsBench.java, OpenSSL on the client side so that the client is cheap and the same for
# all) runs on core 1. Figures: full TLS 1.3 handshakes per second (tsecho only: 32 at once, no
# resumption), and stamped messages per second (closed loop, 64-byte lines) at 100 connections x 16
# in flight and at 1 x 1, with p50 and p99 from a line's send to its reply, and the server's CPU
# time per operation (HAProxy's and the C server's summed). Last, a table of the medians over the
# rounds, with tsecho's ratios to HAProxy + C at the same load.
# Everything on 127.0.0.1; each figure lasts WARMUP + SECONDS (and is killed a minute after that);
# the servers are stopped on exit and on Ctrl-C. The default run takes about 8 minutes, the build
# included. Not part of ./mvnw verify.
#
# usage: bench/tls.sh [SECONDS] [ROUNDS] [TARGET...]   (default: 8 s, 2 rounds, all targets)
#   TARGET     jdk, openssl, haproxy, plain
#   WARMUP     seconds of load before each figure (default 10: the JDK's EC and AES code needs its JIT)
#   TSECHO_JAVA_OPTS  extra JVM flags for tsecho's servers
#   PERF_DIR   the shared harness, for ref/ref-epoll-ts.c (default: ../shared/perf beside this checkout)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs="${1:-8}"
rounds="${2:-2}"
targets=("${@:3}")
[[ ${#targets[@]} -gt 0 ]] || targets=(jdk openssl haproxy plain)
warmup="${WARMUP:-10}"
perf="${PERF_DIR:-$root/../shared/perf}"
for t in "${targets[@]}"; do
  case "$t" in
    jdk | openssl | plain) ;;
    haproxy)
      command -v haproxy > /dev/null || { echo "tls.sh: no haproxy on the PATH; leave out the haproxy target" >&2; exit 2; }
      [[ -f "$perf/ref/ref-epoll-ts.c" ]] || { echo "tls.sh: no C server at $perf/ref/ref-epoll-ts.c (set PERF_DIR)" >&2; exit 2; }
      ;;
    *) echo "usage: bench/tls.sh [SECONDS] [ROUNDS] [jdk|openssl|haproxy|plain ...]" >&2; exit 2 ;;
  esac
done
wants() { [[ " ${targets[*]} " == *" $1 "* ]]; }

work="$(mktemp -d)"
pids=()  # the server's processes, on core 0
loader=  # the load, on core 1
stop() {
  if [[ ${#pids[@]} -gt 0 ]]; then
    kill "${pids[@]}" 2> /dev/null || true
    wait "${pids[@]}" 2> /dev/null || true
  fi
  pids=()
}
cleanup() {
  set +e # clean up all, whatever fails
  [[ -n "$loader" ]] && kill "$loader" 2> /dev/null && wait "$loader" 2> /dev/null
  stop
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$root"
./mvnw -B -q -DskipTests package >&2
cp target/tsecho.jar "$work/" # a build during the run must not change the jar under it
cp="$work/tsecho.jar"
javac -d "$work/classes" -cp "$cp" bench/tls/TlsBench.java # once, not at every figure's start
if wants haproxy; then
  cc -O2 -pthread -o "$work/ref-epoll-ts" "$perf/ref/ref-epoll-ts.c"
fi
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2> /dev/null
cat "$work/cert.pem" "$work/key.pem" > "$work/haproxy.pem"
figures="$work/figures.tsv"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# await_line LOG: waits for the last server started to print its listening line.
await_line() {
  for _ in $(seq 1 300); do
    grep -q listening "$1" 2> /dev/null && return
    kill -0 "${pids[-1]}" 2> /dev/null || break
    sleep 0.1
  done
  cat "$1" >&2
  exit 1
}

# serve ARGS...: tsecho on core 0 with one event loop; sets $port.
serve() {
  port="$(free_port)"
  # Emptied here, not by the server's redirection: that runs in the child, and until it does the
  # previous server's listening line would answer await_line.
  : > "$work/serve.log"
  # shellcheck disable=SC2086 # TSECHO_JAVA_OPTS is a list of flags, as ./tsecho takes it
  taskset -c 0 java -XX:+UseSerialGC -XX:MaxNewSize=16m ${TSECHO_JAVA_OPTS:-} -cp "$cp" io.tsecho.Main serve --host 127.0.0.1 --port "$port" \
    --threads 1 --idle-timeout 0 -q "$@" 2> "$work/serve.log" &
  pids+=($!)
  await_line "$work/serve.log"
}

# serve_haproxy: the C server, and HAProxy terminating TLS 1.3 in front of it, both on core 0; sets $port.
serve_haproxy() {
  local backend
  backend="$(free_port)"
  : > "$work/c.log"
  taskset -c 0 "$work/ref-epoll-ts" -b 127.0.0.1 -p "$backend" -t 1 --no-udp 2> "$work/c.log" &
  pids+=($!)
  await_line "$work/c.log"
  port="$(free_port)"
  # ciphersuites: AES-128-GCM first, as tsecho's engines choose it (OpenSSL's own order puts AES-256
  # first), for the same cipher on both sides of the comparison. Each figure prints the cipher it got.
  cat > "$work/haproxy.cfg" << EOF
global
    nbthread 1
    maxconn 4096
defaults
    mode tcp
    timeout connect 5s
    timeout client 1m
    timeout server 1m
frontend tls
    bind 127.0.0.1:$port ssl crt $work/haproxy.pem ssl-min-ver TLSv1.3 ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256
    default_backend c
backend c
    server c 127.0.0.1:$backend
EOF
  taskset -c 0 haproxy -db -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    (: > "/dev/tcp/127.0.0.1/$port") 2> /dev/null && return
    kill -0 "${pids[-1]}" 2> /dev/null || break
    sleep 0.1
  done
  cat "$work/haproxy.log" >&2
  exit 1
}

# load LABEL MODE [key=value...]: one figure against $port on core 1, the server's CPU read from
# $pids; a messages figure also goes to $figures under LABEL.
load() {
  local server_pids
  server_pids="$(IFS=,; echo "${pids[*]}")"
  taskset -c 1 timeout -k 5 $((warmup + secs + 60)) java -cp "$cp:$work/classes" TlsBench "$2" "$port" \
    "$server_pids" seconds="$secs" warmup="$warmup" label="$1" record="$figures" "${@:3}" &
  loader=$!
  wait "$loader"
  loader=
}

# messages LABEL [MODE]: the two loads of the summary table.
messages() {
  load "$1|100 x 16" "${2:-messages}" connections=100 depth=16 size=64
  load "$1|1 x 1" "${2:-messages}" connections=1 depth=1 size=64
}

{
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (modified)')"
  echo "$(java -version 2>&1 | head -1); $(haproxy -v 2> /dev/null | head -1); $(openssl version)"
  echo "servers on core 0 (tsecho --threads 1, HAProxy nbthread 1, the C server -t 1), load on core 1; ${secs} s per figure after ${warmup} s of warm-up;" \
    "rounds: $rounds of ${targets[*]}"
} >&2
for round in $(seq 1 "$rounds"); do
  for engine in jdk openssl; do
    wants "$engine" || continue
    serve --tls --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" --tls-engine "$engine"
    echo "round $round, tsecho, server engine $engine"
    load handshakes handshakes concurrency=32
    messages "tsecho TLS, $engine engine"
    stop
  done
  if wants haproxy; then
    serve_haproxy
    echo "round $round, HAProxy TLS + C server"
    messages "HAProxy TLS + C server"
    stop
  fi
  if wants plain; then
    serve
    echo "round $round, tsecho plain TCP"
    load "tsecho plain TCP|100 x 16" plain-messages connections=100 depth=16 size=64
    stop
  fi
done

echo
echo "Medians over $rounds round(s); the server's CPU per message; tsecho TLS's ratios to HAProxy TLS + C server at the same load."
python3 - "$figures" << 'EOF'
import statistics
import sys

runs = {}
for line in open(sys.argv[1]):
    label, *values = line.rstrip("\n").split("\t")
    runs.setdefault(tuple(label.split("|")), []).append([float(v) for v in values])
median = {key: [statistics.median(column) for column in zip(*rows)] for key, rows in runs.items()}
failures = {key: sum(row[4] for row in rows) for key, rows in runs.items()}
print("| configuration | load | messages/s | p50 µs | p99 µs | server CPU µs/message"
      " | messages/s ÷ HAProxy + C | p99 ÷ HAProxy + C |")
print("|---|---|---|---|---|---|---|---|")
for load in dict.fromkeys(l for _, l in median):  # in the order they ran
    base = median.get(("HAProxy TLS + C server", load))
    for (config, l), (rate, p50, p99, cpu, _) in median.items():
        if l != load:
            continue
        tls = base and config.startswith("tsecho TLS")
        rate_ratio = "%.2f×" % (rate / base[0]) if tls and base[0] else ""
        p99_ratio = "%.2f×" % (p99 / base[2]) if tls and base[2] else ""
        note = " (%d failed)" % failures[config, l] if failures[config, l] else ""
        print("| %s%s | %s | %s | %s | %s | %.1f | %s | %s |" % (config, note, load, f"{rate:,.0f}",
              f"{p50:,.0f}", f"{p99:,.0f}", cpu, rate_ratio, p99_ratio))
EOF
