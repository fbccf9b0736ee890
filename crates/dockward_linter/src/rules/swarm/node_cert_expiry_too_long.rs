use crate::audit::{AuditContext, SwarmRule};
use crate::declare_rule;
use dockward_spec::SwarmView;

declare_rule! {
    /// ## What it does
    /// Reports a swarm whose node certificates are valid longer than
    /// `[audit] max-node-cert-expiry-days` (`Spec.CAConfig.NodeCertExpiry`, read on a
    /// manager). The default, 90 days, is Docker's own default (`--cert-expiry 2160h`):
    /// only a swarm that lengthened the period is reported. Set it lower (the CIS
    /// benchmark's remediation example is 48 hours) to hold swarms to a shorter one.
    ///
    /// ## Why is this bad?
    /// Every node authenticates to the others with a TLS certificate from the swarm's
    /// CA, and renews it by itself before it expires: the expiry is the rotation
    /// period. A certificate stolen from a node (or left on a node removed from the
    /// swarm) lets its holder act as that node until it expires.
    ///
    /// ## Example
    /// `docker swarm update --cert-expiry 8760h` (a year).
    ///
    /// ## Fix
    /// `docker swarm update --cert-expiry 720h` (or shorter); `docker swarm ca --rotate`
    /// issues new certificates at once.
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 7.7 "Ensure that node certificates are rotated as appropriate"
    pub struct NodeCertExpiryTooLong;
    code = "SW005", name = "swarm-node-cert-expiry-too-long", severity = Warning,
    category = Security, target = Swarm, fix = None,
    summary = "The swarm's node certificates are valid longer than allowed",
    cis = ["7.7"],
    practices = ["b-daemon-hardening"],
}

impl SwarmRule for NodeCertExpiryTooLong {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, swarm: &SwarmView, cx: &mut AuditContext<'_>) {
        let Some(expiry) = swarm.cluster.as_ref().and_then(|c| c.node_cert_expiry_secs.as_ref()) else { return };
        let max_days = cx.settings.audit.max_node_cert_expiry_days;
        if expiry.value > i64::from(max_days) * 86400 {
            let msg = format!(
                "swarm node certificates are valid for {}, longer than {max_days} days",
                duration(expiry.value)
            );
            cx.report_value(&Self::META, expiry, msg)
                .help(format!("run `docker swarm update --cert-expiry {}h`", i64::from(max_days) * 24));
        }
    }
}

/// `90 days`, `36 hours`.
fn duration(secs: i64) -> String {
    if secs % 86400 == 0 {
        format!("{} days", secs / 86400)
    } else {
        format!("{} hours", secs / 3600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::swarm::testing::*;
    use crate::settings::SettingsBuilder;

    fn with_expiry(secs: i64) -> SwarmView {
        let mut s = swarm();
        s.cluster.as_mut().unwrap().node_cert_expiry_secs.as_mut().unwrap().value = secs;
        s
    }

    #[test]
    fn flags_an_expiry_longer_than_the_setting() {
        let got = lint(&NodeCertExpiryTooLong::META, &with_expiry(365 * 86400), 0);
        assert_eq!(
            got,
            [(
                "swarm/Spec.CAConfig.NodeCertExpiry".to_string(),
                "swarm node certificates are valid for 365 days, longer than 90 days".to_string()
            )]
        );
        let mut b = SettingsBuilder { select: Some(vec!["SW005".into()]), ..Default::default() };
        b.audit.max_node_cert_expiry_days = 2;
        let got = lint_with(&NodeCertExpiryTooLong::META, &with_expiry(90 * 86400), 0, b.build());
        assert_eq!(got[0].1, "swarm node certificates are valid for 90 days, longer than 2 days");
    }

    #[test]
    fn passes_the_default_and_shorter() {
        assert!(lint(&NodeCertExpiryTooLong::META, &swarm(), 0).is_empty());
        assert!(lint(&NodeCertExpiryTooLong::META, &with_expiry(36 * 3600), 0).is_empty());
        assert_eq!(duration(36 * 3600), "36 hours");
    }
}
