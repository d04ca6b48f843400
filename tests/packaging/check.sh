#!/usr/bin/env bash
# Packages a vendor can ship, checked as a vendor meets them: both libraries are packed into a temporary folder (no
# warning allowed), the packages are inspected (symbols, repository URL and commit, the Testing package's exact SDK
# dependency, README, release notes), then a console app outside the solution (tests/packaging/AotJourney) restores
# them from that folder, is published with native AOT for linux-x64 (no trim or AOT warning from our assemblies allowed)
# and runs a journey against the fake operator, whose output is checked.
# Prints one "ok:" or "FAILED:" line per check and a closing "packaging checks: N passed, N failed"; exits non-zero on a failure.
# Native AOT links with clang, or gcc where clang is missing (Debian's gcc, already on a machine with the .NET SDK).
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
work=$(mktemp -d /tmp/esante-packaging-XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
export CI=true DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAILED: $1" >&2; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
finish() {
  echo "packaging checks: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

packages="$work/packages"
version=$(dotnet msbuild src/Esante.MsSante.Sdk -getProperty:PackageVersion -p:Configuration=Release 2>/dev/null | tr -d '[:space:]')
commit=$(git rev-parse HEAD 2>/dev/null || true)
repository=$(dotnet msbuild src/Esante.MsSante.Sdk -getProperty:RepositoryUrl 2>/dev/null | tr -d '[:space:]')

# 1. Pack, with no warning.
for project in Esante.MsSante.Sdk Esante.MsSante.Sdk.Testing; do
  if dotnet pack "src/$project" -c Release -o "$packages" >"$work/pack-$project.log" 2>&1 \
    && ! grep -qE ': warning [A-Z]+[0-9]+' "$work/pack-$project.log"; then
    pass "dotnet pack $project, no warning"
  else
    grep -E ': (warning|error) ' "$work/pack-$project.log" | sort -u >&2 || tail -n 20 "$work/pack-$project.log" >&2
    fail "dotnet pack $project, no warning"
  fi
done

# 2. What is in the packages.
nuspec() { unzip -p "$packages/$1.$version.nupkg" "$1.nuspec" 2>/dev/null; }
has_symbols() {
  local listing
  listing=$(unzip -l "$packages/$1.$version.snupkg" 2>/dev/null) && [ -f "$packages/$1.$version.nupkg" ] &&
    grep -qF "lib/net8.0/$1.pdb" <<<"$listing" && grep -qF "lib/net10.0/$1.pdb" <<<"$listing"
}
source_linked() {
  # The SourceLink map in the symbols names the repository at the packed commit.
  local pdbs="$work/pdb-$1"
  mkdir -p "$pdbs" && unzip -q -o "$packages/$1.$version.snupkg" -d "$pdbs" &&
    grep -aqF "${repository#https://github.com/}/$commit/" "$pdbs/lib/net10.0/$1.pdb"
}
for id in Esante.MsSante.Sdk Esante.MsSante.Sdk.Testing; do
  check "$id: .nupkg and .snupkg with both frameworks' symbols" has_symbols "$id"
  check "$id: repository $repository at commit ${commit:0:12}" \
    bash -c 'nuspec=$(unzip -p "$1" "$2.nuspec") && grep -qF "<repository type=\"git\" url=\"$3\"" <<<"$nuspec" && grep -qF "commit=\"$4\"" <<<"$nuspec" && grep -qF "<projectUrl>$3</projectUrl>" <<<"$nuspec"' \
    _ "$packages/$id.$version.nupkg" "$id" "$repository" "$commit"
  check "$id: SourceLink to the repository's sources at that commit" source_linked "$id"
  check "$id: README packed" bash -c 'unzip -l "$1" | grep -qE " README.md$" && unzip -p "$1" "$2.nuspec" | grep -qF "<readme>README.md</readme>"' _ "$packages/$id.$version.nupkg" "$id"
  check "$id: release notes from CHANGELOG.md" bash -c 'unzip -p "$1" "$2.nuspec" | grep -qF "$(sed -n 3p CHANGELOG.md)"' _ "$packages/$id.$version.nupkg" "$id"
done
check "Esante.MsSante.Sdk.Testing depends on exactly Esante.MsSante.Sdk $version, for both frameworks" \
  bash -c '[ "$(nuspec_text=$(unzip -p "$1" Esante.MsSante.Sdk.Testing.nuspec); grep -cF "<dependency id=\"Esante.MsSante.Sdk\" version=\"[$2]\"" <<<"$nuspec_text")" -eq 2 ]' \
  _ "$packages/Esante.MsSante.Sdk.Testing.$version.nupkg" "$version"

# 3. A consumer restores the packed packages, is published with native AOT and runs a journey.
app="$work/AotJourney"
mkdir -p "$app"
cp tests/packaging/AotJourney/AotJourney.csproj tests/packaging/AotJourney/Program.cs "$app/"
cat >"$app/NuGet.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <!-- The packed folder first; the machine's usual sources stay for the third-party dependencies. -->
  <packageSources>
    <add key="packed" value="$packages" />
  </packageSources>
</configuration>
CONFIG
# Native AOT links with the system's C toolchain: clang, else gcc. A fresh machine without either gets Debian's gcc (and
# zlib's headers, which older runtimes link against), as tests/mailstack installs its own packages.
if ! command -v clang >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1 || ! dpkg-query -W -f='${Status}' zlib1g-dev 2>/dev/null | grep -q "install ok installed"; then
  echo "Installing a native linker for the AOT check (gcc, zlib1g-dev)..."
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev zlib1g-dev; } >"$work/apt.log" 2>&1 \
    || { cat "$work/apt.log" >&2; echo "Could not install gcc: apt-get install gcc libc6-dev zlib1g-dev, as root." >&2; }
fi
# The packages carry the version of the build, not of a release: drop any copy of that version a previous run restored.
global_packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
rm -rf "$global_packages/esante.mssante.sdk/$version" "$global_packages/esante.mssante.sdk.testing/$version"
if [ -f "$packages/Esante.MsSante.Sdk.$version.nupkg" ] && [ -f "$packages/Esante.MsSante.Sdk.Testing.$version.nupkg" ]; then
  if (cd "$app" && dotnet publish -c Release -r linux-x64 -p:SDK_VERSION="$version" -o "$app/out") >"$work/publish.log" 2>&1; then
    pass "the consumer restores the packed packages and is published with native AOT"
  else
    grep -E ': error ' "$work/publish.log" | sort -u >&2 || tail -n 30 "$work/publish.log" >&2
    fail "the consumer restores the packed packages and is published with native AOT"
  fi
  # Trim and AOT warnings name the assembly they come from; ours must have none.
  ours=$(grep -E 'warning IL[0-9]{4}' "$work/publish.log" | grep -E 'Esante\.MsSante' | sort -u)
  if [ -z "$ours" ]; then pass "no trim or AOT warning from Esante.MsSante assemblies"; else echo "$ours" >&2; fail "no trim or AOT warning from Esante.MsSante assemblies"; fi
  theirs=$(grep -E 'warning IL[0-9]{4}' "$work/publish.log" | grep -vE 'Esante\.MsSante' | sed -E 's/.*warning (IL[0-9]{4}): ([^:]*).*/\1 \2/' | sort -u)
  [ -z "$theirs" ] || { echo "Trim/AOT warnings from third-party assemblies (see the Sdk README's \"Trimming and native AOT\"):"; echo "$theirs"; }

  if [ -x "$app/out/AotJourney" ]; then
    output=$("$app/out/AotJourney" 2>&1); status=$?
    echo "$output" | sed 's/^/  /'
    check "the native app ran to the end" test "$status" -eq 0
    expect() { check "the native app: $1" grep -qF -- "$1" <<<"$output"; }
    expect "aot: configuration DEV935997, trash 45 Days, archives 2 Months, whitelist example.fr, otp attempts 3"
    expect "aot: imap imap.example.fr:993 ImplicitTls, smtp smtp.example.fr:587, timeout 20s, trusted example.fr"
    expect "aot: psc dpi-client Integration https://dpi.example.fr/psc/callback"
    expect "aot: signed in as alice.martin"
    expect "aot: settings signature Consultation, tag Urgent labo #FF0000"
    expect "aot: sent a letter"
    expect "aot: read \"Résultats AOT\" from alice.martin@"
    expect "signed \"Dr Alice Martin\""
    expect "aot: directory found entries for Nantes"
    expect "aot: health mssante-directory Healthy, mssante-operator Healthy"
    expect "aot: telemetry spans and measurements recorded"
    expect "aot: journey complete"
  else
    fail "the native app was built"
  fi
fi
rm -rf "$global_packages/esante.mssante.sdk/$version" "$global_packages/esante.mssante.sdk.testing/$version"
finish
