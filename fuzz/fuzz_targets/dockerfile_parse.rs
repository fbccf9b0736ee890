//! The Dockerfile parser, BuildKit's dump of its tree, and the semantic model
//! (variable expansion, stages) built from it: never a panic, whatever the bytes.
#![no_main]
use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let df = dockward_dockerfile::parse(text);
    let _ = dockward_dockerfile::dump_buildkit(&df, text);
    let args = BTreeMap::from([("A".to_string(), "x".to_string())]);
    let _ = dockward_dockerfile::semantic::Model::build(&df, &args);
});
