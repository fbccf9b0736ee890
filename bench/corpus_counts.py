#!/usr/bin/env python3
"""Per-rule finding counts of `dockward check` over the shared corpus.

    bench/corpus_counts.py DOCKWARD_BINARY OUT.json [PATH]  # count one build (PATH: the corpus)
    bench/corpus_counts.py --diff BEFORE.json AFTER.json    # markdown table of the changes
    bench/corpus_counts.py --update REPORT.md COUNTS.json   # rewrite a report's count columns

Every rule runs: the default set plus every rule that is off by default (named exactly, as
off-by-default rules must be). Config files are ignored (`--isolated`), so the counts depend only
on the binary and the corpus. Used to write the before/after figures of the correctness issue
(bench/corpus-findings-*.md and the issue notes).
"""
import collections
import json
import subprocess
import sys

CORPUS = "../shared/corpus"


def count(binary, out, corpus=CORPUS):
    rules = json.loads(subprocess.run([binary, "rules", "--format", "json"], check=True,
                                      capture_output=True, text=True).stdout)
    off = [r["code"] for r in rules if not r["default_enabled"]]
    cmd = [binary, "check", "--isolated", "--format", "json", "--fail-on", "none",
           "--extend-select", ",".join(off), corpus]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in (0, 1, 2):
        sys.exit(f"dockward exited {proc.returncode}: {proc.stderr[:2000]}")
    report = json.loads(proc.stdout)
    findings = collections.Counter()
    files = collections.defaultdict(set)
    for f in report["findings"]:
        findings[f["code"]] += 1
        files[f["code"]].add(f.get("path"))
    names = {r["code"]: r["name"] for r in rules}
    table = {code: {"name": names.get(code, ""), "findings": findings[code],
                    "files": len(files[code])} for code in sorted(set(names) | set(findings))}
    with open(out, "w") as fh:
        json.dump({"files": report["summary"]["files"], "rules": table}, fh, indent=1,
                  sort_keys=True)
    print(f"{report['summary']['files']} files, {sum(findings.values())} findings -> {out}")


def diff(before_path, after_path):
    before = json.load(open(before_path))
    after = json.load(open(after_path))
    print(f"Files: {before['files']} before, {after['files']} after.\n")
    print("| rule | name | before | after | change |")
    print("|---|---|---:|---:|---:|")
    total_b = total_a = 0
    for code in sorted(set(before["rules"]) | set(after["rules"])):
        b = before["rules"].get(code, {}).get("findings", 0)
        a = after["rules"].get(code, {}).get("findings", 0)
        total_b += b
        total_a += a
        if a != b:
            name = (after["rules"].get(code) or before["rules"].get(code))["name"]
            print(f"| {code} | {name} | {b} | {a} | {a - b:+d} |")
    print(f"| all | | {total_b} | {total_a} | {total_a - total_b:+d} |")


def update(report_path, counts_path):
    """Rewrites the count columns of every `| CODE | name | on/off | n... | files |` row of
    a corpus report: with three numbers, the default set (0 for a rule off by default),
    every rule on, and files; with two, findings with every rule on, and files."""
    counts = json.load(open(counts_path))["rules"]
    lines = open(report_path).read().split("\n")
    for i, line in enumerate(lines):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or cells[0] not in counts or cells[2] not in ("on", "off"):
            continue
        numbers = [j for j, c in enumerate(cells) if j >= 3 and c.isdigit()]
        rule = counts[cells[0]]
        if len(numbers) == 3:
            values = [rule["findings"] if cells[2] == "on" else 0, rule["findings"], rule["files"]]
        elif len(numbers) == 2:
            values = [rule["findings"], rule["files"]]
        else:
            continue
        for j, v in zip(numbers, values):
            cells[j] = str(v)
        lines[i] = "| " + " | ".join(cells) + " |"
    open(report_path, "w").write("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--diff":
        diff(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "--update":
        update(sys.argv[2], sys.argv[3])
    elif len(sys.argv) in (3, 4):
        count(*sys.argv[1:])
    else:
        sys.exit(__doc__)
