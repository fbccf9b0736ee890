//! Go: golang.org/x/mod/semver's test table, pseudo-versions (x/mod/module), the go
//! command's toolchain comparison table (internal/gover), and the tag to SemVer
//! conversion OSV's Go records use.

use std::cmp::Ordering;

use dockward_version::golang::{compare_toolchain, go_toolchain_to_semver, Toolchain, Version};
use dockward_version::Scheme::Go;

use crate::{assert_chain, assert_equal, assert_invalid, assert_relations};

#[test]
fn x_mod_semver_table() {
    // The valid entries of semver_test.go's table, in its (ascending) order;
    // consecutive entries with the same canonical form are equal.
    let table = [
        ("v1.0.0-alpha", "v1.0.0-alpha"),
        ("v1.0.0-alpha.1", "v1.0.0-alpha.1"),
        ("v1.0.0-alpha.beta", "v1.0.0-alpha.beta"),
        ("v1.0.0-beta", "v1.0.0-beta"),
        ("v1.0.0-beta.2", "v1.0.0-beta.2"),
        ("v1.0.0-beta.11", "v1.0.0-beta.11"),
        ("v1.0.0-rc.1", "v1.0.0-rc.1"),
        ("v1", "v1.0.0"),
        ("v1.0", "v1.0.0"),
        ("v1.0.0", "v1.0.0"),
        ("v1.2", "v1.2.0"),
        ("v1.2.0", "v1.2.0"),
        ("v1.2.3-456", "v1.2.3-456"),
        ("v1.2.3-456.789", "v1.2.3-456.789"),
        ("v1.2.3-456-789", "v1.2.3-456-789"),
        ("v1.2.3-456a", "v1.2.3-456a"),
        ("v1.2.3-pre", "v1.2.3-pre"),
        ("v1.2.3-pre+meta", "v1.2.3-pre"),
        ("v1.2.3-pre.1", "v1.2.3-pre.1"),
        ("v1.2.3-zzz", "v1.2.3-zzz"),
        ("v1.2.3", "v1.2.3"),
        ("v1.2.3+meta", "v1.2.3"),
        ("v1.2.3+meta-pre", "v1.2.3"),
        ("v1.2.3+meta-pre.sha.256a", "v1.2.3"),
    ];
    for (i, (a, canonical_a)) in table.iter().enumerate() {
        let shown = Version::parse(a).unwrap().to_string();
        assert_eq!(shown.split('+').next(), Some(*canonical_a), "{a}");
        for (b, canonical_b) in &table[i..] {
            let want = if canonical_a == canonical_b { Ordering::Equal } else { Ordering::Less };
            assert_eq!(dockward_version::compare(Go, a, b), Ok(want), "{a} vs {b}");
            assert_eq!(dockward_version::compare(Go, b, a), Ok(want.reverse()), "{b} vs {a}");
        }
    }
    assert_invalid(
        Go,
        &[
            "bad",
            "v1-alpha.beta.gamma",
            "v1-pre",
            "v1+meta",
            "v1-pre+meta",
            "v1.2-pre",
            "v1.2+meta",
            "v1.2-pre+meta",
            "v01.2.3",
            "v1.02.3",
            "v1.2.03",
            "v1.2.3-01",
            "v1.2.3.4",
            "v1.2.3-",
            "v1.2.3+",
            "",
            "v",
            "V1.2.3",
            " v1.2.3",
        ],
    );
}

#[test]
fn pseudo_versions_sort_as_prereleases() {
    assert_chain(
        Go,
        &[
            "v0.0.0-20191109021931-daa7c04131f5",
            "v0.0.0-20200101000000-0123456789ab",
            "v0.0.0",
            "v1.2.3-pre",
            "v1.2.3-pre.0.20191109021931-daa7c04131f5",
            "v1.2.3",
            "v1.2.4-0.20191109021931-daa7c04131f5",
            "v1.2.4-0.20201109021931-daa7c04131f5",
            "v1.2.4-rc.1",
            "v1.2.4",
            "v2.0.0+incompatible",
            "v2.0.1",
        ],
    );
    // OSV writes module versions without the `v`; +incompatible does not count.
    assert_equal(
        Go,
        &[
            &["1.2.3", "v1.2.3", "v1.2.3+incompatible"],
            &["0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20191109021931-daa7c04131f5"],
            &["0", "v0.0.0"],
        ],
    );
}

#[test]
fn gover_compare_table() {
    // internal/gover's compareTests (the valid ones).
    let cases = [
        ("1", "1.1", Ordering::Less),
        ("1.5", "1.6", Ordering::Less),
        ("1.5", "1.10", Ordering::Less),
        ("1.6", "1.6.1", Ordering::Less),
        ("1.19", "1.19.0", Ordering::Equal),
        ("1.19rc1", "1.19", Ordering::Less),
        ("1.20", "1.20.0", Ordering::Equal),
        ("1.20rc1", "1.20", Ordering::Less),
        ("1.21", "1.21.0", Ordering::Less),
        ("1.21", "1.21rc1", Ordering::Less),
        ("1.21rc1", "1.21.0", Ordering::Less),
        ("1.6", "1.19", Ordering::Less),
        ("1.19", "1.19.1", Ordering::Less),
        ("1.19rc1", "1.19", Ordering::Less),
        ("1.19rc1", "1.19.1", Ordering::Less),
        ("1.19rc1", "1.19rc2", Ordering::Less),
        ("1.19.0", "1.19.1", Ordering::Less),
        ("1.19rc1", "1.19.0", Ordering::Less),
        ("1.19alpha3", "1.19beta2", Ordering::Less),
        ("1.19beta2", "1.19rc1", Ordering::Less),
        ("1.1", "1.99999999999999998", Ordering::Less),
        ("1.99999999999999998", "1.99999999999999999", Ordering::Less),
    ];
    for (a, b, want) in cases {
        assert_eq!(compare_toolchain(a, b), Ok(want), "{a} vs {b}");
        assert_eq!(compare_toolchain(b, a), Ok(want.reverse()), "{b} vs {a}");
    }
    // The go/version spelling: a `go` prefix, and a `-suffix` after it.
    assert_eq!(compare_toolchain("go1.21rc2", "go1.21.0"), Ok(Ordering::Less));
    assert_eq!(compare_toolchain("go1.22-bigcorp", "go1.22"), Ok(Ordering::Equal));
    assert_eq!(compare_toolchain("go1", "1.0.0"), Ok(Ordering::Equal));
    let chain = ["1.20rc1", "1.20", "1.20.1", "1.21", "1.21rc", "1.21rc1", "1.21rc2", "1.21.0", "1.21.1", "1.22"];
    for pair in chain.windows(2) {
        assert_eq!(compare_toolchain(pair[0], pair[1]), Ok(Ordering::Less), "{pair:?}");
    }
    for bad in ["", "x", "go", "1.", "1.21.", "01.2", "1.02", "1.21.0rc1", "1.21.0.1", "1.21RC1", "1.21rc01", "v1.21"] {
        assert!(Toolchain::parse(bad).is_err(), "{bad:?}");
    }
    assert!(Toolchain::parse("1.21rc1").unwrap().is_prerelease());
}

#[test]
fn toolchain_to_semver() {
    let cases = [
        ("go1.21rc2", "1.21.0-rc.2"),
        ("go1.19", "1.19.0"),
        ("go1.19.8", "1.19.8"),
        ("go1.21.0", "1.21.0"),
        ("1.21", "1.21.0"),
        ("go1", "1.0.0"),
        ("go1.18beta1", "1.18.0-beta.1"),
        ("go1.9.2rc2", "1.9.2-rc.2"),
        ("go1.21rc", "1.21.0-rc"),
    ];
    for (tag, want) in cases {
        assert_eq!(go_toolchain_to_semver(tag).as_deref(), Ok(want), "{tag}");
    }
    for bad in ["", "go", "gox", "go1.21.0.1", "devel +abc"] {
        assert!(go_toolchain_to_semver(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn scheme_go_takes_toolchain_versions_too() {
    let n = assert_relations(
        Go,
        "
        go1.19.8 < 1.19.9
        go1.21rc2 = 1.21.0-rc.2
        go1.21rc2 < go1.21.0
        1.21rc2 < 1.21.0
        go1.20 = 1.20.0
        go1.21.0 > 1.21.0-rc.4
        ",
    );
    assert_eq!(n, 6);
}
