#!/usr/bin/env bash
# bench/image.sh [files] [size_mb]: imports a generated rootfs (default 20,000 files,
# about 200 MB, a few setuid files and a .git directory among them) as a labelled
# image, creates one container from it, and measures
#   dockward audit --image-contents --label <run> --format json   (GET /images/{id}/get streamed)
#   dockward check image.tar                                        (a `docker save` of it)
# median wall time of 3 runs, MB/s over the archive's size, peak RSS (GNU time), next to
# `docker save` alone (the daemon's share of the audit). Removes
# only the container and image it created, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

files=${1:-20000}
size_mb=${2:-200}
runs=3
target=${CARGO_TARGET_DIR:-target}
run_id="bench-img-$$"
label="dockward.test=$run_id"
image="dockward-bench-$$:contents"
work=$(mktemp -d)

cleanup() {
  ids=$(docker ps -aq --filter "label=$label")
  [ -n "$ids" ] && docker rm -f $ids >/dev/null
  docker rmi "$image" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

[ -e /bin/busybox ] || { echo "bench: needs /bin/busybox (apt-get install busybox-static)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }
cargo build --release --quiet -p dockward
bin="$target/release/dockward"

python3 - "$work/rootfs" "$files" "$size_mb" <<'PY'
import os, sys, random
root, files, size_mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(42)
per_file = size_mb * 1024 * 1024 // files
block = bytes(rng.getrandbits(8) for _ in range(1 << 16))
for i in range(files):
    d = os.path.join(root, "usr/lib/gen", f"d{i // 500:03d}")
    os.makedirs(d, exist_ok=True)
    n = max(1, int(per_file * rng.uniform(0.2, 1.8)))
    with open(os.path.join(d, f"f{i:06d}.bin"), "wb") as f:
        while n > 0:
            chunk = block[: min(n, len(block))]
            f.write(chunk)
            n -= len(chunk)
for p in ("bin", "etc", "app/.git"):
    os.makedirs(os.path.join(root, p), exist_ok=True)
with open(os.path.join(root, "etc/passwd"), "w") as f:
    f.write("root:x:0:0:root:/root:/bin/sh\n")
with open(os.path.join(root, "etc/shadow"), "w") as f:
    f.write("root:*:19000:0:99999:7:::\n")
for i in range(5):
    p = os.path.join(root, f"bin/suid{i}")
    open(p, "w").close()
    os.chmod(p, 0o4755)
open(os.path.join(root, "app/.git/HEAD"), "w").close()
PY
cp /bin/busybox "$work/rootfs/bin/"
ln -s busybox "$work/rootfs/bin/sh"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
rm -rf "$work/rootfs"
docker import --change "LABEL $label" - "$image" <"$work/rootfs.tar" >/dev/null
rm -f "$work/rootfs.tar"
docker create --label "$label" --name "dw-$run_id" "$image" sh >/dev/null
docker save -o "$work/image.tar" "$image"
bytes=$(stat -c %s "$work/image.tar")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
rules="IM008,IM009,IM010,IM011,IM012,IM013,IM014"

measure() { # name, command...
  local name=$1; shift
  local walls=()
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    walls+=("$(( (end - start) / 1000000 ))")
  done
  sorted=($(printf '%s\n' "${walls[@]}" | sort -n))
  median=${sorted[$((runs / 2))]}
  rss=$( { /usr/bin/time -v "$@" >/dev/null; } 2>&1 | awk -F': ' '/Maximum resident/ {print $2}')
  mbs=$(awk -v b="$bytes" -v ms="$median" 'BEGIN { printf "%.0f", (b / 1048576) / (ms / 1000) }')
  findings=$("$@" | grep -a -c '"code": "IM' || true)
  printf '| %s | %s ms | %s MB/s | %s MiB | %s |\n' "$name" "$median" "$mbs" "$((rss / 1024))" "$findings"
}

echo "image: $files files, archive $mb MiB"
printf '| what | median wall | throughput | peak RSS | IM findings |\n|---|---|---|---|---|\n'
measure "docker save (for comparison)" docker save "$image"
measure "audit --image-contents" "$bin" audit --isolated --label "$label" --image-contents --select "$rules" \
  --format json --fail-on none --quiet
measure "check image.tar" "$bin" check --isolated --select "$rules" --format json --fail-on none --quiet "$work/image.tar"
