//! The RUN shell tokenizer: simple commands, words, operators, nesting.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = dockward_shell::tokenize(text);
});
