#!/usr/bin/env bash
# Every Vitest project with coverage, as `npx vitest run --coverage` but faster on 2 cores (docs/testing.md, "Where
# verify's time goes"): two Vitest runs at once, each one file at a time —
#   integration           files that wait on redis-server, dynalite, local stacks and alarms (never two at a time, as
#                         before)
#   unit + web + infra    the CPU-bound files and the CDK synthesis (infra: one worker, shared module cache)
# On a quiet machine (CI) integration is the longer part: in the clean CI run of 429d6ce it took 267 s with infra
# (about 27 s of it) against 192 s for unit + web, so infra goes with unit + web. Under other load the CPU-bound part
# slows more (docs/testing.md).
# Each part writes its results and raw coverage to a blob report (VITEST_COVERAGE_PART: no reports or thresholds of
# its own, vitest.config.ts); `vitest --merge-reports --coverage` then prints every result, writes the JUnit XML and
# checks the coverage thresholds on the merged coverage. Fails when either part or the merge fails.
set -uo pipefail
cd "$(dirname "$0")/.."

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
}

start=$(date +%s)
part integration --project integration &
integration=$!
part others --project unit --project web --project infra &
others=$!
wait "$integration"
integration_rc=$?
echo "test-coverage: integration part exited $integration_rc after $(($(date +%s) - start)) s"
wait "$others"
others_rc=$?
echo "test-coverage: unit + web + infra part exited $others_rc after $(($(date +%s) - start)) s"

npx vitest run --merge-reports="$blobs" --coverage \
  --reporter=default --reporter=junit --outputFile.junit=test-results/vitest/junit.xml
merge_rc=$?
echo "test-coverage: merged in $(($(date +%s) - start)) s"

for rc in "$integration_rc" "$others_rc"; do
  if [ "$rc" != 0 ]; then
    # A part that failed before writing its blob (a crash, a config error) has its own output only in its log.
    for name in integration others; do
      [ -f "$blobs/$name.json" ] || { echo "test-coverage: part $name wrote no blob; its output:" >&2; cat "$logs/$name.log" >&2; }
    done
    exit "$rc"
  fi
done
exit "$merge_rc"
