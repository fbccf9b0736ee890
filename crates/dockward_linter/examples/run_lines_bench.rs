//! Throughput of `docker run` line extraction plus the CT rules, in memory, on one
//! thread: `cargo run --release -p dockward_linter --example run_lines_bench [files]`.
//!
//! Generates `files` deterministic shell scripts (default 2,000), Makefiles and
//! GitHub workflows, each with ordinary commands and a dozen `docker run` lines of
//! varied flags, then lints them all `ROUNDS` times.

use std::time::Instant;

use dockward_linter::run_lines::{lint_run_lines, RunLineFile};
use dockward_linter::Settings;
use dockward_source::SourceFile;

const ROUNDS: usize = 5;

const RUN_LINES: &[&str] = &[
    "docker run -d --name web-{i} -p 8080:80 -v /srv/www:/usr/share/nginx/html:ro nginx:1.27",
    "docker run --rm -it --privileged -v /var/run/docker.sock:/var/run/docker.sock docker:27-cli docker ps",
    "docker run -d --restart on-failure --memory 512m --cpus 1.5 --pids-limit 200 app:{i}",
    "docker create --cap-drop ALL --cap-add NET_BIND_SERVICE --read-only --tmpfs /run --security-opt no-new-privileges -u 1000 app:{i}",
    "docker run -e DB_PASSWORD=hunter{i} -e LOG_LEVEL=debug --network host postgres:16",
    "docker run --mount type=bind,source=/etc,target=/host/etc,readonly --pid=host --ipc host monitor:2",
    "sudo docker run -dit --sysctl net.ipv4.ip_forward=1 --ulimit nofile=65536:65536 --device /dev/net/tun vpn",
    "docker container run --health-cmd 'curl -f http://localhost/ || exit 1' --init busybox sh -c 'sleep {i}'",
];

fn script(i: usize) -> String {
    let mut s = String::from("#!/bin/sh\nset -eu\n");
    for (n, line) in RUN_LINES.iter().enumerate() {
        s.push_str(&format!("echo \"step {n} of {i}\"\nif [ -f /tmp/flag{n} ]; then rm -f /tmp/flag{n}; fi\n"));
        s.push_str(&line.replace("{i}", &i.to_string()).replace(" -", " \\\n  -"));
        s.push('\n');
    }
    s
}

fn makefile(i: usize) -> String {
    let mut s = String::from("IMG = app\n.PHONY: up\n");
    for (n, line) in RUN_LINES.iter().enumerate() {
        s.push_str(&format!("t{n}:\n\t@echo $$HOME\n\t-{}\n", line.replace("{i}", &i.to_string())));
    }
    s
}

fn workflow(i: usize) -> String {
    let mut s = String::from(
        "on: push\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n",
    );
    for line in RUN_LINES {
        s.push_str(&format!(
            "      - run: |\n          echo start\n          {}\n",
            line.replace("{i}", &i.to_string())
        ));
    }
    s
}

fn main() {
    let files: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let settings = Settings::default();
    for (kind, label, make) in [
        (RunLineFile::ShellScript, "shell scripts", script as fn(usize) -> String),
        (RunLineFile::Makefile, "Makefiles", makefile),
        (RunLineFile::GithubWorkflow, "GitHub workflows", workflow),
    ] {
        let sources: Vec<_> = (0..files).map(|i| SourceFile::new(format!("f{i}"), None, make(i))).collect();
        let bytes: usize = sources.iter().map(|f| f.text().len()).sum();
        let mut findings = 0;
        let mut best = f64::MAX;
        for _ in 0..ROUNDS {
            let start = Instant::now();
            findings = sources.iter().map(|f| lint_run_lines(f, kind, &settings).len()).sum::<usize>();
            best = best.min(start.elapsed().as_secs_f64());
        }
        let run_lines = files * RUN_LINES.len();
        println!(
            "{label:>16}: {files} files, {:.2} MB, {run_lines} docker run lines, {findings} findings; best of {ROUNDS}: \
             {:.3} s = {:.0} files/s, {:.0} run lines/s, {:.1} MB/s",
            bytes as f64 / 1e6,
            best,
            files as f64 / best,
            run_lines as f64 / best,
            bytes as f64 / 1e6 / best,
        );
    }
}
