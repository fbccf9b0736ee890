//! Running `dockward audit` and reading its JSON report, shared by the audit tests.
#![allow(dead_code)]

use std::process::{Command, Output};

use serde_json::Value;

/// `dockward audit --isolated ARGS`, with no `DOCKER_HOST`/`DOCKER_CONTEXT` from the
/// test's environment.
pub fn audit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockward"))
        .arg("audit")
        .arg("--isolated")
        .args(args)
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .output()
        .expect("run dockward")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `(code, where)` of every finding of a JSON report, in report order: `scope/path` for
/// a logical location, `file:line` for one in a file.
pub fn findings(o: &Output) -> Vec<(String, String)> {
    let v: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("bad json ({e}): {}\n{}", stdout(o), stderr(o)));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let l = &f["logical"];
            let at = if l.is_object() {
                format!("{}/{}", l["scope"].as_str().unwrap(), l["path"].as_str().unwrap())
            } else {
                format!("{}:{}", f["path"].as_str().unwrap_or_default(), f["location"]["start"]["line"])
            };
            (f["code"].as_str().unwrap().to_string(), at)
        })
        .collect()
}
