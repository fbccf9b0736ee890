//! dpkg: lib/dpkg/t/t-version.c, Debian Policy §5.6.12, and security-update
//! versions from Debian and Ubuntu.

use dockward_version::dpkg::{verrevcmp, Version};
use dockward_version::Scheme::Dpkg;

use crate::{assert_chain, assert_equal, assert_invalid, assert_relations, assert_valid};

#[test]
fn policy_tilde_example() {
    // Policy: "~~" < "~~a" < "~" < "" < "a"; then letters before other characters.
    assert_chain(Dpkg, &["1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a", "1.0+b1", "1.0.1"]);
}

#[test]
fn epochs_upstream_and_revisions() {
    assert_chain(
        Dpkg,
        &["0.9", "1.0~rc1", "1.0", "1.0-1", "1.0-1+deb12u1", "1.0-2", "1.0.1", "2.0", "1:0.1", "1:1.0", "2:0"],
    );
}

#[test]
fn relations() {
    let n = assert_relations(
        Dpkg,
        "
        # t-version.c: epoch, upstream and revision differences
        0:1-1 < 1:1-1
        1:1-1 > 0:1-1
        0:a-1 < 0:b-1
        0:1-a < 0:1-b
        1-1 < 2-1
        1-1 < 1-2
        # the task's own vectors
        1.0~rc1 < 1.0
        1:1.0 > 2.0
        1.0-1 < 1.0-1+deb12u1
        5.36.0-7+deb12u3 < 5.36.0-7+deb12u4
        1:1.2.13.dfsg-1 < 1:1.2.13.dfsg-1+deb12u1
        2.6.1 < 2.6.2
        10.42-1 < 10.42-1+deb12u2
        # real security updates and backports
        2.36-9+deb12u4 < 2.36-9+deb12u7
        7.88.1-10+deb12u5 < 7.88.1-10+deb12u8
        3.0.11-1~deb12u2 < 3.0.11-1
        1.2.3~bpo12+1 < 1.2.3
        2.35-0ubuntu3.1 < 2.35-0ubuntu3.4
        3.0.2-0ubuntu1.9 < 3.0.2-0ubuntu1.10
        1.1.1f-1ubuntu2.16 < 1.1.1f-1ubuntu2.20
        1.2.3-1 < 1.2.3-1ubuntu1
        1.2.3-1build1 < 1.2.3-1ubuntu1
        1.0+dfsg-1 > 1.0-1
        1.0~dfsg-1 < 1.0-1
        2:8.2.3995-1ubuntu2.15 > 1:9.0
        # digit runs of any length, no overflow
        1.99999999999999999999999999999 < 1.100000000000000000000000000000
        1.0-0000000000000000000000000000001 = 1.0-1
        ",
    );
    assert_eq!(n, 27);
}

#[test]
fn equalities() {
    assert_equal(
        Dpkg,
        &[
            &["1.0", "0:1.0", "1.0-0", "1.00", "0:1.00-0", " 1.0 ", "01.0"],
            &["1:2.3-4", "01:2.3-4", "1:2.03-04"],
            &["0", "0:0", "00"],
        ],
    );
}

#[test]
fn verrevcmp_directly() {
    use std::cmp::Ordering::*;
    assert_eq!(verrevcmp("", ""), Equal);
    assert_eq!(verrevcmp("~", ""), Less);
    assert_eq!(verrevcmp("a", ""), Greater);
    assert_eq!(verrevcmp("1a", "1+"), Less);
    assert_eq!(verrevcmp("1.2", "1.10"), Less);
}

#[test]
fn parsing_as_t_version() {
    let v = |s: &str| {
        let v = Version::parse(s).unwrap();
        (v.epoch(), v.upstream().to_owned(), v.revision().to_owned())
    };
    assert_eq!(v("0"), (0, "0".into(), "".into()));
    assert_eq!(v("0:0"), (0, "0".into(), "".into()));
    assert_eq!(v("1:0"), (1, "0".into(), "".into()));
    assert_eq!(v("5:1"), (5, "1".into(), "".into()));
    assert_eq!(v("0:0-0-0"), (0, "0-0".into(), "0".into()));
    assert_eq!(v("0:0-0-0-0"), (0, "0-0-0".into(), "0".into()));
    assert_eq!(v("0:0:0-0"), (0, "0:0".into(), "0".into()));
    assert_eq!(v("0:0:0:0-0"), (0, "0:0:0".into(), "0".into()));
    assert_eq!(v("0:0:0-0-0"), (0, "0:0-0".into(), "0".into()));
    assert_eq!(v("0:0-0:0-0"), (0, "0-0:0".into(), "0".into()));
    assert_eq!(v("0:09azAZ.-+~:-0"), (0, "09azAZ.-+~:".into(), "0".into()));
    assert_eq!(v("0:0-azAZ09.+~"), (0, "0".into(), "azAZ09.+~".into()));
    for spaced in ["  \t0:0-1", "0:0-1\t  ", "\t  0:0-1  \t"] {
        assert_eq!(v(spaced), (0, "0".into(), "1".into()), "{spaced:?}");
    }
    assert_eq!(Version::parse_strict("0:09azAZ.-+~:-0").unwrap().upstream(), "09azAZ.-+~:");
}

#[test]
fn invalid_versions() {
    assert_invalid(
        Dpkg,
        &[
            "",
            "  ",
            "0:",
            ":1.0",
            "1.0-",
            "0:0 0-1",
            "-1:0-1",
            "999999999999999999999999:0-1",
            "2147483648:1",
            "a:0-0",
            "A:0-0",
            "+1:0",
            "-1",
            "1:-1",
        ],
    );
}

#[test]
fn warnings_are_accepted_unless_strict() {
    // dpkg only warns about these; --compare-versions compares them.
    let warned = ["0:abc3-0", "0:0!-0", "0:0-0!", "1.0_1", "a", "1.0-1_2", "0:0#-0", "1.0-é"];
    assert_valid(Dpkg, &warned);
    for v in warned {
        assert!(Version::parse_strict(v).is_err(), "{v}");
    }
    assert_chain(Dpkg, &["0:abc3-0", "0:abd-0"]);
}
