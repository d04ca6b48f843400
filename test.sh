#!/usr/bin/env bash
# Runs every test of the solution. Anything the tests need is provisioned here, so this works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")"

log=$(mktemp)
trap 'rm -f "$log"' EXIT

status=0
dotnet test Esante.MsSante.sln --configuration Release 2>&1 | tee "$log" || status=$?

# One closing line for every test run: "N passed, N failed, N skipped".
awk '
  /(Passed|Failed)! +- Failed: / {
    gsub(",", "");
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") failed += $(i + 1);
      if ($i == "Passed:") passed += $(i + 1);
      if ($i == "Skipped:") skipped += $(i + 1);
    }
  }
  END { printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }
' "$log"

if [ "$status" -eq 0 ] && ! grep -qE '(Passed|Failed)! +- Failed: ' "$log"; then
  echo "No test ran: treating this as a failure." >&2
  status=1
fi
exit "$status"
