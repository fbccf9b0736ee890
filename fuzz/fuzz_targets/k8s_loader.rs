//! Kubernetes manifests held in memory: the loader (documents cut at `---`, Lists,
//! origins), then the whole check of one scan (every KS and CT rule, suppressions).
//! The first byte splits the input into two files of one scan, so rules that cross
//! files (a ServiceAccount in one, its workload in the other) are reached too.
#![no_main]
#[path = "common/mod.rs"]
mod common;

use dockward_linter::check_k8s::{check_manifests, ManifestInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&split, bytes)) = data.split_first() else { return };
    let at = if bytes.is_empty() { 0 } else { usize::from(split) * bytes.len() / 256 };
    let (a, b) = bytes.split_at(at);
    let mut rendered = ManifestInput::file("rendered.yaml", None, b.to_vec());
    rendered.default_namespace = Some("kust".to_string());
    let inputs = [ManifestInput::file("a.yaml", None, a.to_vec()), rendered];
    let outcome = check_manifests(&inputs, &common::SETTINGS);
    assert_eq!(outcome.reports.len(), 2);
});
