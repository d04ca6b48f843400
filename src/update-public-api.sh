#!/bin/bash
# Adds the public members the build reports as undeclared (RS0016) to each package's PublicAPI.Unshipped.txt, for
# both target frameworks: what an IDE's code fix does, from a shell. Review the diff: it is the API change.
# A member removed or changed is reported as RS0017; delete its line by hand.
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
  python3 - "$here/$project/PublicAPI.Unshipped.txt" "$work"/"$project".*.sarif <<'PY'
import json, sys
baseline, logs = sys.argv[1], sys.argv[2:]
names = set()
for log in logs:
    for result in json.load(open(log, encoding="utf-8"))["runs"][0]["results"]:
        if result["ruleId"] == "RS0016":
            names.add(result["properties"]["customProperties"]["APIName"])
kept = [line for line in open(baseline, encoding="utf-8").read().splitlines() if line and not line.startswith("#")]
lines = sorted(set(kept) | names, key=lambda s: (s.lower(), s))
open(baseline, "w", encoding="utf-8").write("#nullable enable\n" + "".join(line + "\n" for line in lines))
print(f"{baseline}: {len(names - set(kept))} added")
PY
done
