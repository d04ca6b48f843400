#!/bin/bash
# Brings each package's PublicAPI.Unshipped.txt up to date with its code, for both target frameworks: adds the public
# members the build reports as undeclared (RS0016) and removes the unshipped lines of members that are gone (RS0017),
# as an IDE's code fixes do. A shipped member that is gone stays in PublicAPI.Shipped.txt and is listed: removing a
# released member is a breaking change to decide on. Review the diff: it is the API change.
# Ends with a Release build as CI makes it, which also replaces the output built here without warnings as errors.
# Usage (from anywhere): src/update-public-api.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for project in Esante.MsSante.Sdk Esante.MsSante.Sdk.Testing; do
  for framework in net8.0 net10.0; do
    dotnet build "$here/$project" -c Release -f "$framework" --no-incremental -p:TreatWarningsAsErrors=false \
      "-p:ErrorLog=$work/$project.$framework.sarif%2Cversion=2.1" > /dev/null || true
  done
  python3 - "$here/$project" "$work"/"$project".*.sarif <<'PY'
import json, sys
folder, logs = sys.argv[1], sys.argv[2:]
added, gone = set(), set()
for log in logs:
    for result in json.load(open(log, encoding="utf-8"))["runs"][0]["results"]:
        rule = result["ruleId"]
        if rule in ("RS0016", "RS0017"):
            (added if rule == "RS0016" else gone).add(result["properties"]["customProperties"]["APIName"])
baseline = folder + "/PublicAPI.Unshipped.txt"
kept = [line for line in open(baseline, encoding="utf-8").read().splitlines() if line and not line.startswith("#")]
lines = sorted((set(kept) - gone) | added, key=lambda s: (s.lower(), s))
open(baseline, "w", encoding="utf-8").write("#nullable enable\n" + "".join(line + "\n" for line in lines))
print(f"{baseline}: {len(added - set(kept))} added, {len(gone & set(kept))} removed")
for name in sorted(gone - set(kept)):
    print(f"  shipped but gone (breaking; decide, then edit PublicAPI.Shipped.txt): {name}")
PY
done
dotnet build "$here/Esante.MsSante.Sdk.Testing" -c Release --no-incremental -v quiet -nologo
