//! What the targets share: settings with every rule on, so a fuzz input reaches every
//! rule's code, not only the parser's.
#![allow(dead_code)]

use std::sync::LazyLock;

use dockward_linter::{registry, Settings, SettingsBuilder};

/// [`all_rules`], built once per fuzzing process.
pub static SETTINGS: LazyLock<Settings> = LazyLock::new(all_rules);

/// Every rule enabled, also those off by default.
pub fn all_rules() -> Settings {
    let off: Vec<String> = registry::all_rules().filter(|r| !r.default_enabled).map(|r| r.code.to_string()).collect();
    SettingsBuilder { select: Some(vec!["ALL".to_string()]), extend_select: off, ..Default::default() }.build()
}

/// The fix mode a fuzz input asks for with its first byte: off, safe, or also unsafe.
pub fn fix_mode(selector: u8) -> dockward_linter::check::FixMode {
    use dockward_linter::check::FixMode;
    match selector % 3 {
        0 => FixMode::Off,
        1 => FixMode::Apply { unsafe_fixes: false },
        _ => FixMode::Apply { unsafe_fixes: true },
    }
}
