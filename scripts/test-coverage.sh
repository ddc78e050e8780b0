#!/usr/bin/env bash
# Every Vitest project with coverage, as `npx vitest run --coverage` but faster on 2 cores (docs/testing.md, "Where
# verify's time goes"): Vitest runs at once, each one file at a time. TEST_COVERAGE_PARTS chooses how many:
#   2 (default)  integration | unit + web + infra — integration files never two at a time
#   3            timing | integration + infra | unit + web (being measured, #13):
#                  timing       the integration files whose assertions are latency- or clock-bound (test/integration/
#                               local, cluster, rate-limit: drills, cluster failover, GCRA exactness, the Redis outage,
#                               limit windows) — never two of them at a time
#                  integration  the other integration files (admin, analytics, security, fuzz, …), then infra
#                  others       unit + web (CPU-bound)
#                Integration files mostly wait (timers, alarm periods, slow upstreams, failover windows): the timing
#                files used 87 s of CPU in 747 s at load 11–30, so their part leaves a core idle most of the time.
# With 2 parts, on a quiet machine (CI) the parts are balanced: in the clean CI run of 6a658ad integration took 239 s
# and unit + web + infra 217 s (infra, the CDK synthesis, about 27 s: one worker, shared module cache).
# Each part writes its results and raw coverage to a blob report (VITEST_COVERAGE_PART: no reports or thresholds of
# its own, vitest.config.ts); `vitest --merge-reports --coverage` then prints every result, writes the JUnit XML and
# checks the coverage thresholds on the merged coverage. Fails when any part or the merge fails.
set -uo pipefail
cd "$(dirname "$0")/.."
parts=${TEST_COVERAGE_PARTS:-2}
if [ "$parts" != 2 ] && [ "$parts" != 3 ]; then
  echo "test-coverage: TEST_COVERAGE_PARTS must be 2 or 3, not $parts" >&2
  exit 2
fi

# The merge reads every file of the blob directory as a blob: each part's own output goes to the log directory.
blobs=test-results/vitest/blobs
logs=test-results/vitest/parts
rm -rf "$blobs" "$logs" coverage/.part-*
mkdir -p "$blobs" "$logs"

part() { # <name> <vitest project args...>
  local name=$1
  shift
  VITEST_COVERAGE_PART=$name npx vitest run --coverage "$@" \
    --reporter=blob --outputFile.blob="$blobs/$name.json" --reporter=dot >"$logs/$name.log" 2>&1
  local rc=$?
  echo "test-coverage: part $name exited $rc after $(($(date +%s) - start)) s"
  return "$rc"
}

start=$(date +%s)
names=() pids=()
if [ "$parts" = 2 ]; then
  names=(integration others)
  part integration --project integration &
  pids+=($!)
  part others --project unit --project unit-isolated --project web --project infra &
  pids+=($!)
else
  # The timing part's directories under test/integration/; the integration part takes every other integration
  # file (an --exclude per directory, so a new directory can never fall between the two).
  timing_files=() rest_excludes=()
  for d in local cluster rate-limit; do
    timing_files+=("test/integration/$d/")
    rest_excludes+=(--exclude "test/integration/$d/**")
  done
  names=(timing integration others)
  part timing --project integration "${timing_files[@]}" &
  pids+=($!)
  part integration --project integration --project infra "${rest_excludes[@]}" &
  pids+=($!)
  part others --project unit --project unit-isolated --project web &
  pids+=($!)
fi
rcs=()
for i in "${!names[@]}"; do
  wait "${pids[$i]}"
  rcs+=($?)
done

npx vitest run --merge-reports="$blobs" --coverage \
  --reporter=default --reporter=junit --outputFile.junit=test-results/vitest/junit.xml
merge_rc=$?
echo "test-coverage: merged in $(($(date +%s) - start)) s"

for i in "${!names[@]}"; do
  if [ "${rcs[$i]}" != 0 ]; then
    # A part that failed before writing its blob (a crash, a config error) has its own output only in its log.
    for name in "${names[@]}"; do
      [ -f "$blobs/$name.json" ] || { echo "test-coverage: part $name wrote no blob; its output:" >&2; cat "$logs/$name.log" >&2; }
    done
    exit "${rcs[$i]}"
  fi
done
exit "$merge_rc"
