//! The rule traits and the `declare_rule!` macro.

use std::sync::Arc;

use dockward_diagnostics::{Diagnostic, Location, RuleMeta};
use dockward_dockerfile::semantic::Model;
use dockward_dockerfile::Dockerfile;
use dockward_source::{SourceFile, TextRange};

use crate::settings::Settings;

/// Declares a rule: a unit struct, its doc comment (which becomes its documentation
/// page and `dockward rule CODE`), and its metadata as a `RuleMeta` constant.
///
/// ```text
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct LastUserIsRoot;
///     code = "DF001", name = "last-user-is-root", severity = Warning,
///     category = Security, target = Dockerfile, fix = None,
///     summary = "The final stage runs as root",
///     aliases = ["DL3002"], cis = ["4.1"], practices = ["a-non-root", "b-non-root"],
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:expr])*
        $vis:vis struct $name:ident;
        code = $code:literal, name = $rname:literal, severity = $sev:ident,
        category = $cat:ident, target = $target:ident, fix = $fix:ident,
        summary = $summary:literal
        $(, default_enabled = $enabled:literal)?
        $(, aliases = [$($alias:literal),* $(,)?])?
        $(, cis = [$($cis:literal),* $(,)?])?
        $(, practices = [$($practice:literal),* $(,)?])?
        $(,)?
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;

        impl $name {
            pub const META: $crate::RuleMeta = $crate::RuleMeta {
                code: $code,
                name: $rname,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
                severity: $crate::Severity::$sev,
                category: $crate::Category::$cat,
                target: $crate::Target::$target,
                fix: $crate::FixAvailability::$fix,
                default_enabled: $crate::declare_rule!(@enabled $($enabled)?),
                aliases: &[$($($alias),*)?],
                cis: &[$($($cis),*)?],
                practices: &[$($($practice),*)?],
            };
        }
    };
    (@enabled) => { true };
    (@enabled $e:literal) => { $e };
}

/// A rule over one parsed Dockerfile.
pub trait DockerfileRule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &mut DockerfileContext<'_>);
}

/// What a Dockerfile rule sees, and where it reports.
pub struct DockerfileContext<'a> {
    pub file: &'a Arc<SourceFile>,
    pub dockerfile: &'a Dockerfile,
    pub model: &'a Model,
    pub settings: &'a Settings,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> DockerfileContext<'a> {
    pub fn new(
        file: &'a Arc<SourceFile>,
        dockerfile: &'a Dockerfile,
        model: &'a Model,
        settings: &'a Settings,
    ) -> Self {
        Self { file, dockerfile, model, settings, diagnostics: Vec::new() }
    }

    pub fn text(&self) -> &'a str {
        self.file.text()
    }

    /// A location in this file.
    pub fn at(&self, range: TextRange) -> Location {
        Location::source(self.file, range)
    }

    /// Reports a finding of `rule` at `range`; returns it so the caller can add help,
    /// related locations, fixes or redactions.
    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        range: TextRange,
        message: impl Into<dockward_diagnostics::Text>,
    ) -> &mut Diagnostic {
        let d = Diagnostic::new(rule, self.at(range), message);
        self.diagnostics.push(d);
        self.diagnostics.last_mut().expect("just pushed")
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}
