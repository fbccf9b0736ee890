//! Dockerfile rules (DF family), one per file.

pub mod add_instead_of_copy;
pub mod add_url_without_checksum;
pub mod apt_in_scripts;
pub mod base_image_latest;
pub mod base_image_not_pinned;
pub mod build_tools_in_final_stage;
pub mod cd_instead_of_workdir;
pub mod consecutive_run;
pub mod copy_from_stage_index;
pub mod copy_multiple_sources_to_file;
pub mod copy_relative_destination;
pub mod copy_whole_filesystem;
pub mod duplicate_stage_name;
pub mod empty_continuation_line;
pub mod full_base_image;
pub mod hardcoded_credential;
pub mod healthcheck_disabled;
pub mod inconsistent_keyword_casing;
pub mod instruction_before_from;
pub mod invalid_copy_from;
pub mod invalid_default_arg_in_from;
pub mod invalid_expose;
pub mod last_user_is_root;
pub mod legacy_key_value_format;
pub mod maintainer_deprecated;
pub mod missing_assume_yes;
pub mod missing_healthcheck;
pub mod missing_no_install_recommends;
pub mod missing_pipefail;
pub mod missing_user;
pub mod non_numeric_user;
pub mod nonsensical_command;
pub mod overridden_instruction;
pub mod package_cache_not_cleaned;
pub mod package_managers;
pub mod package_signature_bypass;
pub mod password_set_at_build;
pub mod pipe_to_shell;
pub mod platform_flag_constant;
pub mod redaction;
pub mod redundant_target_platform;
pub mod relative_workdir;
pub mod remote_admin_port_exposed;
pub mod reserved_stage_name;
pub mod run_security_insecure;
pub mod secret_file_copied;
pub mod secret_in_arg_env;
pub mod secret_in_run_command;
pub mod sensitive_volume;
pub mod setuid_setgid_added;
pub mod shell_changed_with_ln;
pub mod shell_form_command;
pub(crate) mod shell_helpers;
pub mod ssh_server_installed;
pub mod stage_name_casing;
pub mod sudo_in_run;
pub mod tls_verification_disabled;
pub mod undefined_variable;
pub mod unpinned_os_package;
pub mod unpinned_package_version;
pub mod untrusted_base_image_registry;
pub mod update_without_install;
pub mod useradd_without_no_log_init;
pub mod workdir_in_system_directory;
pub mod world_writable_permissions;

use dockward_dockerfile::semantic::{ExpandedValue, ImageRef, Model, Target};
use dockward_dockerfile::{Dockerfile, Instruction, InstructionKind, Stage};

/// The final stage followed by the stages it builds on (`FROM build AS final` ->
/// [final, build, ...]): settings such as USER are inherited along this chain.
pub(crate) fn final_stage_chain<'a>(df: &'a Dockerfile, model: &Model) -> Vec<&'a Stage> {
    let Some(last) = df.stages.last() else { return Vec::new() };
    model.ancestry(last.index).into_iter().filter_map(|i| df.stages.get(i)).collect()
}

/// The stage `stage` is built on, if it is a stage of this file.
pub(crate) fn base_stage_of(model: &Model, stage: usize) -> Option<&dockward_dockerfile::semantic::StageModel> {
    model.stages.get(model.stages.get(stage)?.base_stage?)
}

/// The last USER instruction of `stage`, if any.
pub(crate) fn last_user<'a>(df: &'a Dockerfile, stage: &Stage) -> Option<&'a Instruction> {
    df.stage_instructions(stage).iter().rev().find(|i| i.kind == InstructionKind::User)
}

/// The external image a stage chain starts from, if it is one.
pub(crate) fn base_image(model: &Model, stage: usize) -> Option<&dockward_dockerfile::semantic::ImageRef> {
    match &model.stages.get(model.root_stage(stage))?.base {
        Target::Image(image) => Some(image),
        _ => None,
    }
}

/// `keyword` (upper case) spelled in the case style of `instr`'s own keyword, so a fix
/// that swaps an instruction keeps a lower-case file lower-case.
pub(crate) fn keyword_like(instr: &Instruction, keyword: &str) -> String {
    if instr.keyword.value.chars().all(|c| c.is_ascii_lowercase()) {
        keyword.to_ascii_lowercase()
    } else {
        keyword.to_string()
    }
}

/// Every stage's external base image whose name is fully resolved, with the FROM word
/// it came from. Images that depend on an unknown variable are left out: rules never
/// judge them, since guessing is what makes peers noisy on `FROM ${BASE}`.
pub(crate) fn resolved_base_images(model: &Model) -> impl Iterator<Item = (&ImageRef, &ExpandedValue)> {
    model.stages.iter().filter_map(|stage| match (&stage.base, &stage.base_name) {
        (Target::Image(image), Some(name)) if name.value.is_resolved() => Some((image, name)),
        _ => None,
    })
}

/// ` (`${X}` resolves to `v`)` when a value was written through variables, else "".
pub(crate) fn resolution_note(written: &str, resolved: &str) -> String {
    if written == resolved {
        String::new()
    } else {
        format!(" (`{written}` resolves to `{resolved}`)")
    }
}
