//! The times commands use: now, today in China Standard Time, and `--at`.

use time::OffsetDateTime;

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
