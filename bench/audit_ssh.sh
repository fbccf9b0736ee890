#!/usr/bin/env bash
# bench/audit_ssh.sh [N...]: `dockward audit` through the socket and over ssh:// on the same
# engine. Starts its own sshd on 127.0.0.1 (config, host key, client key, known_hosts in a
# temp dir; the client through an `ssh -F <temp config>` wrapper first on PATH, so neither
# /etc/ssh nor ~/.ssh is used), creates N labelled containers for each N (default: 0 50 200;
# half of them started) from a tiny imported busybox image, and prints the median and best
# wall time of 5 runs of each, and the ssh processes one ssh run starts. Removes only what
# it created, also on failure or Ctrl-C. Needs root (sshd), openssh-server, busybox-static.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(0 50 200)
runs=5
target=${CARGO_TARGET_DIR:-target}
run_id="bench-ssh-$$"
label="dockward.test=$run_id"
image="dockward-bench-ssh-$$:base"
work=$(mktemp -d)

cleanup() {
  ids=$(docker ps -aq --filter "label=$label")
  [ -n "$ids" ] && docker rm -f $ids >/dev/null
  docker rmi "$image" >/dev/null 2>&1 || true
  [ -n "${sshd_pid:-}" ] && kill "$sshd_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

[ -e /bin/busybox ] || { echo "bench: needs /bin/busybox (apt-get install busybox-static)" >&2; exit 2; }
[ -x /usr/sbin/sshd ] || { echo "bench: needs /usr/sbin/sshd (apt-get install openssh-server)" >&2; exit 2; }
cargo build --release --quiet -p dockward
bin="$target/release/dockward"

# The sshd and the client configuration.
mkdir -p /run/sshd "$work/bin"
ssh-keygen -q -t ed25519 -N "" -f "$work/host_key"
ssh-keygen -q -t ed25519 -N "" -f "$work/client"
cp "$work/client.pub" "$work/authorized_keys"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $work/host_key
PidFile $work/sshd.pid
AuthorizedKeysFile $work/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
EOF
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
sshd_pid=$!
cat >"$work/ssh_config" <<EOF
Host *
  IdentityFile $work/client
  IdentitiesOnly yes
  UserKnownHostsFile $work/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking accept-new
EOF
# The wrapper also counts the ssh processes dockward starts.
cat >"$work/bin/ssh" <<EOF
#!/bin/sh
echo >>"$work/ssh-starts"
exec /usr/bin/ssh -F "$work/ssh_config" "\$@"
EOF
chmod +x "$work/bin/ssh"
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
ssh_host="ssh://root@127.0.0.1:$port"

bench_import_busybox_image

audit() {
  PATH="$work/bin:$PATH" SSH_AUTH_SOCK= "$bin" audit --isolated --host "$1" --label "$label" \
    --format json --fail-on none --quiet
}

# Median and best of $runs runs of `audit $1`, in ms.
timed() {
  local walls=() start end
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    audit "$1" >/dev/null
    end=$(date +%s%N)
    walls+=("$(( (end - start) / 1000000 ))")
  done
  local sorted=($(printf '%s\n' "${walls[@]}" | sort -n))
  echo "${sorted[$((runs / 2))]} ms | ${sorted[0]} ms"
}

audit "$ssh_host" >/dev/null || { echo "bench: the ssh audit failed; sshd log:" >&2; cat "$work/sshd.log" >&2; exit 2; }
have=0
printf '| containers | running | socket median | socket best | ssh median | ssh best | ssh processes | CT findings socket / ssh |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for n in "${sizes[@]}"; do
  if [ "$n" -gt "$have" ]; then
    bench_grow_containers "$have" "$n"
    have=$n
  fi
  running=$(docker ps -q --filter "label=$label" | wc -l)
  socket=$(timed unix:///var/run/docker.sock)
  over_ssh=$(timed "$ssh_host")
  : >"$work/ssh-starts"
  ct_ssh=$(audit "$ssh_host" | grep -c '"code": "CT' || true)
  starts=$(wc -l <"$work/ssh-starts")
  ct_socket=$(audit unix:///var/run/docker.sock | grep -c '"code": "CT' || true)
  printf '| %s | %s | %s | %s | %s | %s / %s |\n' "$n" "$running" "$socket" "$over_ssh" "$starts" "$ct_socket" "$ct_ssh"
done
