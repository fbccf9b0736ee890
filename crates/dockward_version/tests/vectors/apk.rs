//! apk-tools: test/version.data (a selection of its lines, as facts), and the grammar
//! of src/version.c.

use std::cmp::Ordering;

use dockward_version::apk::{compare_lenient, Version};
use dockward_version::Scheme::Apk;

use crate::{assert_chain, assert_equal, assert_invalid, assert_relations, assert_valid};

#[test]
fn version_data() {
    let n = assert_relations(
        Apk,
        "
        2.34 > 0.1.0_alpha
        0.1.0_alpha = 0.1.0_alpha
        0.1.0_alpha < 0.1.3_alpha
        0.1.0_alpha2 > 0.1.0_alpha
        0.1.0_alpha < 2.2.39-r1
        2.2.39-r1 > 1.0.4-r3
        1.0.4-r3 < 1.0.4-r4
        1.0.4-r4 < 1.6
        1.0.2 > 0.7-r1
        1.1 > 1.1_alpha1
        1.2.1 > 1.2
        1.2 < 1.3_alpha
        1.3_alpha < 1.3_alpha2
        1.3_alpha2 < 1.3_alpha3
        0.8_beta1 < 0.8_beta2
        3.10.18-r1 > 2.3.0b-r1
        2.3.0b-r1 < 2.3.0b-r2
        0.12.3 > 0.12
        0.12 < 0.13_beta1
        1.2.11 < 1.2.12.1
        0.2.0-r1 < 3.1_p16
        3.1_p16 < 3.1_p17
        3.1_p17 > 1.06-r6
        1.06-r6 < 006
        006 > 1.0.0
        9.3.4-r2 > 9.3.4
        2.59 < 20050718-r1
        20050718-r1 < 20050718-r2
        3.9.8-r5 > 2.01.01_alpha10
        2.01.01_alpha10 > 0.94
        1.0 > 0.99.3.20040818
        1.39 > 1.00_beta2
        2.8.9-r1 > 2.8.9
        7.15.1-r1 > 1.02
        1.02 < 1.03-r1
        0.5.2.7 < 4.2.52_p2-r1
        4.2.52_p2-r1 < 4.2.52_p4-r2
        4.2.52_p4-r2 > 1.02.07
        1.02.07 < 1.02.10-r1
        2.18.3-r10 > 1.05-r18
        1.05-r18 < 1.05-r19
        20060720 > 3.0.20060720
        3.0.20060720 < 20060720
        2.5.1-r8 < 2.5.1a-r1
        1.3.5-r10 > 1.3.5-r8
        20040401 > 2.0.0_rc3-r1
        3.0.0-r2 < 021109-r3
        021109-r3 < 20060512
        0.9.16-r1 < 3.9_pre20060124
        3.9_pre20060124 > 0.01
        0.01 < 0.06
        1.1.7 < 6b-r7
        0.10.0-r1 > 0.10.0
        0.10.0 < 0.10.1_rc1
        0.10.1_rc1 > 0.9.11
        0.9.11 < 394
        2.0.2 > 1.1a
        1.1a < 1.3a
        1.0-r1 > 0.15.1b
        0.15.1b-r2 > 0.15.1b
        22.7-r1 < 22.7.3-r1
        22.7.3-r1 > 22.7
        22.7 > 2.1_pre20
        2.1_pre20 < 2.1_pre26
        2.10.1 > 02.08.01b
        02.08.01b < 4.77
        8.1.2.20050715-r1 < 20030215
        3.81 > 1.6d
        1.6d > 1.2.07.8
        1.2.07.8 < 1.2.12.04
        1.2.12.04 < 1.2.12.05
        1.07-r1 < 1.07.5
        1.07.5 > 1.07
        20061003 > 0.1_pre20060810
        0.1_pre20060810 < 0.1_pre20060817
        3.3.17 > 0.59s-r11
        0.20070118 < 0.20070207_rc1
        0.20070207_rc1 < 1.0
        2.3.30-r2 < 3.7_p1
        4.3_p2-r1 < 4.3_p2-r5
        4.5_p1-r1 > 4.5_p1
        0.9.8c-r1 < 0.9.8d
        2.2.3-r2 < 013
        013 < 014-r1
        0.1.23 < 5b-r9
        3.2.7 > 0.3.1_rc8
        5.7-r3 > 5.1_p4
        1.7 < 1.7b
        1.7b < 1.8.4-r3
        1.8.5 < 1.8.5_p2
        1.4.9-r2 < 2.9.11_pre20051101-r2
        2.9.11_pre20051101-r3 > 2.9.11_pre20051101
        2.9.11_pre20051101 < 2.9.11_pre20061021-r1
        0.40-r1 < 2.25b-r5
        0.9.28-r2 < 0.9.28.1
        0.9.28.1 < 087-r1
        104-r11 > 104-r9
        5.52-r1 > 1.2.5_rc2
        20040406-r1 > 2.12r-r4
        2.12r-r4 < 2.12r-r5
        7.0.17 < 7.0.174
        1.1.1-r3 > 0.3.4_pre20061029
        1.3-r0 < 1.3.1-r0
        1.3_pre1-r1 < 1.3.2
        1.0_p10-r0 > 1.0_p9-r0
        0.1.0_alpha_pre2 < 0.1.0_alpha
        1.0.0_pre20191002222144-r0 < 1.0.0_pre20210530193627-r0
        6.0_pre1 < 6.0
        6.1_pre1 < 6.1
        6.0_p1 > 6.0
        6.1_p1 > 6.1
        ",
    );
    assert_eq!(n, 111);
}

#[test]
fn suffix_order() {
    assert_chain(
        Apk,
        &[
            "1.0_alpha",
            "1.0_alpha1",
            "1.0_beta",
            "1.0_pre1",
            "1.0_rc1",
            "1.0_rc1-r1",
            "1.0",
            "1.0-r1",
            "1.0-r10",
            "1.0_cvs",
            "1.0_svn",
            "1.0_git20240101",
            "1.0_hg",
            "1.0_p1",
            "1.0_p1-r1",
            "1.0a",
            "1.0b",
            "1.0.1",
        ],
    );
}

#[test]
fn commit_hashes() {
    // A hash sits between the suffixes and the revision in the grammar and compares
    // as a string; as with the other parts, the version that still has one is newer.
    assert_valid(Apk, &["1.4~a3f91c", "1.0_git20240101~0123456789abcdef-r2"]);
    assert_chain(Apk, &["1.4", "1.4~a3f91c", "1.4~a3f91d", "1.4.1"]);
    assert_chain(Apk, &["1.4~a3f91c-r0", "1.4~a3f91c-r1"]);
}

#[test]
fn equalities() {
    assert_equal(Apk, &[&["1.0", "1.0"], &["01.0", "1.0"], &["1.0-r01", "1.0-r1"], &["1.0_p01", "1.0_p1"]]);
    // After a dot a leading zero means string comparison: not equal.
    assert_eq!(dockward_version::apk::compare("1.01", "1.1"), Ok(Ordering::Less));
    assert_eq!(dockward_version::apk::compare("1.0", "1.00"), Ok(Ordering::Less));
}

#[test]
fn invalid_versions() {
    assert_invalid(
        Apk,
        &[
            "",
            "1.0bc",
            "23_foo",
            "1.2-3",
            "a1",
            "v1.0",
            "1.0_",
            "1.0_Alpha",
            "1.0_alphax",
            "1.0-r",
            "1.0-r1-r2",
            "1.0~",
            "1.0~XYZ",
            "1.0.",
            "1..0",
            ".1",
            "1.0b2",
            "1.0 ",
            "1.0-r1_p1",
            "1.0~abc_p1",
            "1.0-r1~abc",
            "1.0A",
            "1.0+1",
        ],
    );
    let err = Version::parse("1.0_foo").unwrap_err();
    assert!(err.reason.contains("foo"), "{err}");
}

#[test]
fn lenient_comparison_orders_invalid_versions_as_apk() {
    // version.data lines that involve invalid versions.
    assert_eq!(compare_lenient("23_foo", "4_beta"), Ordering::Greater);
    assert_eq!(compare_lenient("1.0", "1.0bc"), Ordering::Less);
    assert_eq!(compare_lenient("1.0bc", "1.0"), Ordering::Greater);
    assert_eq!(compare_lenient("2.34", "0.1.0_alpha"), Ordering::Greater);
    assert_eq!(compare_lenient("", ""), Ordering::Equal);
}

#[test]
fn lenient_invalid_token_sorts_below_the_end() {
    assert_eq!(compare_lenient("1.0_foo", "1.0"), Ordering::Less);
    assert_eq!(compare_lenient("1.0", "1.0_foo"), Ordering::Greater);
}
