//! Time in the format: license dates are calendar days in China Standard Time, carried as day
//! numbers since 1970-01-01; instants are whole seconds since the Unix epoch. Every conversion is
//! checked: no instant or day number, however extreme, makes one panic.

use time::{Date, Duration, OffsetDateTime, UtcOffset};

use serde_cbor::Value;

use crate::encoding::cbor::{self, FieldError, Key};
use crate::limits::{MAX_LIST_INTERVAL_SECONDS, MAX_YEAR, MIN_YEAR};

/// License dates are calendar days in China Standard Time (UTC+8): a license valid until
/// 2030-12-31 is valid until the end of that day in Beijing, wherever it is checked.
pub const LICENSE_UTC_OFFSET_HOURS: i8 = 8;

const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// China Standard Time.
pub(crate) fn cst() -> UtcOffset {
    UtcOffset::from_hms(LICENSE_UTC_OFFSET_HOURS, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// The calendar day in China Standard Time at instant `now`. An instant so late that its day in
/// UTC+8 would be past the last representable date (9999-12-31) gives that last date
/// (verification tells the two apart: a license valid until 9999-12-31 has expired then).
pub fn license_day(now: OffsetDateTime) -> Date {
    checked_license_day(now).unwrap_or(Date::MAX)
}

/// The calendar day in China Standard Time at instant `now`, or `None` when that day is after
/// the last representable date (in the last 8 hours of 9999-12-31 UTC).
pub(crate) fn checked_license_day(now: OffsetDateTime) -> Option<Date> {
    now.checked_to_offset(cst()).map(|t| t.date())
}

/// `t + d`, saturating at the first and last representable instants instead of panicking.
pub(crate) fn saturating_add(t: OffsetDateTime, d: Duration) -> OffsetDateTime {
    t.checked_add(d).unwrap_or(if d.is_negative() {
        Date::MIN.midnight().assume_utc()
    } else {
        Date::MAX.with_hms(23, 59, 59).map_or(t, |m| m.assume_utc())
    })
}

/// Days since 1970-01-01 (negative before).
pub(crate) fn date_to_days(date: Date) -> i32 {
    date.to_julian_day() - UNIX_EPOCH_JULIAN_DAY
}

/// The date `days` after 1970-01-01, if it lies in years [`MIN_YEAR`]..=[`MAX_YEAR`].
pub(crate) fn days_to_date(days: i128) -> Option<Date> {
    let jd = i32::try_from(days)
        .ok()
        .and_then(|d| d.checked_add(UNIX_EPOCH_JULIAN_DAY))?;
    Date::from_julian_day(jd).ok().filter(in_range)
}

/// Whether a date lies in years [`MIN_YEAR`]..=[`MAX_YEAR`].
pub(crate) fn in_range(date: &Date) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&date.year())
}

/// The instant `seconds` after the Unix epoch, if it lies in years [`MIN_YEAR`]..=[`MAX_YEAR`].
pub(crate) fn timestamp_from(seconds: i128) -> Option<OffsetDateTime> {
    i64::try_from(seconds)
        .ok()
        .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
        .filter(|t| in_range(&t.date()))
}

/// An instant as whole seconds since the Unix epoch (trust and status lists' issue times).
pub(crate) fn seconds(t: OffsetDateTime) -> Value {
    Value::Integer(t.unix_timestamp().into())
}

/// An instant in whole seconds since the Unix epoch: any instant `time` can represent.
pub(crate) fn instant_from(value: Value, key: Key) -> Result<OffsetDateTime, FieldError> {
    let n = cbor::int(value, key.name)?;
    i64::try_from(n)
        .ok()
        .and_then(|n| OffsetDateTime::from_unix_timestamp(n).ok())
        .ok_or(FieldError::OutOfRange {
            field: key.name,
            value: n,
        })
}

/// Whether a list issued at `issued_at` may declare `next_update` as its next update: later
/// than its issue, and at most [`MAX_LIST_INTERVAL_SECONDS`] after it.
pub(crate) fn next_update_acceptable(
    issued_at: OffsetDateTime,
    next_update: OffsetDateTime,
) -> bool {
    let interval = next_update - issued_at;
    interval > Duration::ZERO && interval <= Duration::seconds(MAX_LIST_INTERVAL_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_last_instants_do_not_panic() {
        let last = datetime!(9999-12-31 23:59:59 UTC);
        assert_eq!(license_day(last), Date::MAX);
        assert_eq!(checked_license_day(last), None);
        assert_eq!(
            checked_license_day(datetime!(9999-12-31 15:59:59 UTC)),
            Some(Date::MAX)
        );
        assert_eq!(saturating_add(last, Duration::minutes(5)), last);
        let first = datetime!(-9999-01-01 00:00 UTC);
        assert_eq!(saturating_add(first, Duration::minutes(-5)), first);
        assert_eq!(license_day(datetime!(2024-03-01 16:00 UTC)).day(), 2);
    }

    #[test]
    fn day_numbers_round_trip_and_refuse_out_of_range() {
        let d = time::macros::date!(2024 - 03 - 01);
        assert_eq!(days_to_date(date_to_days(d).into()), Some(d));
        assert_eq!(days_to_date(i128::MAX), None);
        assert_eq!(days_to_date(-800_000), None);
        assert_eq!(timestamp_from(i128::from(i64::MAX)), None);
    }
}
