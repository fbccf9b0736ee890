#!/usr/bin/env bash
# bench/swarm.sh [N...]: the cost of reading a swarm. Starts a second dockerd of its own
# (own data root, exec root, pidfile, socket and bridge, --iptables=false; never the
# shared daemon, never --bridge=none), runs `swarm init` on it bound to 127.0.0.1, and
# for each N (default: 0 100 400) grows the swarm to N services (`--replicas 0`, so no
# task runs: the cost measured is reading and checking the specs), then measures
# `dockward audit --format json`: median wall time of 5 runs and the findings of one
# run. Leaves the swarm, stops the daemon and deletes its bridge, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(0 100 400)
runs=5
target=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d /tmp/dw-bench-swarm.XXXXXX)
sock="$work/d.sock"
host="unix://$sock"
bridge="dwb$(($$ % 1000000))"

cleanup() {
  docker -H "$host" swarm leave --force >/dev/null 2>&1 || true
  if [ -n "${dockerd_pid:-}" ]; then
    kill -TERM "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  ip link delete "$bridge" type bridge 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

[ -e /bin/busybox ] || { echo "bench: needs /bin/busybox (apt-get install busybox-static)" >&2; exit 2; }
cargo build --release --quiet -p dockward
bin="$target/release/dockward"

ip link add name "$bridge" type bridge
ip addr add 10.216.77.1/24 dev "$bridge"
ip link set "$bridge" up
echo '{}' >"$work/daemon.json"
dockerd --config-file="$work/daemon.json" --data-root="$work/data" --exec-root="$work/exec" \
  --pidfile="$work/dockerd.pid" -H "$host" --bridge="$bridge" \
  --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false >/dev/null 2>"$work/dockerd.log" &
dockerd_pid=$!
for _ in $(seq 1 300); do docker -H "$host" version >/dev/null 2>&1 && break; sleep 0.1; done

mkdir -p "$work/rootfs/bin"
cp /bin/busybox "$work/rootfs/bin/"
ln -s busybox "$work/rootfs/bin/sleep"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
docker -H "$host" import "$work/rootfs.tar" dw-bench:base >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# A free UDP port for VXLAN (1024-49151), so the bench cannot clash with another swarm.
dport=$(python3 -c '
import socket
for p in range(30000, 49151):
    try:
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).bind(("0.0.0.0", p)); print(p); break
    except OSError: pass')
docker -H "$host" swarm init --listen-addr "127.0.0.1:$port" --advertise-addr 127.0.0.1 \
  --data-path-port "$dport" --default-addr-pool 10.217.0.0/16 >/dev/null

created=0
echo "| services | median wall (s) | findings |"
echo "|---:|---:|---:|"
for n in "${sizes[@]}"; do
  while [ "$created" -lt "$n" ]; do
    docker -H "$host" service create --detach --quiet --no-resolve-image --replicas 0 \
      --name "svc-$created" --cap-add SYS_ADMIN --publish "$((20000 + created)):80" \
      --env "API_TOKEN=bench-$created" dw-bench:base sleep 600 >/dev/null
    created=$((created + 1))
  done
  times=()
  for _ in $(seq 1 "$runs"); do
    start=$(date +%s%N)
    "$bin" audit --isolated -H "$host" --format json --quiet --fail-on none >"$work/out.json"
    end=$(date +%s%N)
    times+=("$(((end - start) / 1000000))")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
  findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$work/out.json")
  printf '| %d | %d.%03d | %d |\n' "$n" "$((median / 1000))" "$((median % 1000))" "$findings"
done
