use crate::audit::{AuditContext, SwarmRule};
use crate::declare_rule;
use dockward_spec::SwarmView;

declare_rule! {
    /// ## What it does
    /// Reports a swarm whose root CA certificate (`TLSInfo.TrustRoot`, read on a
    /// manager) was issued longer ago than `[audit] max-ca-cert-age-days` (default 365).
    /// The age is taken from the certificate's notBefore.
    ///
    /// ## Why is this bad?
    /// The swarm's CA signs every node certificate. Its key lives in the managers' raft
    /// store, so every manager ever compromised, and every backup of one, holds it; with
    /// it anyone can mint certificates for new nodes or managers. Docker never rotates
    /// the CA by itself (it is valid 20 years): only rotating it invalidates copies of
    /// the old key.
    ///
    /// ## Example
    /// A swarm initialised two years ago and never rotated.
    ///
    /// ## Fix
    /// `docker swarm ca --rotate` (every node gets a certificate from the new CA; the
    /// old one stops being trusted when the rotation completes).
    ///
    /// ## References
    /// - CIS Docker Benchmark 1.6, 7.8 "Ensure that CA certificates are rotated as appropriate"
    pub struct CaCertTooOld;
    code = "SW006", name = "swarm-ca-cert-too-old", severity = Warning,
    category = Security, target = Swarm, fix = None,
    summary = "The swarm's root CA certificate has not been rotated for too long",
    cis = ["7.8"],
    practices = ["b-daemon-hardening"],
}

impl SwarmRule for CaCertTooOld {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, swarm: &SwarmView, cx: &mut AuditContext<'_>) {
        let Some(issued) = swarm.cluster.as_ref().and_then(|c| c.ca_not_before.as_ref()) else { return };
        let max_days = cx.settings.audit.max_ca_cert_age_days;
        let age_days = (cx.now - issued.value) / 86400;
        if age_days > i64::from(max_days) {
            let msg = format!("the swarm's root CA certificate is {age_days} days old, older than {max_days} days");
            cx.report_value(&Self::META, issued, msg).help("rotate it with `docker swarm ca --rotate`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::swarm::testing::*;
    use crate::settings::SettingsBuilder;

    const DAY: i64 = 86400;

    #[test]
    fn flags_an_old_ca() {
        let got = lint(&CaCertTooOld::META, &swarm(), 400 * DAY);
        assert_eq!(
            got,
            [(
                "swarm/TLSInfo.TrustRoot".to_string(),
                "the swarm's root CA certificate is 400 days old, older than 365 days".to_string()
            )]
        );
        let mut b = SettingsBuilder { select: Some(vec!["SW006".into()]), ..Default::default() };
        b.audit.max_ca_cert_age_days = 30;
        assert_eq!(lint_with(&CaCertTooOld::META, &swarm(), 31 * DAY, b.build()).len(), 1);
    }

    #[test]
    fn passes_a_recent_or_unreadable_ca() {
        assert!(lint(&CaCertTooOld::META, &swarm(), 365 * DAY).is_empty());
        let mut s = swarm();
        s.cluster.as_mut().unwrap().ca_not_before = None;
        assert!(lint(&CaCertTooOld::META, &s, 4000 * DAY).is_empty());
    }
}
