#!/usr/bin/env bash
# TLS figures for bench/RESULTS.md: tsecho serve with the JDK's TLS engine against the same server
# with OpenSSL (--tls-engine openssl, netty-tcnative-boringssl-static), and plain TCP for scale. The server runs on core 0 with one event loop, the load (bench/tls/TlsBench.java,
# OpenSSL on the client side so that the client is cheap and the same for both) on core 1.
# Measures full TLS 1.3 handshakes per second, and stamped messages per second at 100 connections
# x 16 in flight (64-byte lines), each with the server's CPU time per operation.
# Not part of ./mvnw verify.
#
# usage: bench/tls.sh [SECONDS] [ROUNDS]      (WARMUP sets the warm-up, in seconds)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs="${1:-10}"
rounds="${2:-3}"
warmup="${WARMUP:-10}" # seconds: the JDK's EC and AES code needs its JIT
cd "$root"
./mvnw -B -q -DskipTests package >&2
./tsecho --version > /dev/null # its class-data archive is made now, not while a server is timed
work="$(mktemp -d)"
cp target/tsecho.jar "$work/" # a build during the run must not change the jar under it
cp="$work/tsecho.jar"

server=
stop() { [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true; server=; }
trap 'stop; rm -rf "$work"' EXIT

# serve ARGS...: starts tsecho on core 0 and waits for its listening line; sets $server and $port.
serve() {
  port=$((20000 + RANDOM % 10000))
  taskset -c 0 java -cp "$cp" io.tsecho.Main serve --host 127.0.0.1 --port "$port" \
    --threads 1 --idle-timeout 0 -q "$@" 2> "$work/serve.log" &
  server=$!
  for _ in $(seq 1 300); do
    grep listening "$work/serve.log" 2>/dev/null && return
    sleep 0.1
  done
  cat "$work/serve.log" >&2
  exit 1
}

load() {
  taskset -c 1 java -cp "$cp" bench/tls/TlsBench.java "$1" "$port" "$server" seconds="$secs" warmup="$warmup" "${@:2}"
}

echo "tsecho serve on core 0 (1 event loop), load on core 1; ${secs} s per figure after ${warmup} s of warm-up; $rounds rounds" >&2
for round in $(seq 1 "$rounds"); do
  for engine in jdk openssl; do
    serve --tls --tls-self-signed --tls-engine "$engine"
    echo "round $round, server engine $engine"
    load handshakes concurrency=32
    load messages connections=100 depth=16 size=64
    stop
  done
  serve
  echo "round $round, plain TCP"
  load plain-messages connections=100 depth=16 size=64
  stop
done
