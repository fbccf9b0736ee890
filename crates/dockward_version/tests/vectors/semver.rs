//! SemVer: the precedence examples of semver.org §11, node-semver's comparison and
//! equality fixtures (test/fixtures/comparisons.js, equality.js), and NuGet's
//! four-part and short versions.

use dockward_version::semver::Version;
use dockward_version::Scheme::Semver;

use crate::{assert_chain, assert_equal, assert_invalid, assert_relations};

#[test]
fn semver_org_precedence() {
    assert_chain(Semver, &["1.0.0", "2.0.0", "2.1.0", "2.1.1"]);
    assert_chain(
        Semver,
        &[
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ],
    );
}

#[test]
fn node_semver_comparisons() {
    // comparisons.js: the first version is greater than the second.
    let n = assert_relations(
        Semver,
        "
        0.0.0 > 0.0.0-foo
        0.0.1 > 0.0.0
        1.0.0 > 0.9.9
        0.10.0 > 0.9.0
        0.99.0 > 0.10.0
        2.0.0 > 1.2.3
        v0.0.0 > 0.0.0-foo
        v0.0.1 > 0.0.0
        v1.0.0 > 0.9.9
        v0.10.0 > 0.9.0
        v0.99.0 > 0.10.0
        v2.0.0 > 1.2.3
        0.0.0 > v0.0.0-foo
        0.0.1 > v0.0.0
        1.0.0 > v0.9.9
        0.10.0 > v0.9.0
        0.99.0 > v0.10.0
        2.0.0 > v1.2.3
        1.2.3 > 1.2.3-asdf
        1.2.3 > 1.2.3-4
        1.2.3 > 1.2.3-4-foo
        1.2.3-5-foo > 1.2.3-5
        1.2.3-5 > 1.2.3-4
        1.2.3-5-foo > 1.2.3-5-Foo
        3.0.0 > 2.7.2+asdf
        1.2.3-a.10 > 1.2.3-a.5
        1.2.3-a.b > 1.2.3-a.5
        1.2.3-a.b > 1.2.3-a
        1.2.3-a.b.c.10.d.5 > 1.2.3-a.b.c.5.d.100
        1.2.3-r2 > 1.2.3-r100
        1.2.3-r100 > 1.2.3-R2
        ",
    );
    assert_eq!(n, 31);
}

#[test]
fn equalities() {
    // equality.js, the build metadata rule, and the tolerant forms.
    assert_equal(
        Semver,
        &[
            &[
                "1.2.3", "v1.2.3", "=1.2.3", "v 1.2.3", "= 1.2.3", " v1.2.3", " =1.2.3", " v 1.2.3", " = 1.2.3",
                "V1.2.3",
            ],
            &["1.2.3-0", "v1.2.3-0", "=1.2.3-0", "v 1.2.3-0", "= 1.2.3-0", " v1.2.3-0", " = 1.2.3-0"],
            &["1.2.3-1", "v1.2.3-1", "=1.2.3-1"],
            &["1.2.3-beta", "v1.2.3-beta", "=1.2.3-beta", " = 1.2.3-beta"],
            &["1.2.3-beta+build", " = 1.2.3-beta+otherbuild", "1.2.3-beta+otherbuild"],
            &["1.2.3+build", " = 1.2.3+otherbuild", "1.2.3+otherbuild", "  v1.2.3+build"],
            // NuGet: missing parts are 0, a zero fourth part changes nothing.
            &["1.2", "1.2.0", "1.2.0.0"],
            &["1", "1.0.0", "1.0.0.0"],
            // Leading zeros, which npm's loose mode and NuGet accept.
            &["01.02.03", "1.2.3"],
            &["1.0.0-rc.01", "1.0.0-rc.1"],
        ],
    );
}

#[test]
fn four_part_versions() {
    assert_chain(Semver, &["1.2.3-beta", "1.2.3", "1.2.3.1", "1.2.3.10", "1.2.4-alpha", "1.2.4"]);
    assert_chain(Semver, &["6.0.0-preview.1.20", "6.0.0-preview.2.1", "6.0.0-rc.1", "6.0.0", "6.0.1"]);
}

#[test]
fn huge_numbers_do_not_overflow() {
    let nines = "9".repeat(100);
    let big = format!("1{}", "0".repeat(100));
    let a = format!("{nines}.0.0");
    let b = format!("{big}.0.0");
    let c = format!("1.0.0-{nines}");
    let d = format!("1.0.0-{big}");
    assert_chain(Semver, &[&c, &d, "1.0.0", &a, &b]);
}

#[test]
fn strict_grammar() {
    for ok in
        ["1.2.3", "0.0.0", "1.2.3-0", "1.2.3-alpha.0.x-y", "1.2.3+20130313144700", "1.0.0-x.7.z.92+exp.sha.5114f85"]
    {
        assert!(Version::parse_strict(ok).is_ok(), "{ok}");
    }
    for bad in ["1.2", "v1.2.3", "=1.2.3", " 1.2.3", "01.2.3", "1.02.3", "1.2.03", "1.2.3-01", "1.2.3.4", "1.2.3-"] {
        assert!(Version::parse_strict(bad).is_err(), "{bad}");
    }
}

#[test]
fn invalid_versions() {
    assert_invalid(
        Semver,
        &[
            "",
            " ",
            "v",
            "a.b.c",
            "1.2.3-",
            "1.2.3+",
            "1..2",
            "1.2.",
            ".1.2",
            "1.2.3.4.5",
            "1.0.0-beta!",
            "1.0.0-alpha..1",
            "1.0.0-alpha.",
            "1.2.3-+b",
            "-1.2.3",
            "1.2.3 4",
            "1.2.3+build+more",
            "1.2.3-béta",
            "dev-master",
            "1.x",
            "^1.2.3",
        ],
    );
}
