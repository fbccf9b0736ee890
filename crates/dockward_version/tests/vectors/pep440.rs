//! PEP 440: the ordered VERSIONS list and the normalisation and invalid-version
//! tables of packaging's tests/test_version.py, and the PEP's own examples.

use dockward_version::pep440::Version;
use dockward_version::Scheme::Pep440;

use crate::{assert_chain, assert_equal, assert_invalid, assert_relations};

const VERSIONS: [&str; 27] = [
    "1.0.dev456",
    "1.0a1",
    "1.0a2.dev456",
    "1.0a12.dev456",
    "1.0a12",
    "1.0b1.dev456",
    "1.0b2",
    "1.0b2.post345.dev456",
    "1.0b2.post345",
    "1.0b2-346",
    "1.0c1.dev456",
    "1.0c1",
    "1.0rc2",
    "1.0c3",
    "1.0",
    "1.0.post456.dev34",
    "1.0.post456",
    "1.1.dev1",
    "1.2+123abc",
    "1.2+123abc456",
    "1.2+abc",
    "1.2+abc123",
    "1.2+abc123def",
    "1.2+1234.abc",
    "1.2+123456",
    "1.2.r32+123456",
    "1.2.rev33+123456",
];

#[test]
fn packaging_versions_in_order() {
    // The implicit epoch 0, then the same list with epoch 1, all in one chain.
    let with_epoch: Vec<String> = VERSIONS.iter().map(|v| format!("1!{v}")).collect();
    let mut chain: Vec<&str> = VERSIONS.to_vec();
    chain.extend(with_epoch.iter().map(String::as_str));
    assert_chain(Pep440, &chain);
}

#[test]
fn the_task_ordering() {
    assert_chain(Pep440, &["1.0.dev1", "1.0a1.dev1", "1.0a1", "1.0", "1.0+local", "1.0.post1.dev1", "1.0.post1"]);
    assert_chain(Pep440, &["0.9", "1.0rc1", "1.0", "1.0.1", "1.1.dev0", "1.1", "2!0.1"]);
    let n = assert_relations(
        Pep440,
        "
        1.0.dev0 < 1.0a0
        1.2a3.dev4 < 1.2a3.dev5
        1.2b3.DEV4 < 1.2b3.dev5
        1.2a3.dev4 < 1.2b3.dev4
        1.2.post3.dev4 > 1.2b3.dev4
        2.0.0a1 < 2.0.0rc1
        0.9.alpha < 1.0
        0.9.rev < 1.0
        1.0.0+local.0 < 1.0.0+local.0.1
        1.0.0+local.a < 1.0.0+local.1
        1!1.0 < 2!1.0
        1.0-1 < 1.0-2
        1.36.0rc1 > 1.35.0
        1.0+9 < 1.0+10
        1.0+a < 1.0+B1
        1.0.99999999999999999999999999 < 1.0.100000000000000000000000000
        ",
    );
    assert_eq!(n, 16);
}

#[test]
fn normalisation() {
    // (input, normalised form) from packaging's test_normalized_versions.
    let cases = [
        ("1.0dev", "1.0.dev0"),
        ("1.0.dev", "1.0.dev0"),
        ("1.0dev1", "1.0.dev1"),
        ("1.0-dev", "1.0.dev0"),
        ("1.0-dev1", "1.0.dev1"),
        ("1.0DEV", "1.0.dev0"),
        ("1.0.DEV", "1.0.dev0"),
        ("1.0DEV1", "1.0.dev1"),
        ("1.0.DEV1", "1.0.dev1"),
        ("1.0-DEV", "1.0.dev0"),
        ("1.0-DEV1", "1.0.dev1"),
        ("1.0a", "1.0a0"),
        ("1.0.a", "1.0a0"),
        ("1.0.a1", "1.0a1"),
        ("1.0-a", "1.0a0"),
        ("1.0-a1", "1.0a1"),
        ("1.0alpha", "1.0a0"),
        ("1.0.alpha", "1.0a0"),
        ("1.0.alpha1", "1.0a1"),
        ("1.0-alpha", "1.0a0"),
        ("1.0-alpha1", "1.0a1"),
        ("1.0A", "1.0a0"),
        ("1.0.A", "1.0a0"),
        ("1.0.A1", "1.0a1"),
        ("1.0-A", "1.0a0"),
        ("1.0-A1", "1.0a1"),
        ("1.0ALPHA", "1.0a0"),
        ("1.0b", "1.0b0"),
        ("1.0.b1", "1.0b1"),
        ("1.0beta", "1.0b0"),
        ("1.0-beta1", "1.0b1"),
        ("1.0B", "1.0b0"),
        ("1.0BETA1", "1.0b1"),
        ("1.0c", "1.0rc0"),
        ("1.0.c", "1.0rc0"),
        ("1.0c1", "1.0rc1"),
        ("1.0.c1", "1.0rc1"),
        ("1.0-c", "1.0rc0"),
        ("1.0-c1", "1.0rc1"),
        ("1.0rc", "1.0rc0"),
        ("1.0.rc", "1.0rc0"),
        ("1.0-rc1", "1.0rc1"),
        ("1.0C", "1.0rc0"),
        ("1.0RC1", "1.0rc1"),
        ("1.0pre", "1.0rc0"),
        ("1.0.pre1", "1.0rc1"),
        ("1.0-PRE", "1.0rc0"),
        ("1.0preview", "1.0rc0"),
        ("1.0.preview1", "1.0rc1"),
        ("1.0-PREVIEW1", "1.0rc1"),
        ("1.0post", "1.0.post0"),
        ("1.0.post", "1.0.post0"),
        ("1.0post1", "1.0.post1"),
        ("1.0.post1", "1.0.post1"),
        ("1.0-post", "1.0.post0"),
        ("1.0-post1", "1.0.post1"),
        ("1.0POST", "1.0.post0"),
        ("1.0.POST1", "1.0.post1"),
        ("1.0r", "1.0.post0"),
        ("1.0rev", "1.0.post0"),
        ("1.0.r1", "1.0.post1"),
        ("1.0-rev1", "1.0.post1"),
        ("1.0-R1", "1.0.post1"),
        ("1.0-REV", "1.0.post0"),
        ("1.0-1", "1.0.post1"),
        ("1.0+AbC", "1.0+abc"),
        ("1.01", "1.1"),
        ("1.0a05", "1.0a5"),
        ("1.0b07", "1.0b7"),
        ("1.0c056", "1.0rc56"),
        ("1.0rc09", "1.0rc9"),
        ("1.0.post000", "1.0.post0"),
        ("1.1.dev09000", "1.1.dev9000"),
        ("00!1.2", "1.2"),
        ("0100!0.0", "100!0.0"),
        ("v1.0", "1.0"),
        ("   v1.0\t\n", "1.0"),
    ];
    for (input, want) in cases {
        let v = Version::parse(input).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.to_string(), want, "{input}");
        assert_eq!(v, Version::parse(want).unwrap(), "{input}");
    }
    assert_eq!(cases.len(), 77);
}

#[test]
fn equalities() {
    assert_equal(
        Pep440,
        &[
            &["1.0", "1.0.0", "1.0.0.0", "V1.0", "1", "0!1.0", " 1.0 "],
            &["1.0a1", "1.0.a1", "1.0-a1", "1.0_a1", "1.0alpha1", "1.0ALPHA1", "1.0a.1", "1.0a-1", "1.0a_1"],
            &["1.0rc1", "1.0c1", "1.0pre1", "1.0preview1", "1.0-rc-1"],
            &["1.0.post1", "1.0-1", "1.0post1", "1.0r1", "1.0rev1", "1.0-post-1", "1.0_post_1"],
            &["1.0+ubuntu-1", "1.0+ubuntu.1", "1.0+ubuntu_1", "1.0+UBUNTU.1", "1.0+ubuntu.01"],
        ],
    );
}

#[test]
fn invalid_versions() {
    assert_invalid(
        Pep440,
        &[
            // packaging's test_invalid_versions
            "french toast",
            "1.0+a+",
            "1.0++",
            "1.0+_foobar",
            "1.0+foo&asd",
            "1.0+1+1",
            // legacy versions PyPI still holds
            "2004d",
            "1.0-SNAPSHOT",
            "0.1-bulbasaur",
            "-class.-jw.util.version.version-pre",
            // and the obvious
            "",
            "   ",
            "v",
            "1.0.",
            "1.0-",
            "1.0+",
            "1!",
            "!1.0",
            "1.0a1a",
            "1.0.dev1.post1",
            "1.0 1",
            "1.0½",
            "١.٠",
        ],
    );
}
