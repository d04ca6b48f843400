#!/usr/bin/env bash
# Runs every test of the solution. What the tests need is provisioned here, so this works on a fresh Debian machine
# with the .NET SDK, as root: the real mail stack (Dovecot + Postfix from Debian's packages, installed if missing)
# is started on free loopback ports for the integration tests and stopped at the end.
set -euo pipefail
cd "$(dirname "$0")"

log=$(mktemp)
stack=$(mktemp -d /tmp/esante-mailstack-XXXXXX)
cleanup() {
  bash tests/mailstack/stop.sh "$stack" >/dev/null 2>&1 || true
  rm -rf "$stack" "$log"
}
trap cleanup EXIT

echo "Starting the test mail stack (Dovecot + Postfix on loopback)..."
if ! bash tests/mailstack/start.sh "$stack" >"$log" 2>&1; then
  cat "$log" >&2
  echo "The test mail stack did not start: see above, or run 'bash tests/mailstack/start.sh DIR' as root." >&2
  exit 1
fi
tail -n 1 "$log"
/usr/bin/python3 tests/mailstack/smoke.py "$stack" >"$log" 2>&1 || { cat "$log" >&2; echo "The test mail stack failed its smoke test." >&2; exit 1; }
echo "Mail stack smoke test passed."
export MAILSTACK_ENV="$stack/mailstack.env"

# The webmail's browser tests drive Debian's headless Chromium through its chromedriver (nothing is downloaded).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "Installing Chromium and its driver for the webmail's browser tests..."
  if ! { apt-get update -qq >"$log" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >"$log" 2>&1; }; then
    cat "$log" >&2
    echo "Could not install chromium and chromium-driver: run 'apt-get install chromium chromium-driver' as root." >&2
    exit 1
  fi
fi

status=0
dotnet test Esante.MsSante.sln --configuration Release 2>&1 | tee "$log" || status=$?

# The packages as a vendor meets them: packed without warnings, inspected, and restored by a native AOT app that runs a
# journey against the fake operator (tests/packaging/check.sh, about 3 minutes).
packaging=$(mktemp)
echo "Checking the packages and a native AOT consumer (tests/packaging/check.sh)..."
bash tests/packaging/check.sh 2>&1 | tee "$packaging" || status=1

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
  /^packaging checks: [0-9]+ passed, [0-9]+ failed$/ { passed += $3; failed += $5 }
  END { printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }
' "$log" "$packaging"
rm -f "$packaging"

if [ "$status" -ne 0 ]; then
  echo "Mail stack errors seen during the run (if any):" >&2
  grep -hE 'Panic|Fatal|Error|warning: .*(fatal|panic)' "$stack"/logs/*.log 2>/dev/null | grep -v 'Raw backtrace' | tail -n 20 >&2 || true
  echo "Refused sign-ins seen during the run (if any):" >&2
  grep -hiE 'auth failed|authentication failed|oauth2.*(fail|invalid|expired|not valid)|temporary' "$stack"/logs/*.log 2>/dev/null | grep -v 'token=' | tail -n 20 >&2 || true
fi
if [ "$status" -eq 0 ] && ! grep -qE '(Passed|Failed)! +- Failed: ' "$log"; then
  echo "No test ran: treating this as a failure." >&2
  status=1
fi
exit "$status"
