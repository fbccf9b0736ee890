//! Odd strings must never panic any parser or comparator, and whatever a scheme
//! accepts must compare reflexively, antisymmetrically and transitively.

use std::cmp::Ordering;

use dockward_version::{apk, compare, dpkg, golang, rpm, validate, Scheme};

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Pieces that exercise every grammar's corners.
const PIECES: &[&str] = &[
    "0",
    "1",
    "2",
    "9",
    "10",
    "00",
    "007",
    "99999999999999999999",
    ".",
    "..",
    "-",
    "--",
    "_",
    "~",
    "~~",
    "^",
    ":",
    "::",
    "+",
    "!",
    "=",
    "v",
    "V",
    "go",
    "a",
    "b",
    "c",
    "m",
    "p",
    "r",
    "rc",
    "pre",
    "alpha",
    "beta",
    "dev",
    "post",
    "rev",
    "preview",
    "snapshot",
    "SNAPSHOT",
    "final",
    "ga",
    "release",
    "sp",
    "cr",
    "milestone",
    "_alpha",
    "_p",
    "_git",
    "-r",
    "-r1",
    "~abc",
    "+incompatible",
    "+build",
    "incompatible",
    "x",
    "X",
    "z",
    "Z",
    "fc17",
    "el9_2",
    "deb12u1",
    "ubuntu",
    " ",
    "\t",
    "\n",
    "\0",
    "é",
    "β",
    "ß",
    "İ",
    "K",
    "١",
    "٣",
    "½",
    "😀",
    "\u{200b}",
    "\u{feff}",
    "\u{202e}",
    "ＡＢ",
    "１",
    "\\",
    "/",
    "*",
    "%",
    "#",
    "@",
    "v1.2.3",
    "v0.0.0-20191109021931-daa7c04131f5",
    "1.21rc1",
];

/// Pieces of plausible versions, so that every scheme accepts a good share.
const VERSION_PIECES: &[&str] = &[
    "0", "1", "2", "3", "10", "01", "007", ".", ".", ".", "-", "-", "_", "~", "^", "+", "a", "b", "c", "rc", "alpha",
    "beta", "p", "r", "dev", "post", "pre", "sp", "final", "ga", "snapshot", "_p", "_rc", "_alpha", "-r1", "~ab", "x",
];

fn random_string(rng: &mut Rng) -> String {
    let n = rng.below(8);
    (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect()
}

fn random_version(rng: &mut Rng) -> String {
    let mut s = ["0", "1", "2", "10"][rng.below(4)].to_owned();
    for _ in 0..rng.below(7) {
        s.push_str(VERSION_PIECES[rng.below(VERSION_PIECES.len())]);
    }
    s
}

fn weird_strings() -> Vec<String> {
    let mut out: Vec<String> = [
        "",
        " ",
        "\0",
        "\u{feff}1.0",
        "😀",
        "1.0😀",
        "١.٠",
        "ＡＢＣ",
        "1:",
        ":",
        "-",
        "--",
        "~",
        "^",
        "+",
        "!",
        ".",
        "v",
        "go",
        "0:",
        "1!",
        "1.0-",
        "1.0+",
        "1.0~",
        "1.0^",
        "_",
        "-r",
        "1-r",
        "1.0_",
        "a",
        "Z",
        "0",
        "00",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let nines = "9".repeat(100);
    out.push(nines.clone());
    out.push(format!("{nines}.{nines}.{nines}"));
    out.push(format!("{nines}:{nines}-{nines}"));
    out.push(format!("1.0-{nines}"));
    out.push(format!("1.0.0-rc.{nines}"));
    out.push(format!("{nines}!{nines}"));
    out.push(format!("1.0_p{nines}-r{nines}"));
    out.push(format!("go1.{nines}rc{nines}"));
    out.push(format!("0{}", "0".repeat(5000)));
    out.push(format!("1{}", "0".repeat(5000)));
    out.push("1.".repeat(3000));
    out.push("1-".repeat(3000));
    out.push("a1".repeat(3000));
    out.push("-".repeat(3000));
    out.push("~".repeat(3000));
    out.push("é".repeat(1000));
    out.push("1.0".to_string() + &"+a".repeat(500));
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..1500 {
        out.push(random_string(&mut rng));
        out.push(random_version(&mut rng));
    }
    out
}

#[test]
fn no_input_panics_and_accepted_versions_order_consistently() {
    let strings = weird_strings();
    let mut accepted_counts = Vec::new();
    for scheme in Scheme::ALL {
        let valid: Vec<&str> = strings.iter().map(String::as_str).filter(|s| validate(scheme, s).is_ok()).collect();
        accepted_counts.push((scheme, valid.len()));
        for s in &strings {
            // Comparing anything with anything: an error or an answer, never a panic.
            let _ = compare(scheme, s, "1.0");
            let _ = compare(scheme, "1.0", s);
        }
        // Pairwise laws over a sample of the accepted strings, then transitivity over
        // a smaller one (without the huge strings, to keep the cube cheap).
        let sample: Vec<&str> = valid.iter().copied().step_by((valid.len() / 120).max(1)).collect();
        let short: Vec<&str> = valid.iter().copied().filter(|s| s.len() <= 64).collect();
        let small: Vec<&str> = short.iter().copied().step_by((short.len() / 50).max(1)).collect();
        for a in &sample {
            assert_eq!(compare(scheme, a, a), Ok(Ordering::Equal), "{scheme}: {a:?} == itself");
            for b in &sample {
                let ab = compare(scheme, a, b).unwrap();
                let ba = compare(scheme, b, a).unwrap();
                assert_eq!(ab, ba.reverse(), "{scheme}: {a:?} vs {b:?}");
            }
        }
        for a in &small {
            for b in &small {
                let ab = compare(scheme, a, b).unwrap();
                if ab == Ordering::Greater {
                    continue;
                }
                for c in &small {
                    let bc = compare(scheme, b, c).unwrap();
                    if bc == Ordering::Greater {
                        continue;
                    }
                    let ac = compare(scheme, a, c).unwrap();
                    let want =
                        if ab == Ordering::Equal && bc == Ordering::Equal { Ordering::Equal } else { Ordering::Less };
                    assert_eq!(ac, want, "{scheme}: {a:?} <= {b:?} <= {c:?} but {a:?} vs {c:?} is {ac:?}");
                }
            }
        }
    }
    // Every scheme accepted something, so the laws above were exercised.
    eprintln!("accepted: {accepted_counts:?}");
    for (scheme, n) in accepted_counts {
        assert!(n > 200, "{scheme} accepted only {n}");
    }
}

#[test]
fn the_lenient_and_raw_comparators_take_anything() {
    let strings = weird_strings();
    let sample: Vec<&str> = strings.iter().map(String::as_str).step_by(7).collect();
    for a in &sample {
        assert_eq!(dpkg::verrevcmp(a, a), Ordering::Equal);
        assert_eq!(rpm::rpmvercmp(a, a), Ordering::Equal);
        assert_eq!(apk::compare_lenient(a, a), Ordering::Equal);
        for b in &sample {
            assert_eq!(dpkg::verrevcmp(a, b), dpkg::verrevcmp(b, a).reverse(), "{a:?} {b:?}");
            assert_eq!(rpm::rpmvercmp(a, b), rpm::rpmvercmp(b, a).reverse(), "{a:?} {b:?}");
            assert_eq!(apk::compare_lenient(a, b), apk::compare_lenient(b, a).reverse(), "{a:?} {b:?}");
        }
        let _ = dpkg::Version::parse_strict(a);
        let _ = golang::Toolchain::parse(a);
        let _ = golang::go_toolchain_to_semver(a);
        let _ = golang::is_pseudo_version(a);
        let _ = dockward_version::semver::Version::parse_strict(a);
    }
}

/// Every string of up to four pieces from `pieces` that the scheme accepts, then a
/// spread-out sample of about `size` of them.
fn small_versions(scheme: Scheme, pieces: &[&str], size: usize) -> Vec<String> {
    let mut level = vec![String::new()];
    let mut all = Vec::new();
    for _ in 0..4 {
        level = level.iter().flat_map(|s| pieces.iter().map(move |p| format!("{s}{p}"))).collect();
        all.extend(level.iter().filter(|s| validate(scheme, s).is_ok()).cloned());
    }
    all.sort();
    all.dedup();
    let step = (all.len() / size).max(1);
    all.into_iter().step_by(step).collect()
}

#[test]
fn small_versions_are_totally_ordered() {
    // Pieces chosen to meet each grammar's corner cases (for Maven, the qualifier
    // against a leading-zero sub-list that Maven itself orders intransitively).
    let cases: [(Scheme, &[&str]); 8] = [
        (Scheme::Dpkg, &["1", "0", "~", "+", ".", "a", "-", "10", ":"]),
        (Scheme::Apk, &["1", "0", "_p", "_rc", ".", "a", "-r1", "~a", "10", "_alpha"]),
        (Scheme::Rpm, &["1", "0", "~", "^", ".", "a", "-", "10", ":"]),
        (Scheme::Pep440, &["1", "0", "-", ".", "a", "post", "dev", "+", "rc", "!"]),
        (Scheme::Semver, &["1", "0", "-", ".", "a", "+", "b", "01", "-0"]),
        (Scheme::Go, &["1", "0", "-", ".", "a", "+", "v", "rc", "go"]),
        (Scheme::Maven, &["1", "0", "-", ".", "a", "sp", "ga", "foo", "rc"]),
        (Scheme::RubyGems, &["1", "0", "-", ".", "a", "b", "10", "pre"]),
    ];
    for (scheme, pieces) in cases {
        let versions = small_versions(scheme, pieces, 180);
        assert!(versions.len() > 40, "{scheme}: {}", versions.len());
        let n = versions.len();
        let order: Vec<Vec<Ordering>> =
            versions.iter().map(|a| versions.iter().map(|b| compare(scheme, a, b).unwrap()).collect()).collect();
        for i in 0..n {
            for j in 0..n {
                assert_eq!(order[i][j], order[j][i].reverse(), "{scheme}: {:?} vs {:?}", versions[i], versions[j]);
                if order[i][j] == Ordering::Greater {
                    continue;
                }
                for k in 0..n {
                    if order[j][k] == Ordering::Greater {
                        continue;
                    }
                    let both_equal = order[i][j] == Ordering::Equal && order[j][k] == Ordering::Equal;
                    let want = if both_equal { Ordering::Equal } else { Ordering::Less };
                    assert_eq!(
                        order[i][k], want,
                        "{scheme}: {:?} <= {:?} <= {:?}",
                        versions[i], versions[j], versions[k]
                    );
                }
            }
        }
    }
}
