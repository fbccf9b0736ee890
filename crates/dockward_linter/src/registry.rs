//! The one list of rules.

use dockward_diagnostics::RuleMeta;

use crate::rule::DockerfileRule;
use crate::rules::compose::ComposeRule;
use crate::rules::container::ContainerRule;
use crate::rules::{compose, dockerfile, meta};

pub const SYNTAX_ERROR: &RuleMeta = &meta::syntax_error::SyntaxError::META;
pub const UNREADABLE_FILE: &RuleMeta = &meta::unreadable_file::UnreadableFile::META;
pub const UNUSED_SUPPRESSION: &RuleMeta = &meta::unused_suppression::UnusedSuppression::META;
pub const INVALID_SUPPRESSION: &RuleMeta = &meta::invalid_suppression::InvalidSuppression::META;

/// Rules produced by the checker itself rather than by a check function.
static META_RULES: &[&RuleMeta] = &[SYNTAX_ERROR, UNREADABLE_FILE, UNUSED_SUPPRESSION, INVALID_SUPPRESSION];

/// Every Dockerfile rule, in code order.
pub static DOCKERFILE_RULES: &[&dyn DockerfileRule] = &[
    &dockerfile::last_user_is_root::LastUserIsRoot,
    &dockerfile::missing_user::MissingUser,
    &dockerfile::base_image_latest::BaseImageLatest,
    &dockerfile::add_instead_of_copy::AddInsteadOfCopy,
    &dockerfile::maintainer_deprecated::MaintainerDeprecated,
    &dockerfile::untrusted_base_image_registry::UntrustedBaseImageRegistry,
];

/// Every container runtime rule (CT family), in code order.
pub static CONTAINER_RULES: &[&dyn ContainerRule] = &[];

/// Every Compose-structure rule (CO family), in code order.
pub static COMPOSE_RULES: &[&dyn ComposeRule] = &[
    &compose::obsolete_version::ObsoleteVersion,
    &compose::schema_violation::SchemaViolation,
    &compose::duplicate_key::DuplicateKey,
    &compose::required_variable_missing::RequiredVariableMissing,
    &compose::invalid_interpolation::InvalidInterpolation,
    &compose::broken_reference::BrokenReference,
    &compose::env_file_unreadable::EnvFileUnreadable,
    &compose::undeclared_secret_or_config::UndeclaredSecretOrConfig,
    &compose::unused_secret_or_config::UnusedSecretOrConfig,
    &compose::shared_writable_host_path::SharedWritableHostPath,
    &compose::broken_depends_on::BrokenDependsOn,
];

/// Every rule's metadata, meta rules first, then family by family in code order.
pub fn all_rules() -> impl Iterator<Item = &'static RuleMeta> + Clone {
    META_RULES
        .iter()
        .copied()
        .chain(DOCKERFILE_RULES.iter().map(|r| r.meta()))
        .chain(CONTAINER_RULES.iter().map(|r| r.meta()))
        .chain(COMPOSE_RULES.iter().map(|r| r.meta()))
}

/// The rule a code, name or alias names exactly.
pub fn find(name: &str) -> Option<&'static RuleMeta> {
    all_rules().find(|r| {
        r.code.eq_ignore_ascii_case(name)
            || r.name.eq_ignore_ascii_case(name)
            || r.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for r in all_rules() {
            assert!(seen.insert(r.code), "duplicate code {}", r.code);
            assert!(seen.insert(r.name), "duplicate name {}", r.name);
            assert!(
                r.code.len() == 5
                    && r.code[..2].chars().all(|c| c.is_ascii_uppercase())
                    && r.code[2..].chars().all(|c| c.is_ascii_digit()),
                "bad code {}",
                r.code
            );
            assert!(
                r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
                "bad name {}",
                r.name
            );
            assert!(r.docs.contains("## What it does"), "{} lacks docs", r.code);
            assert!(r.docs.contains("## Why"), "{} lacks a why section", r.code);
            assert!(!r.summary.ends_with('.'), "{} summary ends with a period", r.code);
        }
    }

    #[test]
    fn aliases_do_not_collide() {
        let mut seen = HashSet::new();
        for r in all_rules() {
            for a in r.aliases {
                assert!(seen.insert(a.to_ascii_lowercase()), "alias {a} used twice");
            }
        }
    }

    #[test]
    fn dockerfile_rules_are_in_code_order() {
        let codes: Vec<_> = DOCKERFILE_RULES.iter().map(|r| r.meta().code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);
    }
}
