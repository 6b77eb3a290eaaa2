#!/usr/bin/env bash
# How many requests per second one `tsecho bench` thread drives on loopback: the load generator
# against the minimal reply server of the test sources, each pinned to its own core.
# Not part of ./mvnw verify.
#
# usage: bench/bench-client.sh [SECONDS]      (CONNS, DEPTH, SIZE override the load)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs="${1:-10}"
conns="${CONNS:-50}"; depth="${DEPTH:-16}"; size="${SIZE:-64}"
cd "$root"
./mvnw -B -q -DskipTests package test-compile >&2

port=$((20000 + RANDOM % 10000))
taskset -c 0 java -XX:+UseSerialGC -cp tsecho-core/target/test-classes:target/tsecho.jar io.tsecho.testing.ReplyServer "$port" \
  2> /tmp/tsecho-reply-server.log &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q listening /tmp/tsecho-reply-server.log 2>/dev/null && break
  sleep 0.1
done

echo "one bench thread on core 1, reply server on core 0: ${conns} connections x ${depth} in flight, ${size}-byte lines, ${secs} s" >&2
taskset -c 1 java -XX:+UseSerialGC -jar target/tsecho.jar bench 127.0.0.1 "$port" --threads 1 \
  -c "$conns" -d "$depth" --size "$size" -t "${secs}s" --warmup 3s
