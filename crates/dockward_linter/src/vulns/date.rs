//! Calendar dates (proleptic Gregorian, UTC) for lifecycles, ignore expiries and
//! database ages, without a date crate.

use std::fmt;

use dockward_vulndb::time::{civil_from_days, days_from_civil, unix_seconds};

/// A day, counted from 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i64,
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    /// A valid date, or `None` (`2026-02-30`).
    pub fn new(year: i64, month: u32, day: u32) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then(|| Date { days: days_from_civil(year, i64::from(month), i64::from(day)) })
    }

    /// `YYYY-MM-DD`, exactly.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse::<i64>().ok()).flatten();
        let (y, m, d) = (digits(&text[..4])?, digits(&text[5..7])?, digits(&text[8..])?);
        Date::new(y, u32::try_from(m).ok()?, u32::try_from(d).ok()?)
    }

    /// The UTC day of a Unix time.
    pub fn from_unix(secs: i64) -> Date {
        Date { days: secs.div_euclid(86_400) }
    }

    /// Today, UTC.
    pub fn today() -> Date {
        Date::from_unix(now_unix())
    }

    /// Midnight UTC at the start of the day, as a Unix time.
    pub fn unix(self) -> i64 {
        self.days * 86_400
    }

    /// Days from `earlier` to `self` (negative if `earlier` is later).
    pub fn days_since(self, earlier: Date) -> i64 {
        self.days - earlier.days
    }

    pub fn ymd(self) -> (i64, u32, u32) {
        let (y, m, d) = civil_from_days(self.days);
        // Month 1-12 and day 1-31 by construction.
        (y, m as u32, d as u32)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// The current Unix time in seconds (0 if the clock is before 1970).
pub fn now_unix() -> i64 {
    unix_seconds(std::time::SystemTime::now()).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_formats_and_counts() {
        let d = Date::parse("2027-01-31").unwrap();
        assert_eq!(d.to_string(), "2027-01-31");
        assert_eq!(Date::parse("1970-01-01").unwrap().unix(), 0);
        assert_eq!(Date::parse("2024-03-01").unwrap().days_since(Date::parse("2024-02-28").unwrap()), 2);
        assert_eq!(Date::from_unix(1_798_761_599).to_string(), "2026-12-31");
        assert_eq!(Date::from_unix(-1).to_string(), "1969-12-31");
        for bad in ["2027-02-29", "2027-13-01", "2027-1-01", "27-01-01", "2027/01/01", "2027-01-00", "", "2027-01-3a"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2028-02-29").is_some());
        assert!(Date::parse("2026-12-04").unwrap() < Date::parse("2027-01-01").unwrap());
    }
}
