//! Maven: maven-artifact's ComparableVersionTest (the Maven 3.9 version of its
//! tables and regression tests), and the examples of the POM reference that Maven's
//! implementation agrees with.

use dockward_version::maven::Version;
use dockward_version::Scheme::Maven;

use crate::{assert_chain, assert_equal, assert_invalid, assert_relations};

#[test]
fn versions_qualifier() {
    assert_chain(
        Maven,
        &[
            "1-alpha2snapshot",
            "1-alpha2",
            "1-alpha-123",
            "1-beta-2",
            "1-beta123",
            "1-m2",
            "1-m11",
            "1-rc",
            "1-cr2",
            "1-rc123",
            "1-SNAPSHOT",
            "1",
            "1-sp",
            "1-sp2",
            "1-sp123",
            "1-abc",
            "1-def",
            "1-pom-1",
            "1-1-snapshot",
            "1-1",
            "1-2",
            "1-123",
        ],
    );
}

#[test]
fn versions_number() {
    assert_chain(
        Maven,
        &[
            "2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1", "2.1.0.1", "2.2",
            "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11", "11", "11.a", "11b", "11c", "11m",
        ],
    );
}

#[test]
fn versions_equal() {
    assert_equal(
        Maven,
        &[
            &["1", "1.0", "1.0.0", "1-0", "1.0-0"],
            // no separator between number and character
            &["1a", "1-a", "1.0-a", "1.0.0-a", "1.0a", "1.0.0a"],
            &["1x", "1-x", "1.0-x", "1.0.0-x", "1.0x", "1.0.0x"],
            // aliases
            &["1ga", "1release", "1final", "1"],
            &["1cr", "1rc"],
            // special "aliases" a, b and m for alpha, beta and milestone
            &["1a1", "1-alpha-1"],
            &["1b2", "1-beta-2"],
            &["1m3", "1-milestone-3"],
            // case insensitive
            &["1X", "1x"],
            &["1A", "1a"],
            &["1B", "1b"],
            &["1M", "1m"],
            &["1", "1Ga", "1GA", "1RELEASE", "1release", "1RELeaSE", "1Final", "1FinaL", "1FINAL"],
            &["1Cr", "1Rc", "1cR", "1rC"],
            &["1m3", "1Milestone3", "1MileStone3", "1MILESTONE3"],
            // testLocaleIndependent
            &["1-abcdefghijklmnopqrstuvwxyz", "1-ABCDEFGHIJKLMNOPQRSTUVWXYZ"],
        ],
    );
}

#[test]
fn version_comparing() {
    let n = assert_relations(
        Maven,
        "
        1 < 2
        1.5 < 2
        1 < 2.5
        1.0 < 1.1
        1.1 < 1.2
        1.0.0 < 1.1
        1.0.1 < 1.1
        1.1 < 1.2.0
        1.0-alpha-1 < 1.0
        1.0-alpha-1 < 1.0-alpha-2
        1.0-alpha-1 < 1.0-beta-1
        1.0-beta-1 < 1.0-SNAPSHOT
        1.0-SNAPSHOT < 1.0
        1.0-alpha-1-SNAPSHOT < 1.0-alpha-1
        1.0 < 1.0-1
        1.0-1 < 1.0-2
        1.0.0 < 1.0-1
        2.0-1 < 2.0.1
        2.0.1-klm < 2.0.1-lmn
        2.0.1 < 2.0.1-xyz
        2.0.1 < 2.0.1-123
        2.0.1-xyz < 2.0.1-123
        # testLeadingZeroes
        0.7 < 2
        0.2 < 1.0.7
        # MNG-5568: transitivity with 'H' in the middle
        6.1.0rc3 < 6.1.0
        6.1.0rc3 < 6.1H.5-beta
        6.1.0 < 6.1H.5-beta
        # MNG-6572: numbers past int and long
        20190126.230843 < 1234567890.12345
        1234567890.12345 < 123456789012345.1H.5-beta
        20190126.230843 < 123456789012345.1H.5-beta
        123456789012345.1H.5-beta < 12345678901234567890.1H.5-beta
        1234567890.12345 < 12345678901234567890.1H.5-beta
        20190126.230843 < 12345678901234567890.1H.5-beta
        # MNG-6964: qualifiers after -0.
        1-0.alpha < 1
        1-0.beta < 1
        1-0.alpha < 1-0.beta
        # MNG-7714: final before sp
        1.0.final-redhat < 1.0-sp1-redhat
        1.0.final-redhat < 1.0-sp-1-redhat
        1.0.final-redhat < 1.0-sp.1-redhat
        ",
    );
    assert_eq!(n, 39);
}

#[test]
fn mng_7644_dot_qualifiers() {
    for x in ["abc", "alpha", "a", "beta", "b", "def", "milestone", "m", "RC"] {
        // 1.0.0.X1 < 1.0.0-X2 for any string X
        assert_chain(Maven, &[&format!("1.0.0.{x}1"), &format!("1.0.0-{x}2")]);
        // 2.0.X == 2-X == 2.0.0.X for any string X
        assert_equal(Maven, &[&[&format!("2-{x}"), &format!("2.0.{x}"), &format!("2.0.0.{x}")]]);
    }
}

#[test]
fn leading_zeroes() {
    // testVersionEqualWithLeadingZeroes and testVersionZeroEqualWithLeadingZeroes.
    let ones: Vec<String> = (0..19).map(|zeros| format!("{}1", "0".repeat(zeros))).collect();
    let zeros: Vec<String> = (1..20).map(|n| "0".repeat(n)).collect();
    let ones: Vec<&str> = ones.iter().map(String::as_str).collect();
    let zeros: Vec<&str> = zeros.iter().map(String::as_str).collect();
    assert_equal(Maven, &[&ones, &zeros]);
    assert_equal(Maven, &[&["1.1", "1.01"], &["1", "01", "001"]]);
}

#[test]
fn pom_reference_examples() {
    // The examples of the POM reference's "Version Order Specification" that Maven's
    // implementation agrees with.
    assert_chain(Maven, &["1", "1.1"]);
    assert_chain(Maven, &["1-snapshot", "1", "1-sp"]);
    assert_chain(Maven, &["1-foo2", "1-foo10"]);
    assert_chain(Maven, &["1.foo", "1-1", "1.1"]);
    assert_chain(Maven, &["1-ga", "1-sp"]);
    assert_chain(Maven, &["1-ga.1", "1-sp.1"]);
    assert_equal(
        Maven,
        &[
            &["1.foo", "1-foo"],
            &["1.ga", "1-ga", "1-0", "1.0", "1", "1.final", "1.", "1-"],
            &["1-foo", "1.0.0-foo.0.0"],
            &["1", "1.0.0-0.0.0"],
            &["1-1.foo-bar-1-baz-0.1", "1-1.foo-bar1baz-.1"],
            &["1-a1", "1-alpha-1"],
            &["1-rc", "1cr"],
            &["1-beta-1", "1b1"],
            &["1-c-1", "1c1"],
            &["1-milestone-1", "1m1"],
            // google/osv.dev#1021
            &["0.0.0", "0.0", "0"],
            &["0.0.0-0.0.0", "0-final-ga", "0"],
        ],
    );
    assert_chain(Maven, &["0", "1"]);
    assert_chain(Maven, &["0.0.0-2021-05-17T01-01-51-5ec03a8b", "20.0.0"]);
    // The reference says 1-sp-1 < 1-ga-1 == 1-1; Maven keeps `ga` as a qualifier
    // that sorts like the release, so its order, followed here, is this.
    assert_chain(Maven, &["1-ga-1", "1-sp-1", "1-1"]);
}

#[test]
fn everyday_versions() {
    assert_chain(
        Maven,
        &[
            "2.13.4",
            "2.13.4.1",
            "2.13.4.2",
            "2.13.5",
            "2.14.0-rc1",
            "2.14.0-rc2",
            "2.14.0",
            "5.3.0.M1",
            "5.3.0.RC1",
            "5.3.0.RELEASE",
            "5.3.0.SEC01",
            "5.3.1",
            "6.0.0-M1",
            "6.0.0",
            "9.4.51.v20230217",
            "9.4.52.v20230823",
            "31.1-android",
            "31.1-jre",
            "32.0.0-android",
        ],
    );
    assert!(Version::parse("5.3.0.RC1").unwrap().is_prerelease());
}

#[test]
fn invalid_versions() {
    // Maven orders any string; only the empty one is refused.
    assert_invalid(Maven, &[""]);
}

#[test]
fn maven_intransitive_corner_is_made_total() {
    // Maven itself says 1-foo < 1-0.alpha (a qualifier is below any list), with
    // 1-0.alpha < 1 < 1-foo: a cycle. Here the list and the qualifier compare as
    // they compare with "nothing" in exactly that case.
    assert_chain(Maven, &["1-0.alpha", "1", "1-foo"]);
    assert_chain(Maven, &["1-0.alpha", "1-ga", "1-sp"]);
    // Outside it, Maven's rule stands: a qualifier below a list.
    assert_chain(Maven, &["1-alpha", "1-0.beta"]);
    assert_chain(Maven, &["1-sp", "1-0.1"]);
}
