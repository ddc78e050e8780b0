#!/usr/bin/env bash
# The one command that passes every test on a fresh machine: system deps, lint, types, all test projects with coverage.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "verify: installing redis-server from Debian"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "verify: redis-server is required (sudo apt-get install -y redis-server)" >&2
    exit 1
  fi
fi
[ -d node_modules ] || npm ci --no-audit --no-fund

npm run --silent lint
# Types (tsc, one core) in the background while the builds below use the other; its output is printed when it ends.
typecheck_log=$(mktemp)
npm run --silent typecheck >"$typecheck_log" 2>&1 &
typecheck=$!
# If a build fails first, let the type check end before exiting rather than leave it running.
trap 'status=$?; wait "$typecheck" 2>/dev/null || true; rm -f "$typecheck_log"; exit "$status"' EXIT
# Web console: production build (prints chunk sizes) and the initial-JavaScript budget (fails above 200 KiB gzipped).
npm run --silent build:web
npx tsx scripts/check-bundle-budget.ts
# Lambda bundles as deployed: minified size per Lambda against lib/config/budgets.ts (authorizer 150 KiB, others
# 500 KiB); fails above budget or when a bundle does not load. COLD_RUNS=1: the cold-start figures are reported only.
COLD_RUNS=1 npx tsx scripts/check-lambda-bundles.ts
typecheck_rc=0
wait "$typecheck" || typecheck_rc=$?
cat "$typecheck_log"
if [ "$typecheck_rc" != 0 ]; then
  echo "verify: typecheck failed (exit $typecheck_rc)" >&2
  exit "$typecheck_rc"
fi
# Every Vitest project with coverage (thresholds on the whole): integration and the other projects as two runs at
# once, merged (scripts/test-coverage.sh; JUnit XML in test-results/vitest/junit.xml).
bash scripts/test-coverage.sh
# Browser suites (Playwright, Chromium + Firefox) against the local stack on a free port: the API, the console
# workflows, and Web Vitals of every console page in each browser (`quality-*`: one cold load per page, LCP, CLS, INP,
# TBT against CONSOLE_LAB_VITALS_BUDGET in lib/config/budgets.ts; fails above) with the axe checker's own proof.
# The RESULT line carries `vitals: {measured, worst, overBudget, failed}`. docs/testing.md, "Web Vitals".
bash scripts/browsers.sh
npm run --silent test:e2e -- --project api --project chromium --project firefox \
  --project quality-chromium --project quality-firefox
# Visual regression of the console (every page and the component gallery × 5 themes × 3 viewports, Chromium +
# Firefox) against the committed baselines; 0 changed pixels allowed; axe (WCAG A/AA, colour contrast) on every page ×
# theme per browser after its screenshots, 0 serious or critical violations. docs/visual-testing.md, docs/testing.md.
npm run --silent test:visual
