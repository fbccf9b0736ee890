//! rpm: tests/rpmvercmp.at (every RPMVERCMP line, as facts), and EVR comparison.

use std::cmp::Ordering;

use dockward_version::rpm::{parse_evr, rpmvercmp};
use dockward_version::Scheme::Rpm;

use crate::{assert_chain, assert_equal, assert_invalid, assert_relations};

/// `a b expected`, where expected is rpmvercmp's -1, 0 or 1.
const RPMVERCMP_AT: &str = "
1.0 1.0 0
1.0 2.0 -1
2.0 1.0 1
2.0.1 2.0.1 0
2.0 2.0.1 -1
2.0.1 2.0 1
2.0.1a 2.0.1a 0
2.0.1a 2.0.1 1
2.0.1 2.0.1a -1
5.5p1 5.5p1 0
5.5p1 5.5p2 -1
5.5p2 5.5p1 1
5.5p10 5.5p10 0
5.5p1 5.5p10 -1
5.5p10 5.5p1 1
10xyz 10.1xyz -1
10.1xyz 10xyz 1
xyz10 xyz10 0
xyz10 xyz10.1 -1
xyz10.1 xyz10 1
xyz.4 xyz.4 0
xyz.4 8 -1
8 xyz.4 1
xyz.4 2 -1
2 xyz.4 1
5.5p2 5.6p1 -1
5.6p1 5.5p2 1
5.6p1 6.5p1 -1
6.5p1 5.6p1 1
6.0.rc1 6.0 1
6.0 6.0.rc1 -1
10b2 10a1 1
10a2 10b2 -1
1.0aa 1.0aa 0
1.0a 1.0aa -1
1.0aa 1.0a 1
10.0001 10.0001 0
10.0001 10.1 0
10.1 10.0001 0
10.0001 10.0039 -1
10.0039 10.0001 1
4.999.9 5.0 -1
5.0 4.999.9 1
20101121 20101121 0
20101121 20101122 -1
20101122 20101121 1
2_0 2_0 0
2.0 2_0 0
2_0 2.0 0
a a 0
a+ a+ 0
a+ a_ 0
a_ a+ 0
+a +a 0
+a _a 0
_a +a 0
+_ +_ 0
_+ +_ 0
_+ _+ 0
+ _ 0
_ + 0
1.0~rc1 1.0~rc1 0
1.0~rc1 1.0 -1
1.0 1.0~rc1 1
1.0~rc1 1.0~rc2 -1
1.0~rc2 1.0~rc1 1
1.0~rc1~git123 1.0~rc1~git123 0
1.0~rc1~git123 1.0~rc1 -1
1.0~rc1 1.0~rc1~git123 1
1.0^ 1.0^ 0
1.0^ 1.0 1
1.0 1.0^ -1
1.0^git1 1.0^git1 0
1.0^git1 1.0 1
1.0 1.0^git1 -1
1.0^git1 1.0^git2 -1
1.0^git2 1.0^git1 1
1.0^git1 1.01 -1
1.01 1.0^git1 1
1.0^20160101 1.0^20160101 0
1.0^20160101 1.0.1 -1
1.0.1 1.0^20160101 1
1.0^20160101^git1 1.0^20160101^git1 0
1.0^20160102 1.0^20160101^git1 1
1.0^20160101^git1 1.0^20160102 -1
1.0~rc1^git1 1.0~rc1^git1 0
1.0~rc1^git1 1.0~rc1 1
1.0~rc1 1.0~rc1^git1 -1
1.0^git1~pre 1.0^git1~pre 0
1.0^git1 1.0^git1~pre 1
1.0^git1~pre 1.0^git1 -1
1b.fc17 1b.fc17 0
1b.fc17 1.fc17 -1
1.fc17 1b.fc17 1
1g.fc17 1g.fc17 0
1g.fc17 1.fc17 1
1.fc17 1g.fc17 -1
1.1.α 1.1.α 0
1.1.α 1.1.β 0
1.1.β 1.1.α 0
1.1.αα 1.1.α 0
1.1.α 1.1.ββ 0
1.1.ββ 1.1.αα 0
";

#[test]
fn rpmvercmp_at() {
    let mut checked = 0;
    for line in RPMVERCMP_AT.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [a, b, want] = fields[..] else { panic!("{line}") };
        let want = match want {
            "-1" => Ordering::Less,
            "0" => Ordering::Equal,
            _ => Ordering::Greater,
        };
        assert_eq!(rpmvercmp(a, b), want, "rpmvercmp({a}, {b})");
        checked += 1;
    }
    assert_eq!(checked, 103);
}

#[test]
fn evr_order() {
    assert_chain(
        Rpm,
        &[
            "0.9-1",
            "1.0~rc1-1",
            "1.0",
            "1.0-1",
            "1.0-1.el9",
            "1.0-1.el9_2.1",
            "1.0-2.el9",
            "1.0^git1-1",
            "1.0.1-1",
            "1:0.1-1",
            "2:0.0.1-1",
        ],
    );
    let n = assert_relations(
        Rpm,
        "
        1:1.0-1 > 2.0-1
        0:1.0-1 = 1.0-1
        3.0.7-24.el9 < 3.0.7-27.el9
        1:1.1.1k-7.el8_6 < 1:1.1.1k-12.el8_9
        2.28-225.el9_2.1 > 2.28-225.el9
        4.18.0-513.5.1.el8_9 > 4.18.0-513.el8
        7.76.1-26.el9_3.2 < 7.76.1-26.el9_3.3
        0:2.9.13-3.el9_2.1 = 2.9.13-3.el9_2.1
        1.0-1.fc39 < 1.0-1.fc40
        18446744073709551616:1.0 > 18446744073709551615:9.0
        ",
    );
    assert_eq!(n, 10);
    assert_equal(Rpm, &[&["1.0-1", "0:1.0-1", "00:1.0-1", ":1.0-1", "1_0-1"]]);
}

#[test]
fn evr_parts() {
    let evr = parse_evr("1:2.3-4").unwrap();
    assert_eq!((evr.epoch(), evr.version(), evr.release()), (Some("1"), "2.3", Some("4")));
    let evr = parse_evr("0:1.2.3-4.el9_1").unwrap();
    assert_eq!((evr.epoch(), evr.version(), evr.release()), (Some("0"), "1.2.3", Some("4.el9_1")));
}

#[test]
fn invalid_versions() {
    assert_invalid(Rpm, &["", "1.0-", "1:", ":", "1:-1", "-1", "1.0 1", "1.0\t", " 1.0", "1.0-1\n"]);
}
