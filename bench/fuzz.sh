#!/usr/bin/env bash
# Fuzzes every @FuzzTest (or the named test classes) for DURATION each (default 10m), one at a time,
# and prints per target the executions, the coverage reached and the findings.
#
#   bash bench/fuzz.sh [DURATION] [TestClass...]     e.g.  bash bench/fuzz.sh 2m ListenerFuzzTest
#
# A finding is saved as crash-<sha1> in the target's inputs directory under its module's src/test/resources, which
# `./mvnw verify` replays: turn it into a fix, or move it out if it is not to be fixed here. Inputs that
# reached new code go to .cifuzz-corpus/ (not committed). Logs: target/fuzz/<TestClass>*.log.
#
# Netty's paranoid leak detector records a stack trace at every buffer access, which makes the stamp
# handler's target 15 times slower, so the fuzzing runs use the sampling level; the handler's target
# checks every buffer's release itself. Then every input found (committed and generated) is replayed
# with the build's settings, paranoid detector included. Not part of `./mvnw verify`.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-10m}
shift || true
if (($#)); then
  targets=("$@")
else
  mapfile -t targets < <(find tsecho-*/src/test/java -name '*FuzzTest.java' -printf '%f\n' | sed 's/\.java$//' | sort)
fi

mkdir -p target/fuzz
./mvnw -B -q test-compile
test_jvm_args=$(sed -n 's:.*<test.jvm.args>\(.*\)</test.jvm.args>.*:\1:p' pom.xml)

summary=()
for target in "${targets[@]}"; do
  log=target/fuzz/$target.log
  started=target/fuzz/$target.started
  touch "$started"
  echo "fuzz: $target for $duration (log $log)"
  # keep_going: after a finding, go on looking for others (a stack trace already seen counts once).
  # Instrumentation (jazzer.hooks) is off for the replay in `verify`, and needed here.
  begin=$SECONDS
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION="$duration" JAZZER_KEEP_GOING=100 JAVA_TOOL_OPTIONS=-Xmx1g \
    ./mvnw -B -o surefire:test -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.hooks=true \
    "-Dtest.jvm.args=$test_jvm_args -Dio.netty.leakDetection.level=simple" >"$log" 2>&1 || true
  secs=$(grep -aoE '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | grep -oE '[0-9]+ second' | grep -oE '[0-9]+' \
    || echo $((SECONDS - begin)))
  # libFuzzer's last status line ("#N ...") counts the executions; "Done N runs" when it ends cleanly.
  runs=$(grep -aoE '^(#[0-9]+|Done [0-9]+ runs)' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  cov=$(grep -aoE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
  mapfile -t found < <(find tsecho-*/src/test/resources -path "*/${target}Inputs/*" -name 'crash-*' -newer "$started" | sort)

  # Replay what was found, committed inputs and generated corpus, with the paranoid leak detector.
  JAZZER_COVERAGE=1 ./mvnw -B -o surefire:test -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
    >"target/fuzz/$target-replay.log" 2>&1 && replay="replayed under paranoid leak detection: passed" \
    || replay="replayed under paranoid leak detection: FAILED (target/fuzz/$target-replay.log)"
  replayed=$(grep -aoE 'Tests run: [0-9]+' "target/fuzz/$target-replay.log" | tail -1 | grep -oE '[0-9]+' || true)
  if [[ -z "$runs" ]]; then
    line="$target: no status line from the fuzzer; see $log"
  else
    line="$target: $runs executions in $secs s ($((runs / (secs > 0 ? secs : 1)))/s), ${cov:-cov: ?}, ${#found[@]} finding(s); ${replayed:-?} inputs $replay"
  fi
  summary+=("$line")
  echo "$line"
  for f in "${found[@]}"; do
    echo "  $f"
  done
  grep -aE '^(Caused by: )?java\.lang\.[A-Za-z]*(Error|Exception)' "$log" | sort | uniq -c | sed 's/^/  /' || true
done

echo
echo "fuzz summary ($duration per target, $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -1)):"
printf '  %s\n' "${summary[@]}"
