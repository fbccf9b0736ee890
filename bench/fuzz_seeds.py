#!/usr/bin/env python3
"""Seed corpora for the fuzz targets (fuzz/), from ../shared/corpus.

    bench/fuzz_seeds.py OUT_DIR

Writes OUT_DIR/<target>/<name> for every target. Targets whose first input byte picks a
mode (fix mode, file kind, cataloger path, version scheme) get each seed once per mode,
with that byte in front. Seeds larger than 64 KiB are skipped (libFuzzer's default
max_len is 4 KiB for new inputs anyway); at most MAX_SEEDS per target, chosen in sorted
order so the corpus is the same on every run.
"""
import hashlib
import io
import json
import os
import pathlib
import sys
import tarfile

CORPUS = pathlib.Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
MAX_SEED = 64 * 1024
MAX_SEEDS = 400


def files(pattern_dirs, predicate):
    out = []
    for d in pattern_dirs:
        root = CORPUS / d
        if not root.exists():
            continue
        for p in sorted(root.rglob("*")):
            if p.is_file() and not p.is_symlink() and predicate(p) and p.stat().st_size <= MAX_SEED:
                out.append(p)
    return out


def is_dockerfile(p):
    n = p.name.lower()
    return n.startswith(("dockerfile", "containerfile")) or n.endswith(".dockerfile")


def is_compose(p):
    return p.suffix in (".yml", ".yaml")


def write(out, target, blobs):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    for blob in blobs[:MAX_SEEDS]:
        (d / hashlib.sha1(blob).hexdigest()).write_bytes(blob)


def with_modes(blobs, modes):
    return [bytes([m]) + b for b in blobs for m in range(modes)]


def tiny_image():
    """A docker-archive with one layer holding a dpkg status and an os-release."""
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w") as t:
        for name, data in [
            ("etc/os-release", b'ID=debian\nVERSION_ID="12"\n'),
            ("var/lib/dpkg/status", b"Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13\nArchitecture: amd64\n\n"),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    layer_bytes = layer.getvalue()
    diff_id = "sha256:" + hashlib.sha256(layer_bytes).hexdigest()
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                         "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = json.dumps([{"Config": config_name, "RepoTags": ["t:1"], "Layers": ["l/layer.tar"]}]).encode()
    outer = io.BytesIO()
    with tarfile.open(fileobj=outer, mode="w") as t:
        for name, data in [("manifest.json", manifest), (config_name, config), ("l/layer.tar", layer_bytes)]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return outer.getvalue()


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = pathlib.Path(sys.argv[1])
    read = lambda ps: [p.read_bytes() for p in ps]
    dockerfiles = read(files(["buildkit-parser", "dockerfiles", "awesome-compose"], is_dockerfile))
    compose = read(files(["awesome-compose", "compose-go"], is_compose))
    osv = read(files(["vuln/osv"], lambda p: p.suffix == ".json"))
    write(out, "dockerfile_parse", dockerfiles)
    write(out, "dockerfile_check", with_modes(dockerfiles[:150], 3))
    shell = [line[4:].encode() for df in dockerfiles for line in df.decode("utf-8", "replace").splitlines()
             if line.startswith("RUN ")]
    write(out, "shell_tokenize", sorted(set(shell)))
    write(out, "yaml_tree", compose)
    write(out, "compose_check", with_modes(compose[:150], 3))
    daemon = [b'{"icc": true, "hosts": ["tcp://0.0.0.0:2375"], "log-driver": "json-file"}',
              b'{"live-restore": true, "userns-remap": "default", "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 64000, "Soft": 64000}}}',
              b'{"insecure-registries": ["10.0.0.1:5000"], "tlsverify": false, "icc": false, "icc": true}']
    write(out, "daemon_json", with_modes(daemon, 3))
    flags = [b"[Service]\nExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2375 --icc=true \\\n  --insecure-registry 10.0.0.1:5000\n",
             b'DOCKER_OPTS="--icc=false --live-restore -H unix:///var/run/docker.sock"\n',
             b"OPTIONS='--selinux-enabled --log-driver=journald'\n"]
    write(out, "dockerd_flags", with_modes(flags, 3))
    runs = [b"#!/bin/sh\ndocker run --privileged -v /:/host -p 80:80 alpine sh\n",
            b'args=(--cap-add ALL --pid host)\ndocker run "${args[@]}" busybox\n',
            b"run:\n\tdocker run --rm -e PASSWORD=$$P -u 0 img\n",
            b"jobs:\n  t:\n    steps:\n      - run: docker run --network host -it img\n",
            b"test:\n  script:\n    - docker run --security-opt seccomp=unconfined img\n"]
    write(out, "run_lines", with_modes(runs, 12))
    write(out, "image_archive", [tiny_image()])
    sbom = []
    minbase = CORPUS / "vuln/images/debian12-minbase/rootfs"
    for rel, index in [("var/lib/dpkg/status", 0), ("etc/os-release", 22)]:
        p = minbase / rel
        if p.exists():
            sbom.append(bytes([index]) + p.read_bytes()[:MAX_SEED])
    # The BerkeleyDB rpm database (94 KB) is the one small enough to mutate; the NDB and
    # SQLite ones (1.3 and 3.6 MB) would make every run slow.
    bdb = CORPUS / "vuln/rpmdb/pkg/testdata/libuuid/Packages"
    if bdb.exists():
        sbom.append(bytes([2]) + bdb.read_bytes())
    sbom += [bytes([1]) + b"P:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n\n",
             bytes([18]) + b'[[package]]\nname = "smallvec"\nversion = "1.6.0"\n',
             bytes([19]) + b"module x\n\ngo 1.21\n\nrequire (\n\tgolang.org/x/net v0.1.0\n)\n",
             bytes([11]) + b'lodash@^4.17.20:\n  version "4.17.20"\n']
    write(out, "sbom_catalogers", sbom)
    write(out, "osv_record", osv)
    # Manifests: the PSA fixtures (every workload kind, fields at every level) and a few
    # streams with what the loader handles specially (Lists, Helm sources, broken documents).
    k8s = read(files(["psa-testdata"], lambda p: p.suffix in (".yaml", ".yml")))[:200]
    k8s += [b"\x80apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {PASSWORD: x9}}\n---\n- 1\n",
            b"\x40---\n# Source: c/templates/d.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  annotations: {dockward.io/ignore: \"KS006: ok\"}\nspec: {template: {spec: {hostNetwork: on, containers: [{name: a, image: b}]}}}\n---\nkind: [\n",
            b"\x20apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\nautomountServiceAccountToken: no\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\nroleRef: {kind: Role, name: r}\nsubjects: [{kind: ServiceAccount, name: sa}]\n"]
    write(out, "k8s_loader", k8s)
    # Engine API request bodies the guard judges; the first byte picks the endpoint and
    # the content type (fuzz_targets/guard_request.rs).
    guard = [b"\x00" + b'{"Image":"nginx:1.27","HostConfig":{"Privileged":true,"Binds":["/var/run/docker.sock:/var/run/docker.sock"],"NetworkMode":"host"}}',
             b"\x01" + b'{"Image":"app","User":"1000","HostConfig":{"ReadonlyRootfs":true,"CapDrop":["ALL"],"SecurityOpt":["no-new-privileges"],"Memory":67108864,"PidsLimit":64,"Mounts":[{"Type":"bind","Source":"/etc","Target":"/h"}],"Tmpfs":{"/run":"rw"}}}',
             b"\x0b" + b'{"Image":"a","Labels":{"dockward.ignore":"CT001: x"},"HostConfig":{"CapAdd":["SYS_ADMIN"],"PidMode":"host","Devices":[{"PathOnHost":"/dev/mem"}]}}',
             b"\x03" + b'{"Memory":0,"CpuShares":2,"PidsLimit":-1}',
             b"\x04" + b'{"Privileged":true,"User":"root","Cmd":["sh"]}',
             b"\x05" + b'{"Name":"s","TaskTemplate":{"ContainerSpec":{"Image":"a","Privileges":{"NoNewPrivileges":false},"Mounts":[{"Type":"bind","Source":"/","Target":"/h"}]}}}',
             b"\x07" + b'{"Name":"v","Driver":"local","DriverOpts":{"type":"none","o":"bind","device":"/etc"}}',
             b"\x14" + b'{"Image":"a"', b"\x1e", b"\x00" + b"[1,2]"]
    write(out, "guard_request", guard)
    versions = [b"\x00" + b"1:1.2.13.dfsg-1\n1.2.13-1", b"\x01" + b"1.2.4-r2\n1.2.4_p1-r0", b"\x02" + b"2:1.0-1.el9\n1.0-2",
                b"\x03" + b"1.0rc1\n1.0.post1", b"\x04" + b"1.2.3-alpha.1\n1.2.3", b"\x05" + b"v1.2.3\nv1.2.3-0.2023",
                b"\x06" + b"1.0-SNAPSHOT\n1.0", b"\x07" + b"1.0.a\n1.0"]
    write(out, "version_compare", versions)
    for target in sorted(os.listdir(out)):
        print(f"{target}: {len(os.listdir(out / target))} seeds")


if __name__ == "__main__":
    main()
