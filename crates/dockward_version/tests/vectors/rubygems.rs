//! RubyGems: test/rubygems/test_gem_version.rb (spaceship, equality, semver,
//! prerelease and invalid-version tests).

use dockward_version::rubygems::Version;
use dockward_version::Scheme::RubyGems;

use crate::{assert_chain, assert_equal, assert_invalid, assert_relations};

#[test]
fn spaceship() {
    let n = assert_relations(
        RubyGems,
        "
        1.0 = 1.0.0
        1.0 > 1.0.a
        1.8.2 > 0.0.0
        1.8.2 > 1.8.2.a
        1.8.2.b > 1.8.2.a
        1.8.2.a < 1.8.2
        1.8.2.a10 > 1.8.2.a9
        0.beta.1 = 0.0.beta.1
        0.0.beta < 0.0.beta.1
        0.0.beta < 0.beta.1
        5.a < 5.0.0.rc2
        5.x > 5.0.0.rc2
        1.9.3 = 1.9.3
        1.9.3 > 1.9.2.99
        1.9.3 < 1.9.3.1
        ",
    );
    assert_eq!(n, 15);
}

#[test]
fn semver_style_prereleases() {
    // test_semver: "-" reads as ".pre.".
    assert_chain(RubyGems, &["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"]);
    assert_chain(RubyGems, &["1.0.0-rc1", "1.0.0"]);
    assert_chain(RubyGems, &["1.0.0-1", "1"]);
}

#[test]
fn equalities() {
    assert_equal(
        RubyGems,
        &[
            &["1.2", "1.2.0", "1.2.0.0"],
            &["1.2.b1", "1.2.b.1", "1.2.0.b1", "1.2.b1.0"],
            &["1.0", "1.0 ", " 1.0 ", "1.0\n", "\n1.0\n", "1"],
            &["1.0.0-rc1", "1.0.0.pre.rc1", "1.0.0.pre.rc.1"],
            &["01.002", "1.2"],
        ],
    );
}

#[test]
fn everyday_versions() {
    assert_chain(
        RubyGems,
        &["6.1.7.3", "6.1.7.4", "7.0.0.alpha2", "7.0.0.rc1", "7.0.0", "7.0.4.3", "7.0.8", "7.1.3.4", "10.0"],
    );
}

#[test]
fn prerelease() {
    for yes in ["1.2.0.a", "2.9.b", "22.1.50.0.d", "1.2.d.42", "1.A", "1-1", "1-a"] {
        assert!(Version::parse(yes).unwrap().is_prerelease(), "{yes}");
    }
    for no in ["1.2.0", "2.9", "22.1.50.0"] {
        assert!(!Version::parse(no).unwrap().is_prerelease(), "{no}");
    }
}

#[test]
fn invalid_versions() {
    assert_invalid(
        RubyGems,
        &[
            "junk",
            "1.0\n2.0",
            "1..2",
            "1.2 3.4",
            // CVE-2013-4287: the pattern must not backtrack forever; it is invalid.
            "2.3422222.222.222222222.22222.ads0as.dasd0.ddd2222.2.qd3e.",
            "",
            "   ",
            "1a",
            "a.1",
            "1.",
            ".1",
            "1-",
            "1.0-",
            "1.0-rc.",
            "1_0",
            "1.0+build",
            "v1.0",
            "1.é",
        ],
    );
}
