//! Dates at the edges: a department certificate with RFC 5280's "no expiry" (notAfter
//! 99991231235959Z), attestation times and clocks near the first and last representable instants,
//! and day numbers at the ends of the format's range never make verification or the views panic,
//! and give the verdict an independent calculation in plain seconds predicts.

use std::sync::OnceLock;

use elicense::cert::{issue_department_certificate, issue_root_certificate};
use elicense::*;
use proptest::prelude::*;
use time::macros::datetime;
use time::{Date, Duration, Month, OffsetDateTime};

/// `9999-12-31T23:59:59Z`, RFC 5280 §4.1.2.5's "no well-defined expiration date".
const NO_EXPIRY: OffsetDateTime = datetime!(9999-12-31 23:59:59 UTC);
const SKEW: i64 = 300;

struct World {
    dept_key: SigningKey,
    org: OrgCode,
    root_der: Vec<u8>,
    dept_der: Vec<u8>,
    list: Vec<u8>,
}

fn org(first17: &str) -> OrgCode {
    OrgCode::with_check(first17).unwrap()
}

/// A root and one department whose certificate runs from `from` to [`NO_EXPIRY`], listed in a
/// trust list issued at 2025-01-01.
fn world(from: OffsetDateTime) -> World {
    let root_key = SigningKey::from_bytes(&[7; 32]);
    let dept_key = SigningKey::from_bytes(&[8; 32]);
    let root_req = CertRequest {
        name: "测试根CA".into(),
        org_code: org("11350000MB0000001"),
        not_before: datetime!(1950-01-01 0:00 UTC),
        not_after: NO_EXPIRY,
        serial: 1,
    };
    let root_der = issue_root_certificate(&root_key, &root_req).unwrap();
    let root = Certificate::parse(&root_der).unwrap();
    let org = org("11350100MB0312345");
    let req = CertRequest {
        name: "福州市市场监督管理局".into(),
        org_code: org.clone(),
        not_before: from,
        not_after: NO_EXPIRY,
        serial: 2,
    };
    let dept_der = issue_department_certificate(
        &root_key,
        &root,
        &dept_key.verifying_key().into(),
        &req,
        &["YYZZ".parse().unwrap()],
    )
    .unwrap();
    let dept = Certificate::parse(&dept_der).unwrap();
    let list = TrustList::new(
        &root,
        "测试根CA",
        1,
        datetime!(2025-01-01 0:00 UTC),
        datetime!(2025-03-01 0:00 UTC),
        &[dept],
        &[],
    )
    .unwrap()
    .sign(&root_key)
    .unwrap();
    World {
        dept_key,
        org,
        root_der,
        dept_der,
        list,
    }
}

impl World {
    fn store(&self) -> TrustStore {
        let mut store = TrustStore::new();
        store.add_root(&self.root_der).unwrap();
        store
            .load_trust_list(&self.list, datetime!(2025-06-01 0:00 UTC))
            .unwrap();
        store
    }

    fn license(&self, issued_on: Date, from: Date, until: Option<Date>) -> License {
        License {
            id: LicenseId::new("YYZZ".parse().unwrap(), self.org.clone(), 1).unwrap(),
            type_name: "营业执照".into(),
            issuer_name: "福州市市场监督管理局".into(),
            holder: Holder {
                name: "福州示例科技有限公司".into(),
                id: HolderId::Organisation(org("91350100MA8T2Q3X1")),
            },
            issued_on,
            validity: match until {
                Some(u) => Validity::until(from, u).unwrap(),
                None => Validity::perpetual(from),
            },
            fields: vec![],
            attachments: vec![],
            status_index: None,
            not_shown: vec![],
        }
    }

    fn attestation(&self, at: OffsetDateTime, file: FileDigest) -> Vec<u8> {
        Attestation {
            file,
            statement: Statement::MatchesOriginal,
            attested_at: at,
            officer_id: "A001".into(),
            officer_name: Some("王五".into()),
            media_type: Some("application/pdf".into()),
            file_name: Some("scan.pdf".into()),
            license: None,
        }
        .sign(&self.dept_key)
        .unwrap()
    }
}

fn no_expiry_world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| world(datetime!(1950-01-01 0:00 UTC)))
}

fn date(y: i32, m: Month, d: u8) -> Date {
    Date::from_calendar_date(y, m, d).unwrap()
}

fn file() -> FileDigest {
    FileDigest {
        sha256: [5; 32],
        size: 42,
    }
}

/// Every view of a verdict, built (and serialised) as a user interface would.
fn views(verdict: &Verdict) -> VerdictView {
    let view = VerdictView::new(verdict);
    serde_json::to_string(&view).unwrap();
    serde_json::to_string(&LicenseFileView::new(verdict, &file())).unwrap();
    if let Verdict::Valid(ok) = verdict {
        serde_json::to_string(&LicenseView::new(&ok.license, None)).unwrap();
    }
    view
}

#[test]
fn a_certificate_without_expiry_is_read_and_its_licenses_verify() {
    let w = no_expiry_world();
    let dept = Certificate::parse(&w.dept_der).unwrap();
    assert_eq!(dept.not_after(), NO_EXPIRY);
    let root = Certificate::parse(&w.root_der).unwrap();
    assert_eq!(root.not_after(), NO_EXPIRY);
    let list = TrustList::from_cbor(
        CoseSign1::parse_with_limit(&w.list, limits::MAX_TRUST_LIST_LEN)
            .unwrap()
            .payload(),
    )
    .unwrap();
    let view = CertificateView::new(&dept, &list);
    assert!(view.not_after.starts_with("9999-12-31"), "{view:?}");
    let store = w.store();
    let day = date(2025, Month::June, 1);
    let signed = w.license(day, day, None).sign(&w.dept_key).unwrap();
    let now = datetime!(2025-06-01 12:00 +8);
    let verdict = verify(Input::Bytes(&signed), &store, now);
    assert!(verdict.is_valid(), "{:?}", verdict.reason());
    assert!(views(&verdict).valid);
    // The last day the format can name: valid on it in Beijing, expired at the last instant
    // (08:00 on the day after, in Beijing), when a perpetual license is still valid.
    let last = date(9999, Month::December, 31);
    let signed = w.license(last, last, Some(last)).sign(&w.dept_key).unwrap();
    let verdict = verify(
        Input::Bytes(&signed),
        &store,
        NO_EXPIRY - Duration::hours(8),
    );
    assert!(verdict.is_valid(), "{:?}", verdict.reason());
    views(&verdict);
    let verdict = verify(Input::Bytes(&signed), &store, NO_EXPIRY);
    assert_eq!(verdict.reason().map(Reason::code), Some("expired"));
    views(&verdict);
    let signed = w.license(last, last, None).sign(&w.dept_key).unwrap();
    assert!(verify(Input::Bytes(&signed), &store, NO_EXPIRY).is_valid());
}

#[test]
fn a_certificate_from_the_first_year_to_the_last_is_read() {
    let w = world(datetime!(0001-01-01 0:00 UTC));
    let dept = Certificate::parse(&w.dept_der).unwrap();
    assert_eq!(dept.not_before(), datetime!(0001-01-01 0:00 UTC));
    let store = w.store();
    let first = date(1, Month::January, 1);
    let signed = w.license(first, first, None).sign(&w.dept_key).unwrap();
    let verdict = verify(Input::Bytes(&signed), &store, NO_EXPIRY);
    assert!(verdict.is_valid(), "{:?}", verdict.reason());
    views(&verdict);
}

#[test]
fn attestations_at_the_last_instant_are_checked_and_shown() {
    let w = no_expiry_world();
    let store = w.store();
    let signed = w.attestation(NO_EXPIRY, file());
    let verdict = verify_attachment(&file(), Input::Bytes(&signed), &store, NO_EXPIRY);
    assert!(
        matches!(verdict, AttachmentVerdict::Matches { .. }),
        "{verdict:?}"
    );
    let view = AttachmentVerdictView::new(&verdict, &file());
    assert_eq!(view.outcome, "match");
    assert!(view.attested_at.is_some(), "{view:?}");
    serde_json::to_string(&view).unwrap();
    // Checked a year earlier, it lies in the future.
    let verdict = verify_attachment(
        &file(),
        Input::Bytes(&signed),
        &store,
        NO_EXPIRY - Duration::days(365),
    );
    assert!(
        matches!(verdict, AttachmentVerdict::Invalid(_)),
        "{verdict:?}"
    );
    AttachmentVerdictView::new(&verdict, &file());
}

#[test]
fn attestation_times_outside_the_format_s_years_are_not_signed() {
    let w = no_expiry_world();
    let mut att = Attestation {
        file: file(),
        statement: Statement::CertifiedCopy,
        attested_at: datetime!(-0001-12-31 23:59:59 UTC),
        officer_id: "A001".into(),
        officer_name: None,
        media_type: None,
        file_name: None,
        license: None,
    };
    assert!(matches!(
        att.sign(&w.dept_key),
        Err(LicenseError::Field(FieldError::OutOfRange { .. }))
    ));
    att.attested_at = datetime!(0001-01-01 0:00 UTC);
    let signed = att.sign(&w.dept_key).unwrap();
    let verdict = verify_attachment(&file(), Input::Bytes(&signed), &w.store(), NO_EXPIRY);
    assert_eq!(
        verdict,
        AttachmentVerdict::Invalid(Reason::IssuedBeforeCertificate {
            issued_on: date(1, Month::January, 1),
            certificate_from: date(1950, Month::January, 1),
        })
    );
}

// --- property test: extreme instants and day numbers -----------------------------------------

fn first_second() -> i64 {
    Date::MIN.midnight().assume_utc().unix_timestamp()
}

fn last_second() -> i64 {
    NO_EXPIRY.unix_timestamp()
}

/// Unix seconds anywhere `time` can represent, mostly near the ends and near the epoch.
fn instant() -> impl Strategy<Value = i64> {
    let (lo, hi) = (first_second(), last_second());
    prop_oneof![
        lo..=hi,
        (hi - 3 * 86_400)..=hi,
        lo..=(lo + 3 * 86_400),
        -86_400i64..=86_400,
    ]
}

/// Unix seconds in years 1..=9999 (the attestation times the format allows), mostly near the
/// ends.
fn format_instant() -> impl Strategy<Value = i64> {
    let lo = date(1, Month::January, 1)
        .midnight()
        .assume_utc()
        .unix_timestamp();
    let hi = last_second();
    prop_oneof![lo..=hi, (hi - 3 * 86_400)..=hi, lo..=(lo + 3 * 86_400)]
}

/// A day number in years 1..=9999, mostly near the ends.
fn day_number() -> impl Strategy<Value = i64> {
    let lo = date_days(date(1, Month::January, 1));
    let hi = date_days(date(9999, Month::December, 31));
    prop_oneof![lo..=hi, (hi - 3)..=hi, lo..=(lo + 3)]
}

fn date_days(d: Date) -> i64 {
    i64::from(d.to_julian_day() - 2_440_588)
}

fn days_date(n: i64) -> Date {
    Date::from_julian_day(i32::try_from(n + 2_440_588).unwrap()).unwrap()
}

/// The day number in UTC+8 of the Unix second `t`, computed in plain integers: the oracle.
fn cst_day(t: i64) -> i64 {
    (t + 8 * 3600).div_euclid(86_400)
}

/// An offset the caller's clock may be in, applied when the instant allows it.
fn with_offset(t: i64, hours: i8) -> OffsetDateTime {
    let utc = OffsetDateTime::from_unix_timestamp(t).unwrap();
    time::UtcOffset::from_hms(hours, 0, 0)
        .ok()
        .and_then(|o| utc.checked_to_offset(o))
        .unwrap_or(utc)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn extreme_dates_give_the_predicted_verdict(
        now in instant(),
        offset in -12i8..=14,
        a in day_number(),
        b in day_number(),
        length in prop::option::of(prop_oneof![0i64..=3, 0i64..=4_000_000]),
        at in format_instant(),
    ) {
        let w = no_expiry_world();
        let store = w.store();
        let last = date_days(date(9999, Month::December, 31));
        let (day_issued, from) = (a.min(b), a.max(b));
        let until = length.map(|n| (from + n).min(last));
        let license = w.license(days_date(day_issued), days_date(from), until.map(days_date));
        let signed = license.sign(&w.dept_key).unwrap();
        let clock = with_offset(now, offset);
        // Loading the trust list (issued 2025-01-01 00:00 UTC) at that clock.
        let mut fresh = TrustStore::new();
        fresh.add_root(&w.root_der).unwrap();
        let loaded = fresh.load_trust_list(&w.list, clock).map(|_| ()).map_err(|e| e.code());
        let issued = datetime!(2025-01-01 0:00 UTC).unix_timestamp();
        let expected_load = if issued > now + SKEW { Err("from_the_future") } else { Ok(()) };
        prop_assert_eq!(loaded, expected_load);
        let verdict = verify(Input::Bytes(&signed), &store, clock);
        // The certificate runs from 1950-01-01 00:00 UTC (08:00 in UTC+8) to the end of time.
        let cert_from = cst_day(datetime!(1950-01-01 0:00 UTC).unix_timestamp());
        let latest = cst_day((now + SKEW).min(last_second()));
        let earliest = cst_day((now - SKEW).max(first_second()));
        let expected = if day_issued < cert_from {
            Some("issued_before_certificate")
        } else if day_issued > latest {
            Some("issued_in_future")
        } else if from > latest {
            Some("not_yet_valid")
        } else if until.is_some_and(|u| u < earliest) {
            Some("expired")
        } else {
            None
        };
        prop_assert_eq!(verdict.reason().map(Reason::code), expected);
        let view = views(&verdict);
        prop_assert_eq!(view.valid, expected.is_none());
        prop_assert_eq!(view.code, expected);
        let batch = verify_many(&[Input::Bytes(&signed)], &store, clock);
        prop_assert_eq!(&batch[0], &verdict);

        let attested = OffsetDateTime::from_unix_timestamp(at).unwrap();
        let signed = w.attestation(attested, file());
        let verdict = verify_attachment(&file(), Input::Bytes(&signed), &store, clock);
        let expected = if cst_day(at) < cert_from {
            Some("issued_before_certificate")
        } else if at > now + SKEW {
            Some("issued_in_future")
        } else {
            None
        };
        let code = match &verdict {
            AttachmentVerdict::Invalid(r) => Some(r.code()),
            AttachmentVerdict::Matches { .. } => None,
            other => return Err(TestCaseError::fail(format!("unexpected {other:?}"))),
        };
        prop_assert_eq!(code, expected);
        let view = AttachmentVerdictView::new(&verdict, &file());
        prop_assert_eq!(view.code, expected);
        prop_assert_eq!(view.attested_at.is_some(), expected.is_none());
    }
}
