#!/usr/bin/env bash
# Measures what deployment.yaml's resources are set from: one server, started as the image starts it
# (the release's bin/tsecho), at rest and under `tsecho bench` over loopback, its resident memory
# (peak, VmHWM) and CPU (user + system over the measured run).
# Usage: deploy/k8s/measure-resources.sh [RATE] [CONNECTIONS] [DURATION_SECONDS]
# Needs ./mvnw -Pdist package first (target/dist/tsecho-*/bin/tsecho).
set -euo pipefail
rate="${1:-20000}" connections="${2:-100}" seconds="${3:-30}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tsecho="$(ls "$root"/target/dist/tsecho-*/bin/tsecho)"
log="$(mktemp)"
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT

"$tsecho" serve --host 127.0.0.1 --port 0 --udp --admin 127.0.0.1:0 --drain-delay 0 -q 2>"$log" &
pid=$!
for _ in $(seq 300); do grep -q 'listening on stamp/tcp' "$log" && break; sleep 0.1; done
port="$(sed -n 's/.*listening on stamp\/tcp\/[^ ]*:\([0-9]*\) .*/\1/p' "$log" | head -1)"

ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status"; }
hz="$(getconf CLK_TCK)"

sleep 5
echo "at rest: RSS $(( $(kib VmRSS) / 1024 )) MiB"
"$tsecho" bench --rate "$rate" -c "$connections" -t 5s --warmup 0s 127.0.0.1 "$port" >/dev/null 2>&1 || true
before="$(ticks)"
"$tsecho" bench --rate "$rate" -c "$connections" -t "${seconds}s" --warmup 0s 127.0.0.1 "$port" |
  grep -E 'requests/s|errors|p99' || true
after="$(ticks)"
echo "under $rate requests/s on $connections connections for ${seconds}s:" \
  "CPU $(awk -v t="$((after - before))" -v hz="$hz" -v s="$seconds" 'BEGIN { printf "%.2f", t / hz / s }') cores," \
  "RSS $(( $(kib VmRSS) / 1024 )) MiB, peak $(( $(kib VmHWM) / 1024 )) MiB"
