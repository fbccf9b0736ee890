//! The spanned YAML tree under its default budget (anchors, aliases, merge keys, depth).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = dockward_yaml::parse(text, &dockward_yaml::Budget::default());
});
