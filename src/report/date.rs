//! The report's date: the one value in a report that may differ between two
//! identical runs.
//!
//! It is read once, in `write_run`, and passed to the pure renderers. When
//! `SOURCE_DATE_EPOCH` is set (the reproducible-builds convention), that
//! time is used instead of the clock, so regenerated reports and galleries
//! can be byte-identical.

use std::time::{SystemTime, UNIX_EPOCH};

/// Today's date in UTC, "YYYY-MM-DD" (or `SOURCE_DATE_EPOCH`'s).
pub fn today() -> String {
    let from_env = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok());
    let seconds = from_env.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    });
    civil_date(seconds)
}

/// The UTC calendar date of a Unix time (proleptic Gregorian).
pub fn civil_date(unix_seconds: i64) -> String {
    // Days from 1970-01-01, then the usual days-to-civil conversion over
    // 400-year eras (146,097 days each), with years starting in March.
    let z = unix_seconds.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(951_782_400), "2000-02-29");
        assert_eq!(civil_date(1_767_225_599), "2025-12-31");
        assert_eq!(civil_date(1_767_225_600), "2026-01-01");
        assert_eq!(civil_date(-86_400), "1969-12-31");
    }
}
