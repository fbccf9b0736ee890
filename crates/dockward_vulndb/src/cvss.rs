//! CVSS v3.0/v3.1 base scores from vector strings, after the FIRST specification
//! (<https://www.first.org/cvss/v3.1/specification-document>, section 7.1 and
//! appendix A for the rounding). CVSS v2 and v4 vectors are kept as strings only.

use std::fmt;

/// The CVSS v3 minor version a vector names (`CVSS:3.0/` or `CVSS:3.1/`). They share
/// the formula; only the rounding function differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cvss3Version {
    V30,
    V31,
}

/// The base metrics of a CVSS v3 vector, as their numeric weights' keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cvss3 {
    pub version: Cvss3Version,
    /// Attack vector: `N`, `A`, `L` or `P`.
    pub av: u8,
    /// Attack complexity: `L` or `H`.
    pub ac: u8,
    /// Privileges required: `N`, `L` or `H`.
    pub pr: u8,
    /// User interaction: `N` or `R`.
    pub ui: u8,
    /// Scope changed (`S:C`).
    pub scope_changed: bool,
    /// Confidentiality, integrity, availability impact: `H`, `L` or `N`.
    pub c: u8,
    pub i: u8,
    pub a: u8,
}

/// Why a vector is not a valid CVSS v3 vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CvssError(pub String);

impl fmt::Display for CvssError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CvssError {}

/// Temporal and environmental metrics of v3: allowed in a vector, not part of the
/// base score.
const OTHER_V3_METRICS: &[&str] =
    &["E", "RL", "RC", "CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA"];

impl Cvss3 {
    /// Parses `CVSS:3.x/AV:_/AC:_/PR:_/UI:_/S:_/C:_/I:_/A:_` (metrics in any order,
    /// temporal and environmental metrics allowed and ignored).
    pub fn parse(vector: &str) -> Result<Cvss3, CvssError> {
        let vector = vector.trim();
        let (version, rest) = if let Some(rest) = vector.strip_prefix("CVSS:3.1/") {
            (Cvss3Version::V31, rest)
        } else if let Some(rest) = vector.strip_prefix("CVSS:3.0/") {
            (Cvss3Version::V30, rest)
        } else {
            return Err(CvssError("does not start with CVSS:3.0/ or CVSS:3.1/".into()));
        };
        let mut base: [Option<u8>; 8] = [None; 8];
        const BASE: [(&str, &[u8]); 8] = [
            ("AV", b"NALP"),
            ("AC", b"LH"),
            ("PR", b"NLH"),
            ("UI", b"NR"),
            ("S", b"UC"),
            ("C", b"HLN"),
            ("I", b"HLN"),
            ("A", b"HLN"),
        ];
        let mut seen_other: Vec<&str> = Vec::new();
        for part in rest.split('/') {
            let Some((key, value)) = part.split_once(':') else {
                return Err(CvssError(format!("metric `{part}` has no `:`")));
            };
            if let Some(slot) = BASE.iter().position(|(k, _)| *k == key) {
                let allowed = BASE[slot].1;
                let [v] = value.as_bytes() else {
                    return Err(CvssError(format!("metric {key} has value `{value}`")));
                };
                if !allowed.contains(v) {
                    return Err(CvssError(format!("metric {key} has value `{value}`")));
                }
                if base[slot].replace(*v).is_some() {
                    return Err(CvssError(format!("metric {key} appears twice")));
                }
            } else if OTHER_V3_METRICS.contains(&key) {
                if seen_other.contains(&key) {
                    return Err(CvssError(format!("metric {key} appears twice")));
                }
                seen_other.push(key);
            } else {
                return Err(CvssError(format!("unknown metric `{key}`")));
            }
        }
        let mut values = [0u8; 8];
        for (slot, value) in base.iter().enumerate() {
            match value {
                Some(v) => values[slot] = *v,
                None => return Err(CvssError(format!("base metric {} is missing", BASE[slot].0))),
            }
        }
        let [av, ac, pr, ui, s, c, i, a] = values;
        Ok(Cvss3 { version, av, ac, pr, ui, scope_changed: s == b'C', c, i, a })
    }

    /// The base score, 0.0 to 10.0 with one decimal.
    pub fn base_score(&self) -> f64 {
        let av = match self.av {
            b'N' => 0.85,
            b'A' => 0.62,
            b'L' => 0.55,
            _ => 0.2,
        };
        let ac = if self.ac == b'L' { 0.77 } else { 0.44 };
        let pr = match (self.pr, self.scope_changed) {
            (b'N', _) => 0.85,
            (b'L', false) => 0.62,
            (b'L', true) => 0.68,
            (_, false) => 0.27,
            (_, true) => 0.5,
        };
        let ui = if self.ui == b'N' { 0.85 } else { 0.62 };
        let cia = |m: u8| match m {
            b'H' => 0.56,
            b'L' => 0.22,
            _ => 0.0,
        };
        let iss = 1.0 - (1.0 - cia(self.c)) * (1.0 - cia(self.i)) * (1.0 - cia(self.a));
        let impact =
            if self.scope_changed { 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02f64).powi(15) } else { 6.42 * iss };
        let exploitability = 8.22 * av * ac * pr * ui;
        if impact <= 0.0 {
            return 0.0;
        }
        let raw = if self.scope_changed {
            (1.08 * (impact + exploitability)).min(10.0)
        } else {
            (impact + exploitability).min(10.0)
        };
        match self.version {
            Cvss3Version::V31 => round_up_31(raw),
            Cvss3Version::V30 => round_up_30(raw),
        }
    }
}

/// CVSS v3.1 `Roundup`: the smallest number with one decimal that is equal to or
/// higher than its input, computed on integers so that 4.000000000000001 rounds
/// to 4.0 and not to 4.1 (appendix A of the v3.1 specification).
fn round_up_31(value: f64) -> f64 {
    let int_input = (value * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        ((int_input / 10_000) + 1) as f64 / 10.0
    }
}

/// CVSS v3.0 `Round up`: the plain ceiling to one decimal.
fn round_up_30(value: f64) -> f64 {
    (value * 10.0).ceil() / 10.0
}

/// The base score of a CVSS v3.0/v3.1 vector, or `None` when it is not one.
pub fn cvss3_base_score(vector: &str) -> Option<f64> {
    Cvss3::parse(vector).ok().map(|v| v.base_score())
}

/// The qualitative rating of a CVSS v3/v4 score: `NONE`, `LOW`, `MEDIUM`, `HIGH`
/// or `CRITICAL`.
pub fn rating(score: f64) -> &'static str {
    if score >= 9.0 {
        "CRITICAL"
    } else if score >= 7.0 {
        "HIGH"
    } else if score >= 4.0 {
        "MEDIUM"
    } else if score > 0.0 {
        "LOW"
    } else {
        "NONE"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(v: &str) -> f64 {
        cvss3_base_score(v).unwrap_or_else(|| panic!("{v} should parse"))
    }

    #[test]
    fn known_v31_vectors() {
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"), 6.1);
        assert_eq!(score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"), 5.5);
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), 10.0);
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"), 7.5);
        assert_eq!(score("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"), 5.9);
        assert_eq!(score("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"), 1.6);
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N"), 6.4);
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H"), 9.1);
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), 0.0);
    }

    #[test]
    fn v30_rounding_and_extra_metrics() {
        // v3.0 and v3.1 agree on these; the temporal metrics do not change the base.
        assert_eq!(score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
        assert_eq!(score("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C"), 8.8);
        // Metric order is free.
        assert_eq!(score("CVSS:3.1/C:H/I:H/A:H/AV:N/AC:L/PR:N/UI:N/S:U"), 9.8);
    }

    #[test]
    fn rejects_bad_vectors() {
        for bad in [
            "",
            "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:X",
            "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "CVSS:3.1/AV:NN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        ] {
            assert!(Cvss3::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn ratings() {
        assert_eq!(rating(0.0), "NONE");
        assert_eq!(rating(3.9), "LOW");
        assert_eq!(rating(4.0), "MEDIUM");
        assert_eq!(rating(7.5), "HIGH");
        assert_eq!(rating(9.8), "CRITICAL");
    }
}
