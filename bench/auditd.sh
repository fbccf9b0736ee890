#!/usr/bin/env bash
# bench/auditd.sh [seconds] [connects-per-second]: the auditd correlation of `dockward
# watch --auditd-log` (docs/watch.md, "Who did it") on a synthetic audit log: SECONDS of a
# busy host (default 600) with CPS connects to the Docker socket a second (default 200),
# each with its SOCKADDR, CWD, PATH and PROCTITLE records, plus as many unrelated records
# (execve SYSCALLs, USER_* lines); every 5th second a lone client, else several at once.
# Prints the read rate (lines/s, MiB/s through the parser into the window), the window's
# size (bounded at 65,536 connects over 2 minutes) and the time of one verdict.
# Nothing is touched but a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
cps=${2:-200}
PROFILE=${PROFILE:-release}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work/audit.log" "$secs" "$cps" <<'PY'
import sys
path, secs, cps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
hexpath = "01002F7661722F72756E2F646F636B65722E736F636B00"
serial = 1000
t0 = 1_796_400_000
clients = [(1000, 0, "/usr/bin/docker", "docker"), (1001, 1001, "/usr/bin/python3.11", "python3"),
           (4294967295, 0, "/usr/local/bin/gitlab-runner", "gitlab-runner")]
with open(path, "w") as f:
    for s in range(secs):
        lone = s % 5 == 0
        for i in range(cps):
            serial += 1
            ms = i * 1000 // cps
            stamp = f"{t0 + s}.{ms:03d}:{serial}"
            auid, uid, exe, comm = clients[0] if lone else clients[i % len(clients)]
            pid = 20000 + (serial % 30000)
            f.write(f"type=SYSCALL msg=audit({stamp}): arch=c000003e syscall=42 success=yes exit=0 a0=3 a1=c0000bfb10 a2=17 a3=0 items=1 ppid=1 pid={pid} auid={auid} uid={uid} gid=0 euid={uid} suid={uid} fsuid={uid} egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"{comm}\" exe=\"{exe}\" key=\"docker-api\"\x1dARCH=x86_64 SYSCALL=connect AUID=\"ops\" UID=\"root\"\n")
            f.write(f"type=SOCKADDR msg=audit({stamp}): saddr={hexpath}\x1dSADDR={{ saddr_fam=local path=/var/run/docker.sock }}\n")
            f.write(f"type=CWD msg=audit({stamp}): cwd=\"/home/ops\"\n")
            f.write(f"type=PATH msg=audit({stamp}): item=0 name=\"/var/run/docker.sock\" inode=9805829 dev=fe:00 mode=0140660 ouid=0 ogid=105 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n")
            f.write(f"type=PROCTITLE msg=audit({stamp}): proctitle=646F636B65720070730061\n")
            serial += 1
            stamp = f"{t0 + s}.{ms:03d}:{serial}"
            f.write(f"type=SYSCALL msg=audit({stamp}): arch=c000003e syscall=59 success=yes exit=0 a0=55d a1=55e a2=55f a3=0 items=2 ppid=1 pid={pid} auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm=\"ls\" exe=\"/usr/bin/ls\" key=(null)\n")
            f.write(f"type=USER_ACCT msg=audit({stamp}): pid={pid} uid=0 auid=1000 ses=3 msg='op=PAM:accounting grantors=pam_unix acct=\"root\" exe=\"/usr/bin/sudo\" hostname=? addr=? terminal=/dev/pts/0 res=success'\n")
PY

flag=$([ "$PROFILE" = release ] && echo --release || true)
cargo build -q $flag -p dockward_watch --example auditd_window
bin=${CARGO_TARGET_DIR:-target}/$PROFILE/examples/auditd_window
echo "log: $secs s x $cps connects/s ($(wc -l <"$work/audit.log") lines, $(du -h "$work/audit.log" | cut -f1))"
"$bin" "$work/audit.log" docker-api 100000
echo "max RSS of the run: $(/usr/bin/time -f '%M KiB' "$bin" "$work/audit.log" docker-api 1000 2>&1 >/dev/null | tail -1)"
