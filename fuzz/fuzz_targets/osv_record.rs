//! One OSV advisory as JSON: the record reader, its validation and the severity facts
//! (CVSS vectors) the database keeps.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = dockward_vulndb::OsvRecord::from_json(data) {
        let _ = record.validate();
        let _ = record.severity_facts();
    }
});
