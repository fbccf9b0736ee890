//! Version ordering of every ecosystem: two versions split at the first newline, the
//! scheme picked by the first byte. Never a panic; ordering is checked for antisymmetry.
#![no_main]
use dockward_version::{compare, Scheme};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let Some((a, b)) = text.split_once('\n') else { return };
    let scheme = Scheme::ALL[selector as usize % Scheme::ALL.len()];
    if let (Ok(ab), Ok(ba)) = (compare(scheme, a, b), compare(scheme, b, a)) {
        assert_eq!(ab, ba.reverse(), "{scheme:?}: {a:?} vs {b:?}");
    }
});
