//! The times commands use: now, today in China Standard Time, and `--at`.

use time::{Duration, OffsetDateTime};

use crate::error::CliError;
use elicense::license_day;

/// Now, in whole seconds (certificates, lists and attestations carry whole seconds).
pub fn now_whole_seconds() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    // Nanosecond 0 is always in range, so this never falls back.
    now.replace_nanosecond(0).unwrap_or(now)
}

/// Today in China Standard Time.
pub fn today() -> elicense::Date {
    license_day(OffsetDateTime::now_utc())
}

/// The verification time: `--at` (RFC 3339) when given, else now.
pub fn verification_time(at: Option<&str>) -> Result<OffsetDateTime, CliError> {
    match at {
        None => Ok(OffsetDateTime::now_utc()),
        Some(t) => OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
            .map_err(|e| CliError::Usage(format!("--at {t:?} is not an RFC 3339 time: {e}"))),
    }
}

/// RFC 5280's "no well-defined expiration date", 9999-12-31T23:59:59Z: the latest end a
/// certificate can have.
pub const NO_EXPIRY: OffsetDateTime = time::macros::datetime!(9999-12-31 23:59:59 UTC);

/// `t` plus `days` days, at most [`NO_EXPIRY`] (`--years 65535` or `--days 4294967295` would
/// otherwise leave the representable range).
pub fn days_after(t: OffsetDateTime, days: i64) -> OffsetDateTime {
    days.checked_mul(86_400)
        .map(Duration::seconds)
        .and_then(|d| t.checked_add(d))
        .map_or(NO_EXPIRY, |end| end.min(NO_EXPIRY))
}

/// `t` in RFC 3339 (as `--at` takes it).
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_ends_stop_at_the_last_instant() {
        let now = time::macros::datetime!(2025-06-01 10:00 UTC);
        assert_eq!(
            days_after(now, 1),
            time::macros::datetime!(2025-06-02 10:00 UTC)
        );
        assert_eq!(days_after(now, i64::from(u32::MAX)), NO_EXPIRY);
        assert_eq!(days_after(now, 365 * 65_535 + 65_535 / 4), NO_EXPIRY);
        assert_eq!(days_after(now, i64::MAX), NO_EXPIRY);
    }
}
