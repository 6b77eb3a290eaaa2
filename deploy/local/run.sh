#!/usr/bin/env bash
# Scale-out on one machine: three tsecho whoami instances behind a real HAProxy (roundrobin,
# send-proxy-v2, HTTP checks on each instance's /readyz), loaded by three bench shards through it,
# their logs merged into one report; then one instance drained under load. Everything listens on
# loopback ports the kernel picks, and everything started here is stopped on exit.
#
#   deploy/local/run.sh                  # the full run (about a minute)
#   DURATION=5s CONNECTIONS=30 deploy/local/run.sh
#
# A reply counts as missing only after 30 s (--timeout), not 5: on a loaded machine a request can
# wait seconds for a core, and the checks here are about which replies come, not how fast.
# Needs haproxy and curl (Debian: apt-get install haproxy curl). TSECHO names the tsecho command
# (default: this checkout's ./tsecho). Exit 0 when every check passed, 1 otherwise.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tsecho="${TSECHO:-$here/../../tsecho}"
connections="${CONNECTIONS:-30}"   # all shards together
duration="${DURATION:-10s}"        # measured, after a 1 s warm-up
drain_delay="${DRAIN_DELAY:-8s}"   # how long a SIGTERMed instance keeps serving with /readyz failing
start_delay="${START_DELAY:-30}"   # seconds for the shards' JVMs to start and connect before --start-at
shards=3
names=(i0 i1 i2)
work="$(mktemp -d -t tsecho-local.XXXXXX)"
pids=()

for program in haproxy curl; do
  if ! command -v "$program" >/dev/null && [[ ! -x "/usr/sbin/$program" ]]; then
    echo "run.sh: $program is not installed (Debian: apt-get install $program)" >&2
    exit 1
  fi
done
haproxy_bin="$(command -v haproxy || echo /usr/sbin/haproxy)"
"$tsecho" --version > /dev/null # builds once (and makes the class-data archive) before three start at once

stop_all() {
  # Only the processes started here, by their ids: newest first, so the proxy goes before its servers.
  for ((k = ${#pids[@]} - 1; k >= 0; k--)); do
    kill "${pids[k]}" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  echo "logs and configuration kept in $work"
}
trap stop_all EXIT

say() { printf '\n== %s\n' "$*"; }

# Waits up to $1 seconds for the command that follows to succeed.
wait_for() {
  local seconds="$1"; shift
  for _ in $(seq $((seconds * 10))); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  echo "run.sh: gave up after ${seconds}s waiting for: $*" >&2
  return 1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

# The HAProxy statistics of the tsecho backend as CSV lines: server name and status.
server_status() {
  curl -fsS "http://127.0.0.1:$stats_port/stats;csv" | awk -F, '$1 == "tsecho" && $2 != "BACKEND" { print $2, $18 }'
}

metric() { # metric INSTANCE NAME: the value of the first sample of NAME on that instance
  curl -fsS "http://127.0.0.1:${admin[$1]}/metrics" | awk -v m="$2" '!found && index($0, m "{") == 1 { print $2; found = 1 }'
}

say "starting ${#names[@]} tsecho instances (whoami, PROXY protocol required, admin endpoint, drain delay $drain_delay)"
declare -a port admin
for i in "${!names[@]}"; do
  log="$work/${names[i]}.log"
  "$tsecho" serve --listen whoami/tcp/127.0.0.1:0 --admin 127.0.0.1:0 --drain-delay "$drain_delay" \
    --proxy-protocol required --instance "${names[i]}" 2>"$log" &
  pids+=($!)
done
for i in "${!names[@]}"; do
  log="$work/${names[i]}.log"
  wait_for 60 grep -q "admin on http" "$log"
  port[i]="$(sed -n 's/^tsecho: listening on whoami\/tcp\/127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$log" | head -1)"
  admin[i]="$(sed -n 's/^tsecho: admin on http:\/\/127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$log" | head -1)"
  echo "${names[i]}: whoami on 127.0.0.1:${port[i]}, admin on 127.0.0.1:${admin[i]}"
done

say "starting HAProxy: roundrobin, send-proxy-v2, HTTP checks on /readyz, connecting from 127.0.0.3"
front_port="$(free_port)"
stats_port="$(free_port)"
{
  cat <<EOF
global
    maxconn 4000
defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout check 2s
listen stats
    mode http
    bind 127.0.0.1:$stats_port
    stats enable
    stats uri /stats
frontend fe
    bind 127.0.0.1:$front_port
    default_backend tsecho
backend tsecho
    balance roundrobin
    # Towards the servers HAProxy connects from another loopback address than its clients, so that
    # the server's peer= (the client, from the PROXY header) and via= (HAProxy) differ.
    source 127.0.0.3
    option httpchk
    http-check send meth GET uri /readyz
    http-check expect status 200
EOF
  for i in "${!names[@]}"; do
    echo "    server ${names[i]} 127.0.0.1:${port[i]} send-proxy-v2 check port ${admin[i]} inter 200ms fall 3 rise 2"
  done
} >"$work/haproxy.cfg"
"$haproxy_bin" -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)
all_up() { [[ "$(server_status 2>/dev/null | grep -c ' UP$')" == "${#names[@]}" ]]; }
wait_for 30 all_up
server_status | sed 's/^/  /'
echo "frontend on 127.0.0.1:$front_port, statistics on http://127.0.0.1:$stats_port/stats"

say "three bench shards of $connections connections through HAProxy, measuring the same $duration"
start_at="$(date -u -d "+$start_delay seconds" +%Y-%m-%dT%H:%M:%SZ)"
accepted_before=()
for i in "${!names[@]}"; do accepted_before[i]="$(metric "$i" tsecho_connections_accepted_total)"; done
bench_pids=()
for s in $(seq 0 $((shards - 1))); do
  "$tsecho" bench 127.0.0.1 "$front_port" --service whoami -c "$connections" --shard "$s/$shards" \
    --start-at "$start_at" --warmup 1s -t "$duration" --timeout 30s --hdr-log "$work/shard-$s.hlog" \
    >"$work/shard-$s.txt" 2>&1 &
  bench_pids+=($!)
  pids+=($!)
done
failed=0
for s in "${!bench_pids[@]}"; do
  if ! wait "${bench_pids[s]}"; then echo "shard $s failed:"; cat "$work/shard-$s.txt"; failed=1; fi
done
"$tsecho" bench merge "$work"/shard-*.hlog | tee "$work/merged.txt" || failed=1
"$tsecho" bench merge --json "$work"/shard-*.hlog >"$work/merged.json" || true

say "each instance's share, from its own /metrics"
for i in "${!names[@]}"; do
  after="$(metric "$i" tsecho_connections_accepted_total)"
  echo "${names[i]}: $(awk -v a="$after" -v b="${accepted_before[i]}" 'BEGIN { printf "%d", a - b }') connection(s)" \
    "accepted during the run, $(metric "$i" tsecho_replies_total | awk '{ printf "%d", $1 }') replies in all"
done

say "each instance logged the real client (peer=) and HAProxy (via=)"
for i in "${!names[@]}"; do
  line="$(grep -m1 'peer=127\.0\.0\.1:[0-9]* via=127\.0\.0\.3:' "$work/${names[i]}.log" || true)"
  if [[ -z "$line" ]]; then echo "${names[i]}: no connection line naming the client"; failed=1; continue; fi
  echo "${names[i]}: ${line#* INFO  }"
done

say "drain: SIGTERM to ${names[0]} under load; HAProxy takes it out during its $drain_delay drain delay"
"$tsecho" bench 127.0.0.1 "$front_port" --service whoami -c 6 --warmup 0 -t 20s --timeout 30s --hdr-log "$work/drain-load.hlog" \
  >"$work/drain-load.txt" 2>&1 &
load_pid=$!
pids+=($load_pid)
open_six() { local n=0; for i in "${!names[@]}"; do n=$((n + $(metric "$i" tsecho_connections_open | awk '{ printf "%d", $1 }'))); done; [[ $n -ge 6 ]]; }
wait_for 30 open_six
sigterm_at=$(date +%s%N)
kill -TERM "${pids[0]}"
is_down() { server_status | grep -q "^${names[0]} DOWN"; }
wait_for 20 is_down
echo "HAProxy marked ${names[0]} DOWN $(( ($(date +%s%N) - sigterm_at) / 1000000 )) ms after SIGTERM; it still serves" \
  "its open connections until its drain delay ends"
echo "a new bench during the drain reaches only the others:"
"$tsecho" bench 127.0.0.1 "$front_port" --service whoami -c 4 -n 4000 --warmup 0 | grep -E '^(instance|errors)' \
  | sed 's/^/  /' || failed=1
wait "$load_pid" && load_exit=0 || load_exit=$?
echo "the load that ${names[0]} closed on (exit $load_exit):"
sed 's/^/  /' "$work/drain-load.txt"
errors_line="$(grep '^errors ' "$work/drain-load.txt")"
if [[ ! "$errors_line" =~ wrong\ 0,\ missing\ ([0-9]+),\ extra\ 0,\ late\ 0\;\ connections\ failed\ 0,\ lost\ ([0-9]+) ]]; then
  echo "run.sh: the drained load saw wrong, extra or late replies"; failed=1
else
  drained_connections="$(sed -n "s/^instance ${names[0]}: [0-9]* replies ([^)]*), \([0-9]*\) connection.*/\1/p" "$work/drain-load.txt")"
  echo "lost ${BASH_REMATCH[2]} connection(s), those ${names[0]} held: ${drained_connections:-0};" \
    "missing ${BASH_REMATCH[1]}: the requests in flight when it closed them"
  if [[ "${BASH_REMATCH[2]}" != "${drained_connections:-0}" || "${BASH_REMATCH[1]}" -gt "${BASH_REMATCH[2]}" ]]; then
    echo "run.sh: the load lost more than what ${names[0]} closed"; failed=1
  fi
fi
wait_for 30 grep -q "drained in" "$work/${names[0]}.log"
grep "Drain - " "$work/${names[0]}.log" | sed 's/^/  /'

if [[ $failed -eq 0 ]]; then say "every check passed"; else say "some checks failed"; fi
exit $failed
