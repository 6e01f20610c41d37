#!/usr/bin/env bash
# Runs the kill -9 end-to-end tests and the journal's durability tests N times in a row (issue 16 asks for 50) and counts the loops
# that failed. A crash-safety bug often shows only once in many runs, so one green run proves little.
# Usage: scripts/kill-loop.sh [N]   (needs `npm run build` first: the tests run bin/weir.js)
set -u
cd "$(dirname "$0")/.."
loops=${1:-50}
failed=0
for i in $(seq 1 "$loops"); do
  if npx vitest run test/e2e/run.test.ts test/e2e/execute-subprocess.test.ts test/e2e/run-map.test.ts \
      -t 'kill -9' --reporter=dot >"${TMPDIR:-/tmp}/weir-kill-loop-$i.log" 2>&1 &&
     npx vitest run test/unit/runtime/durable-commit.test.ts test/unit/runtime/run-store.test.ts \
      --reporter=dot >>"${TMPDIR:-/tmp}/weir-kill-loop-$i.log" 2>&1; then
    echo "loop $i: passed"
    rm -f "${TMPDIR:-/tmp}/weir-kill-loop-$i.log"
  else
    failed=$((failed + 1))
    echo "loop $i: FAILED (log: ${TMPDIR:-/tmp}/weir-kill-loop-$i.log)"
  fi
done
echo "$((loops - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
