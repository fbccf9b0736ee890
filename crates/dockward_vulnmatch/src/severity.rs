//! From what records say to one [`VulnSeverity`], with where it came from.

use dockward_vulndb::SeverityInfo;

use crate::VulnSeverity;

/// `severity_source` values.
pub const SOURCE_DEBIAN_URGENCY: &str = "debian-urgency";
/// A GHSA-style label (`LOW`, `MODERATE`, `HIGH`, `CRITICAL`).
pub const SOURCE_GHSA: &str = "ghsa";
/// Another label in `database_specific.severity` or an Ubuntu priority.
pub const SOURCE_LABEL: &str = "label";
pub const SOURCE_CVSS_V3: &str = "cvss-v3";

/// Debian's urgency: `unimportant`, `low`, `medium`, `high`. `not yet assigned`
/// (and anything else, such as `end-of-life`) says nothing about severity: `None`.
/// The tracker marks guessed urgencies with `*`, which is ignored.
pub fn from_debian_urgency(urgency: &str) -> Option<VulnSeverity> {
    match urgency.trim().trim_end_matches('*').trim().to_ascii_lowercase().as_str() {
        "unimportant" => Some(VulnSeverity::Negligible),
        "low" => Some(VulnSeverity::Low),
        "medium" => Some(VulnSeverity::Medium),
        "high" => Some(VulnSeverity::High),
        _ => None,
    }
}

/// A severity label, with its source name; `None` for labels that do not rank
/// (`UNTRIAGED`, `not yet assigned`, ...).
pub fn from_label(label: &str) -> Option<(VulnSeverity, &'static str)> {
    let label = label.trim();
    let ghsa = ["LOW", "MODERATE", "HIGH", "CRITICAL"].contains(&label);
    let severity = match label.to_ascii_lowercase().as_str() {
        "negligible" => VulnSeverity::Negligible,
        "low" => VulnSeverity::Low,
        "moderate" | "medium" => VulnSeverity::Medium,
        "high" | "important" => VulnSeverity::High,
        "critical" => VulnSeverity::Critical,
        _ => return None,
    };
    Some((severity, if ghsa { SOURCE_GHSA } else { SOURCE_LABEL }))
}

/// CVSS v3 qualitative bands: 0.1-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0-10
/// critical. `0.0` ("none") and scores outside 0-10 rank nothing.
pub fn from_cvss_score(score: f64) -> Option<VulnSeverity> {
    if !score.is_finite() || score <= 0.0 || score > 10.0 {
        return None;
    }
    Some(if score < 4.0 {
        VulnSeverity::Low
    } else if score < 7.0 {
        VulnSeverity::Medium
    } else if score < 9.0 {
        VulnSeverity::High
    } else {
        VulnSeverity::Critical
    })
}

/// What one record (or entry) offers.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts<'a> {
    pub urgency: Option<&'a str>,
    pub severity: Option<&'a SeverityInfo>,
}

/// The chosen severity.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chosen {
    pub severity: crate::VulnSeverity,
    pub source: Option<&'static str>,
    pub cvss_score: Option<f64>,
    pub cvss_vector: Option<String>,
}

/// Vendor first: the first Debian urgency that ranks, among `facts` in order; else
/// the first label that ranks; else the first CVSS v3 score; else unknown. The CVSS
/// vector and score shown are the first given, whatever decided the severity.
pub(crate) fn choose(facts: &[Facts<'_>]) -> Chosen {
    let cvss = facts.iter().filter_map(|f| f.severity).find(|s| s.cvss_vector.is_some() || s.cvss_score.is_some());
    let (cvss_score, cvss_vector) = match cvss {
        Some(s) => (s.cvss_score, s.cvss_vector.clone()),
        None => (None, None),
    };
    let pick =
        |severity, source| Chosen { severity, source: Some(source), cvss_score, cvss_vector: cvss_vector.clone() };
    if let Some(s) = facts.iter().filter_map(|f| f.urgency).find_map(from_debian_urgency) {
        return pick(s, SOURCE_DEBIAN_URGENCY);
    }
    if let Some((s, source)) =
        facts.iter().filter_map(|f| f.severity.and_then(|s| s.label.as_deref())).find_map(from_label)
    {
        return pick(s, source);
    }
    if let Some(s) = facts.iter().filter_map(|f| f.severity.and_then(|s| s.cvss_score)).find_map(from_cvss_score) {
        return pick(s, SOURCE_CVSS_V3);
    }
    Chosen { severity: VulnSeverity::Unknown, source: None, cvss_score, cvss_vector }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_and_labels() {
        assert_eq!(from_cvss_score(0.0), None);
        assert_eq!(from_cvss_score(0.1), Some(VulnSeverity::Low));
        assert_eq!(from_cvss_score(3.9), Some(VulnSeverity::Low));
        assert_eq!(from_cvss_score(4.0), Some(VulnSeverity::Medium));
        assert_eq!(from_cvss_score(6.9), Some(VulnSeverity::Medium));
        assert_eq!(from_cvss_score(7.0), Some(VulnSeverity::High));
        assert_eq!(from_cvss_score(8.9), Some(VulnSeverity::High));
        assert_eq!(from_cvss_score(9.0), Some(VulnSeverity::Critical));
        assert_eq!(from_cvss_score(10.0), Some(VulnSeverity::Critical));
        assert_eq!(from_cvss_score(10.5), None);
        assert_eq!(from_cvss_score(f64::NAN), None);
        assert_eq!(from_label("MODERATE"), Some((VulnSeverity::Medium, SOURCE_GHSA)));
        assert_eq!(from_label("medium"), Some((VulnSeverity::Medium, SOURCE_LABEL)));
        assert_eq!(from_label("UNTRIAGED"), None);
        assert_eq!(from_debian_urgency("unimportant"), Some(VulnSeverity::Negligible));
        assert_eq!(from_debian_urgency("low**"), Some(VulnSeverity::Low));
        assert_eq!(from_debian_urgency("not yet assigned"), None);
        assert_eq!(from_debian_urgency("end-of-life"), None);
    }

    #[test]
    fn precedence() {
        let both = SeverityInfo {
            label: Some("CRITICAL".into()),
            cvss_vector: Some("CVSS:3.1/AV:N".into()),
            cvss_score: Some(5.0),
        };
        let cvss_only = SeverityInfo { label: None, cvss_vector: Some("v".into()), cvss_score: Some(7.5) };
        let c = choose(&[Facts { urgency: Some("low"), severity: Some(&both) }]);
        assert_eq!((c.severity, c.source, c.cvss_score), (VulnSeverity::Low, Some(SOURCE_DEBIAN_URGENCY), Some(5.0)));
        let c = choose(&[Facts { urgency: Some("not yet assigned"), severity: Some(&both) }]);
        assert_eq!((c.severity, c.source), (VulnSeverity::Critical, Some(SOURCE_GHSA)));
        // A later record's label still beats an earlier record's CVSS.
        let c = choose(&[
            Facts { urgency: None, severity: Some(&cvss_only) },
            Facts { urgency: None, severity: Some(&both) },
        ]);
        assert_eq!((c.severity, c.source, c.cvss_score), (VulnSeverity::Critical, Some(SOURCE_GHSA), Some(7.5)));
        let c = choose(&[Facts { urgency: None, severity: Some(&cvss_only) }]);
        assert_eq!((c.severity, c.source), (VulnSeverity::High, Some(SOURCE_CVSS_V3)));
        let c = choose(&[Facts::default()]);
        assert_eq!((c.severity, c.source, c.cvss_vector), (VulnSeverity::Unknown, None, None));
    }
}
