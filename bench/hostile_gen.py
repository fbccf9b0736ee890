#!/usr/bin/env python3
"""Builds the hostile inputs of bench/hostile.sh (issue 19 classes 4 and 5).

Usage: hostile_gen.py CLASS SCALE OUTDIR

Writes one input (a file, or a directory for Compose) of class CLASS at SCALE times the
class's base size under OUTDIR and prints the path to check and the extra `dockward
check` arguments, tab-separated. The inputs are deterministic: the same class and scale
give the same bytes.

Classes (base size = the x1 of the benchmark table):
  stages    Dockerfile, 1,000 chained stages `FROM s<i-1> AS s<i>` (~150 B each)
  extends   Compose file, a chain of 800 services, each `extends` the previous one
  flags     docker.service whose ExecStart passes 100,000 dockerd flags (~1 MB)
  fixes     Dockerfile of 13,000 mis-cased keywords (DF122 fixes, ~530 KB), `--diff`
  fix       the same file, `--fix` (hostile.sh fixes a copy)
  bigdf     Dockerfile of 1.25 MB of one-line RUNs (x8 = 10 MB)
  services  Compose file of 6,250 services (x8 = 50,000)
"""

import os
import sys


def stages(n):
    out = ["# syntax=docker/dockerfile:1\n", "FROM alpine:3.20 AS s0\n", "RUN echo base > /base\n"]
    for i in range(1, n):
        out.append(
            f"FROM s{i - 1} AS s{i}\n"
            f"ENV V{i}=value-{i} PREV=$V{i - 1}\n"
            f"WORKDIR /work/s{i}\n"
            f"COPY --from=s{i - 1} / /snap{i}\n"
            f"RUN cd /tmp && echo $V{i} $PREV > /out{i}\n"
        )
    out.append("USER 1000\n")
    return "".join(out)


def extends(n):
    # Each link overrides the same keys, so a resolved service stays the same size: the
    # work is linear in the chain only if each link is resolved once.
    out = ["services:\n", "  s0:\n", "    image: alpine:3.20\n", "    environment:\n", "      LEVEL: '0'\n"]
    for i in range(1, n):
        out.append(
            f"  s{i}:\n"
            f"    extends:\n"
            f"      service: s{i - 1}\n"
            f"    environment:\n"
            f"      LEVEL: '{i}'\n"
        )
    return "".join(out)


def flags(n):
    # Flags dockerd knows (and a few it does not), ten to a continuation line.
    cycle = ["--icc=false", "-D", "--dns 9.9.9.9", "--live-restore", "--log-opt a=b",
             "--userland-proxy=false", "--debug", "--no-such-flag", "-H fd://", "--ip 0.0.0.0"]
    out = ["[Unit]\nDescription=Docker\n\n[Service]\nExecStart=/usr/bin/dockerd"]
    for i in range(n):
        if i % 10 == 0:
            out.append(" \\\n ")
        out.append(" " + cycle[i % len(cycle)])
    out.append("\n\n[Install]\nWantedBy=multi-user.target\n")
    return "".join(out)


def fixes(n):
    # Upper case wins the vote, so every `run` line is a DF122 finding with a safe fix.
    out = ["FROM alpine:3.20\n"]
    for i in range(n):
        out.append(f"RUN echo upper-{i}\n")
        out.append(f"run echo lower-{i}\n")
    return "".join(out)


def bigdf(nbytes):
    out = ["FROM debian:12\n"]
    size = len(out[0])
    i = 0
    while size < nbytes:
        line = f"RUN apt-get update && apt-get install -y pkg{i} && rm -rf /var/lib/apt/lists/*\n"
        out.append(line)
        size += len(line)
        i += 1
    return "".join(out)


def services(n):
    # One image each: 50,000 services stay under the YAML reader's 250,000-node budget.
    out = ["services:\n"]
    for i in range(n):
        out.append(f"  svc{i}:\n    image: registry.example/app{i % 50}:1.{i % 7}\n")
    return "".join(out)


def main():
    cls, scale, outdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(outdir, exist_ok=True)
    args = ""
    if cls == "stages":
        name, text = f"stages-x{scale}.Dockerfile", stages(1000 * scale)
    elif cls == "extends":
        name, text = f"extends-x{scale}/compose.yaml", extends(800 * scale)
    elif cls == "flags":
        name, text = f"flags-x{scale}/docker.service", flags(100_000 * scale)
    elif cls == "fixes":
        name, text = f"fixes-x{scale}.Dockerfile", fixes(13_000 * scale)
        args = "--diff"
    elif cls == "fix":
        name, text = f"fixes-x{scale}.Dockerfile", fixes(13_000 * scale)
        args = "--fix"
    elif cls == "bigdf":
        name, text = f"bigdf-x{scale}.Dockerfile", bigdf(1_250_000 * scale)
    elif cls == "services":
        name, text = f"services-x{scale}/compose.yaml", services(6_250 * scale)
    else:
        sys.exit(f"unknown class {cls}")
    path = os.path.join(outdir, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if not (os.path.exists(path) and os.path.getsize(path) == len(text.encode())):
        with open(path, "w") as f:
            f.write(text)
    print(f"{path}\t{args}")


if __name__ == "__main__":
    main()
