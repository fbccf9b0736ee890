//! The one list of rules.

use dockward_diagnostics::RuleMeta;

use crate::audit::{EngineRule, ImageRule, NetworkRule, SwarmRule};
use crate::daemon::DaemonRule;
use crate::host::HostRule;
use crate::image_contents::ImageContentsRule;
use crate::rule::DockerfileRule;
use crate::rules::compose::ComposeRule;
use crate::rules::container::ContainerRule;
use crate::rules::{
    compose, container, daemon, dockerfile, engine, host, image, kubernetes, meta, network, swarm, vuln,
};
use crate::vulns::VulnRule;

pub const SYNTAX_ERROR: &RuleMeta = &meta::syntax_error::SyntaxError::META;
pub const UNREADABLE_FILE: &RuleMeta = &meta::unreadable_file::UnreadableFile::META;
pub const UNUSED_SUPPRESSION: &RuleMeta = &meta::unused_suppression::UnusedSuppression::META;
pub const INVALID_SUPPRESSION: &RuleMeta = &meta::invalid_suppression::InvalidSuppression::META;
pub const NOT_A_DAEMON_CONFIG: &RuleMeta = &meta::not_a_daemon_config::NotADaemonConfig::META;
pub const RUN_LINE_NOT_JUDGED: &RuleMeta = &meta::run_line_not_judged::RunLineNotJudged::META;

/// Rules produced by the checker itself rather than by a check function.
static META_RULES: &[&RuleMeta] =
    &[SYNTAX_ERROR, UNREADABLE_FILE, UNUSED_SUPPRESSION, INVALID_SUPPRESSION, NOT_A_DAEMON_CONFIG, RUN_LINE_NOT_JUDGED];

/// Every Dockerfile rule, in code order.
pub static DOCKERFILE_RULES: &[&dyn DockerfileRule] = &[
    &dockerfile::last_user_is_root::LastUserIsRoot,
    &dockerfile::missing_user::MissingUser,
    &dockerfile::base_image_latest::BaseImageLatest,
    &dockerfile::add_instead_of_copy::AddInsteadOfCopy,
    &dockerfile::maintainer_deprecated::MaintainerDeprecated,
    &dockerfile::untrusted_base_image_registry::UntrustedBaseImageRegistry,
    &dockerfile::secret_in_arg_env::SecretInArgEnv,
    &dockerfile::hardcoded_credential::HardcodedCredential,
    &dockerfile::secret_file_copied::SecretFileCopied,
    &dockerfile::secret_in_run_command::SecretInRunCommand,
    &dockerfile::add_url_without_checksum::AddUrlWithoutChecksum,
    &dockerfile::pipe_to_shell::PipeToShell,
    &dockerfile::tls_verification_disabled::TlsVerificationDisabled,
    &dockerfile::package_signature_bypass::PackageSignatureBypass,
    &dockerfile::run_security_insecure::RunSecurityInsecure,
    &dockerfile::sudo_in_run::SudoInRun,
    &dockerfile::world_writable_permissions::WorldWritablePermissions,
    &dockerfile::setuid_setgid_added::SetuidSetgidAdded,
    &dockerfile::password_set_at_build::PasswordSetAtBuild,
    &dockerfile::remote_admin_port_exposed::RemoteAdminPortExposed,
    &dockerfile::sensitive_volume::SensitiveVolume,
    &dockerfile::ssh_server_installed::SshServerInstalled,
    &dockerfile::missing_healthcheck::MissingHealthcheck,
    &dockerfile::healthcheck_disabled::HealthcheckDisabled,
    &dockerfile::non_numeric_user::NonNumericUser,
    &dockerfile::base_image_not_pinned::BaseImageNotPinned,
    &dockerfile::platform_flag_constant::PlatformFlagConstant,
    &dockerfile::full_base_image::FullBaseImage,
    &dockerfile::build_tools_in_final_stage::BuildToolsInFinalStage,
    &dockerfile::build_tools_in_final_stage::BuildToolsInSingleStage,
    &dockerfile::apt_in_scripts::AptInScripts,
    &dockerfile::missing_assume_yes::MissingAssumeYes,
    &dockerfile::missing_no_install_recommends::MissingNoInstallRecommends,
    &dockerfile::package_cache_not_cleaned::PackageCacheNotCleaned,
    &dockerfile::unpinned_package_version::UnpinnedPackageVersion,
    &dockerfile::update_without_install::UpdateWithoutInstall,
    &dockerfile::missing_pipefail::MissingPipefail,
    &dockerfile::cd_instead_of_workdir::CdInsteadOfWorkdir,
    &dockerfile::relative_workdir::RelativeWorkdir,
    &dockerfile::overridden_instruction::OverriddenInstruction,
    &dockerfile::shell_form_command::ShellFormCommand,
    &dockerfile::invalid_copy_from::InvalidCopyFrom,
    &dockerfile::duplicate_stage_name::DuplicateStageName,
    &dockerfile::reserved_stage_name::ReservedStageName,
    &dockerfile::copy_from_stage_index::CopyFromStageIndex,
    &dockerfile::copy_multiple_sources_to_file::CopyMultipleSourcesToFile,
    &dockerfile::invalid_expose::InvalidExpose,
    &dockerfile::undefined_variable::UndefinedVariable,
    &dockerfile::consecutive_run::ConsecutiveRun,
    &dockerfile::nonsensical_command::NonsensicalCommand,
    &dockerfile::legacy_key_value_format::LegacyKeyValueFormat,
    &dockerfile::inconsistent_keyword_casing::InconsistentKeywordCasing,
    &dockerfile::stage_name_casing::StageNameCasing,
    &dockerfile::empty_continuation_line::EmptyContinuationLine,
    &dockerfile::shell_changed_with_ln::ShellChangedWithLn,
    &dockerfile::redundant_target_platform::RedundantTargetPlatform,
    &dockerfile::copy_relative_destination::CopyRelativeDestination,
    &dockerfile::instruction_before_from::InstructionBeforeFrom,
    &dockerfile::useradd_without_no_log_init::UseraddWithoutNoLogInit,
    &dockerfile::invalid_default_arg_in_from::InvalidDefaultArgInFrom,
    &dockerfile::unpinned_os_package::UnpinnedOsPackage,
    &dockerfile::workdir_in_system_directory::WorkdirInSystemDirectory,
    &dockerfile::copy_whole_filesystem::CopyWholeFilesystem,
];

/// Every container runtime rule (CT family), in code order.
pub static CONTAINER_RULES: &[&dyn ContainerRule] = &[
    &container::privileged_container::PrivilegedContainer,
    &container::dangerous_capability_added::DangerousCapabilityAdded,
    &container::capabilities_not_dropped::CapabilitiesNotDropped,
    &container::writable_root_filesystem::WritableRootFilesystem,
    &container::no_new_privileges_missing::NoNewPrivilegesMissing,
    &container::security_profile_disabled::SecurityProfileDisabled,
    &container::memory_limit_missing::MemoryLimitMissing,
    &container::cpu_limit_missing::CpuLimitMissing,
    &container::pids_limit_missing::PidsLimitMissing,
    &container::oom_kill_disabled_without_memory_limit::OomKillDisabledWithoutMemoryLimit,
    &container::host_namespace_shared::HostNamespaceShared,
    &container::docker_socket_mounted::DockerSocketMounted,
    &container::sensitive_host_path_mounted::SensitiveHostPathMounted,
    &container::writable_host_bind::WritableHostBind,
    &container::shared_mount_propagation::SharedMountPropagation,
    &container::host_device_passed_through::HostDevicePassedThrough,
    &container::port_published_on_all_interfaces::PortPublishedOnAllInterfaces,
    &container::privileged_host_port::PrivilegedHostPort,
    &container::default_network::DefaultNetwork,
    &container::runs_as_root::RunsAsRoot,
    &container::secret_in_environment::SecretInEnvironment,
    &container::world_readable_env_file::WorldReadableEnvFile,
    &container::image_tag_latest::ImageTagLatest,
    &container::image_not_pinned_by_digest::ImageNotPinnedByDigest,
    &container::untrusted_image_registry::UntrustedImageRegistry,
    &container::unbounded_restart_policy::UnboundedRestartPolicy,
    &container::healthcheck_disabled::HealthcheckDisabled,
    &container::shell_as_pid1_without_init::ShellAsPid1WithoutInit,
    &container::kernel_weakening_sysctl::KernelWeakeningSysctl,
    &container::unlimited_ulimit::UnlimitedUlimit,
    &container::custom_cgroup_parent::CustomCgroupParent,
    &container::exec_privileged::ExecPrivileged,
    &container::exec_as_root::ExecAsRoot,
    &container::masked_paths_disabled::MaskedPathsDisabled,
    &container::container_not_hardened::ContainerNotHardened,
];

/// Every daemon configuration rule, in code order.
pub static DAEMON_RULES: &[&dyn DaemonRule] = &[
    &daemon::daemon_json_not_strict::DaemonJsonNotStrict,
    &daemon::unknown_daemon_option::UnknownDaemonOption,
    &daemon::daemon_option_wrong_type::DaemonOptionWrongType,
    &daemon::duplicate_daemon_option::DuplicateDaemonOption,
    &daemon::option_set_as_flag_and_in_file::OptionSetAsFlagAndInFile,
    &daemon::icc_enabled::IccEnabled,
    &daemon::live_restore_disabled::LiveRestoreDisabled,
    &daemon::userns_remap_disabled::UsernsRemapDisabled,
    &daemon::log_level_not_info::LogLevelNotInfo,
    &daemon::tcp_socket_without_tls_verify::TcpSocketWithoutTlsVerify,
    &daemon::daemon_exposed_without_tls::DaemonExposedWithoutTls,
    &daemon::no_new_privileges_disabled::NoNewPrivilegesDisabled,
    &daemon::userland_proxy_enabled::UserlandProxyEnabled,
    &daemon::seccomp_unconfined::SeccompUnconfined,
    &daemon::experimental_enabled::ExperimentalEnabled,
    &daemon::insecure_registry::InsecureRegistry,
    &daemon::iptables_disabled::IptablesDisabled,
    &daemon::deprecated_storage_driver::DeprecatedStorageDriver,
    &daemon::no_authorization_plugin::NoAuthorizationPlugin,
    &daemon::no_remote_log_driver::NoRemoteLogDriver,
    &daemon::log_rotation_missing::LogRotationMissing,
    &daemon::default_ulimits_unset::DefaultUlimitsUnset,
    &daemon::custom_cgroup_parent::CustomCgroupParent,
    &daemon::selinux_disabled::SelinuxDisabled,
    &daemon::default_bind_all_interfaces::DefaultBindAllInterfaces,
];

/// Every host rule, in code order.
pub static HOST_RULES: &[&dyn HostRule] = &[
    &host::docker_group_member::DockerGroupMember,
    &host::docker_file_owner::DockerFileOwner,
    &host::docker_file_mode::DockerFileMode,
    &host::docker_path_not_audited::DockerPathNotAudited,
    &host::docker_root_not_separate_partition::DockerRootNotSeparatePartition,
    &host::rootful_docker::RootfulDocker,
    // A DM rule that needs the host's files: run with the host rules.
    &daemon::authorization_plugin_missing::AuthorizationPluginMissing,
];

/// Every engine rule (EN family: a live engine's `/version` and `/info`), in code order.
pub static ENGINE_RULES: &[&dyn EngineRule] =
    &[&engine::engine_version_outdated::EngineVersionOutdated, &engine::container_sprawl::ContainerSprawl];

/// Every image rule (IM family: a live host's images), in code order.
pub static IMAGE_RULES: &[&dyn ImageRule] = &[
    &image::image_runs_as_root::ImageRunsAsRoot,
    &image::image_without_healthcheck::ImageWithoutHealthcheck,
    &image::secret_in_image::SecretInImage,
    &image::image_latest_tag_in_use::ImageLatestTagInUse,
    &image::image_too_old::ImageTooOld,
    &image::unsafe_download_in_history::UnsafeDownloadInHistory,
    &image::dangling_images::DanglingImages,
];

/// Every image-contents rule (IM008 and up: the files in an image's layers), in code order.
pub static IMAGE_CONTENTS_RULES: &[&dyn ImageContentsRule] = &[
    &image::setuid_setgid_file::SetuidSetgidFile,
    &image::empty_password_account::EmptyPasswordAccount,
    &image::duplicate_uid_gid::DuplicateUidGid,
    &image::unneeded_files::UnneededFiles,
    &image::secret_file_in_image::SecretFileInImage,
    &image::deleted_secret_in_layer::DeletedSecretInLayer,
    &image::world_writable_file::WorldWritableFile,
];

/// Every network rule (NW family), in code order.
pub static NETWORK_RULES: &[&dyn NetworkRule] = &[
    &network::default_bridge_in_use::DefaultBridgeInUse,
    &network::default_bridge_icc::DefaultBridgeIcc,
    &network::overlay_not_encrypted::OverlayNotEncrypted,
];

/// Every swarm rule (SW family), in code order.
pub static SWARM_RULES: &[&dyn SwarmRule] = &[
    &swarm::swarm_mode_enabled::SwarmModeEnabled,
    &swarm::manager_count::ManagerCount,
    &swarm::swarm_port_on_all_interfaces::SwarmPortOnAllInterfaces,
    &swarm::autolock_disabled::AutolockDisabled,
    &swarm::node_cert_expiry_too_long::NodeCertExpiryTooLong,
    &swarm::ca_cert_too_old::CaCertTooOld,
];

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

/// Every Kubernetes rule (KS family: NetworkPolicy, RBAC, service accounts, Pod
/// Security), in code order. The containers of workloads go through
/// [`CONTAINER_RULES`].
pub static KUBERNETES_RULES: &[&dyn crate::rules::kubernetes::KubernetesRule] = &[
    &crate::rules::kubernetes::not_ingress_isolated::NotIngressIsolated,
    &crate::rules::kubernetes::not_egress_isolated::NotEgressIsolated,
    &crate::rules::kubernetes::namespace_without_default_deny::NamespaceWithoutDefaultDeny,
    &crate::rules::kubernetes::policy_allows_all_ingress::PolicyAllowsAllIngress,
    &crate::rules::kubernetes::policy_selects_nothing::PolicySelectsNothing,
    &crate::rules::kubernetes::rbac_wildcard::RbacWildcard,
    &crate::rules::kubernetes::cluster_admin_binding::ClusterAdminBinding,
    &crate::rules::kubernetes::dangerous_rbac_permission::DangerousRbacPermission,
    &crate::rules::kubernetes::seccomp_profile_not_set::SeccompProfileNotSet,
    &crate::rules::kubernetes::windows_host_process::WindowsHostProcess,
    &crate::rules::kubernetes::rejected_by_namespace_pss::RejectedByNamespacePss,
    &crate::rules::kubernetes::probe_or_lifecycle_host::ProbeOrLifecycleHost,
    &crate::rules::kubernetes::restricted_volume_type::RestrictedVolumeType,
    &kubernetes::automount_service_account_token::AutomountServiceAccountToken,
    &kubernetes::secret_in_configmap::SecretInConfigmap,
    &kubernetes::ambiguous_yaml_value::AmbiguousYamlValue,
    &kubernetes::secret_in_env::SecretInEnv,
    &kubernetes::missing_probes::MissingProbes,
    &kubernetes::helm_chart_not_rendered::HelmChartNotRendered,
];

/// Every vulnerability rule (VU family: `dockward scan`), in code order.
pub static VULN_RULES: &[&dyn VulnRule] = &[
    &vuln::vulnerable_package::VulnerablePackage,
    &vuln::unfixed_vulnerability::UnfixedVulnerability,
    &vuln::end_of_life_os::EndOfLifeOs,
    &vuln::stale_vulnerability_database::StaleVulnerabilityDatabase,
];

/// Every rule's metadata, meta rules first, then family by family in code order.
pub fn all_rules() -> impl Iterator<Item = &'static RuleMeta> + Clone {
    META_RULES
        .iter()
        .copied()
        .chain(DOCKERFILE_RULES.iter().map(|r| r.meta()))
        .chain(CONTAINER_RULES.iter().map(|r| r.meta()))
        .chain(DAEMON_RULES.iter().map(|r| r.meta()))
        .chain(HOST_RULES.iter().map(|r| r.meta()))
        .chain(ENGINE_RULES.iter().map(|r| r.meta()))
        .chain(IMAGE_RULES.iter().map(|r| r.meta()))
        .chain(IMAGE_CONTENTS_RULES.iter().map(|r| r.meta()))
        .chain(NETWORK_RULES.iter().map(|r| r.meta()))
        .chain(SWARM_RULES.iter().map(|r| r.meta()))
        .chain(COMPOSE_RULES.iter().map(|r| r.meta()))
        .chain(KUBERNETES_RULES.iter().map(|r| r.meta()))
        .chain(VULN_RULES.iter().map(|r| r.meta()))
}

/// The rule a code or name names; for a peer's id shared by several rules, the first
/// (see [`named`] for all of them).
pub fn find(name: &str) -> Option<&'static RuleMeta> {
    all_rules().find(|r| r.is_named(name))
}

/// Every rule a code, name, alias or docker-bench id names exactly, in registry order.
/// A peer's check often covers what several dockward rules check (Trivy's DS-0002 is
/// both "no USER" and "last USER is root"), so its id is an alias of each.
pub fn named(name: &str) -> Vec<&'static RuleMeta> {
    all_rules().filter(|r| r.is_named(name)).collect()
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
    fn aliases_are_peer_ids_not_codes_or_names_and_are_listed_once_per_rule() {
        let own: HashSet<String> =
            all_rules().flat_map(|r| [r.code.to_ascii_lowercase(), r.name.to_ascii_lowercase()]).collect();
        for r in all_rules() {
            let mut seen = HashSet::new();
            for a in r.aliases {
                assert!(seen.insert(a.to_ascii_lowercase()), "{}: alias {a} listed twice", r.code);
                assert!(!own.contains(&a.to_ascii_lowercase()), "{}: alias {a} is a dockward code or name", r.code);
                // docker-bench's CIS ids are derived from `cis` (RuleMeta::is_named).
                assert!(
                    dockward_diagnostics::docker_bench_control(a).is_none(),
                    "{}: alias {a} is derived from `cis`, do not list it",
                    r.code
                );
            }
        }
    }

    /// A peer check that covers what several dockward rules check names each of them
    /// (issue 13, peer aliases): selecting or suppressing it reaches all its parts.
    #[test]
    fn a_peer_id_names_every_rule_that_checks_part_of_it() {
        let codes = |id: &str| named(id).iter().map(|r| r.code).collect::<Vec<_>>();
        assert_eq!(codes("DS-0002"), ["DF001", "DF002"]);
        assert_eq!(codes("CKV_DOCKER_4"), ["DF004", "DF011"]);
        assert_eq!(codes("ce76b7d0-9e77-464d-b86f-c5c48e03e22d"), ["CT002", "CT003"]);
        assert_eq!(codes("check_4_1"), ["DF001", "DF002", "CT020", "IM001"]);
        assert_eq!(codes("check_2_2"), ["DM006", "NW002"]);
        assert_eq!(codes("DL3002"), ["DF001"]);
        assert!(codes("check_9_9").is_empty());
    }

    #[test]
    fn daemon_rules_are_in_code_order() {
        let codes: Vec<_> = DAEMON_RULES.iter().map(|r| r.meta().code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn dockerfile_rules_are_in_code_order() {
        let codes: Vec<_> = DOCKERFILE_RULES.iter().map(|r| r.meta().code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn swarm_rules_are_in_code_order() {
        let codes: Vec<_> = SWARM_RULES.iter().map(|r| r.meta().code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);
        assert!(codes.iter().all(|c| c.starts_with("SW")));
    }

    #[test]
    fn image_rules_are_in_code_order() {
        let codes: Vec<_> = IMAGE_RULES
            .iter()
            .map(|r| r.meta().code)
            .chain(IMAGE_CONTENTS_RULES.iter().map(|r| r.meta().code))
            .collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);
        assert!(codes.iter().all(|c| c.starts_with("IM")));
    }

    #[test]
    fn vuln_rules_are_in_code_order_and_off_by_default() {
        let codes: Vec<_> = VULN_RULES.iter().map(|r| r.meta().code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);
        assert!(codes.iter().all(|c| c.starts_with("VU")));
        assert!(VULN_RULES.iter().all(|r| !r.meta().default_enabled), "they need a database");
    }

    #[test]
    fn container_rules_are_in_code_order() {
        let codes: Vec<_> = CONTAINER_RULES.iter().map(|r| r.meta().code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);
        assert!(codes.iter().all(|c| c.starts_with("CT")));
    }
}
