//! Container runtime rules (CT family), one per file. They read only a
//! `ContainerSpec`, so each runs unchanged over Compose services, `docker run` lines
//! and live containers.

use dockward_diagnostics::{Diagnostic, Location, RuleMeta};
use dockward_spec::{ContainerSpec, EngineDefaults, Val};

use crate::settings::Settings;

/// A rule over one container's runtime settings.
pub trait ContainerRule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, spec: &ContainerSpec, cx: &mut ContainerContext<'_>);
}

/// What a container rule sees besides the spec, and where it reports.
pub struct ContainerContext<'a> {
    pub settings: &'a Settings,
    /// The daemon's effective defaults when known (live audit, or a daemon.json checked
    /// in the same run); every field `None` for a lone Compose file.
    pub defaults: &'a EngineDefaults,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> ContainerContext<'a> {
    pub fn new(settings: &'a Settings, defaults: &'a EngineDefaults) -> Self {
        Self { settings, defaults, diagnostics: Vec::new() }
    }

    /// Reports a finding of `rule` at `at`; returns it for help, related locations,
    /// fixes or redactions.
    pub fn report(&mut self, rule: &'static RuleMeta, at: &Location, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::new(rule, at.clone(), message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// Reports at a value's location, with the definitions it came through (anchor,
    /// `${VAR}`, extends parent) as related locations.
    pub fn report_value<T>(
        &mut self,
        rule: &'static RuleMeta,
        val: &Val<T>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let related: Vec<_> = val.related().collect();
        let d = self.report(rule, &val.at, message);
        for r in related {
            d.related.push(r);
        }
        d
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}
