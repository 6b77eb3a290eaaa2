#!/usr/bin/env bash
# Builds tsecho, installs it in the local Maven repository, builds the JMH benchmarks and runs them
# with the allocation profiler. Extra arguments go to JMH, e.g. StampPath or -f 2.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
(cd "$root" && ./mvnw -B -q -DskipTests -DskipITs install)
(cd "$root" && ./mvnw -B -q -f bench/jmh/pom.xml package)
exec java -jar "$here/target/benchmarks.jar" -prof gc "$@"
