//! Structured fuzzing: build a valid `License` from the fuzzer's bytes (with `arbitrary`), sign it,
//! write it in every transport form and verify it.
//!
//! Properties, for every license that passes `validate()`:
//! - it encodes, unless the payload exceeds `MAX_PAYLOAD_LEN`, and `from_cbor(to_cbor(l)) == l`;
//! - the signed bytes verify as Valid (`Input::Bytes`) with the same license and signer;
//! - `Compression::Auto` picks the compressed text exactly when it is not longer;
//! - each transport text (base45 / base64url × never / always compression, and a verifier URL)
//!   fits `MAX_TEXT_LEN` (which holds the largest signed document in its longest form) and
//!   decodes to exactly the signed bytes in the form it was written in, so it verifies as Valid
//!   with the same license, at noon UTC+8 on the first day of validity. (That verifying a text is
//!   verifying the bytes it decodes to is the `verify_text` target's property; verifying each
//!   text again here would only repeat the signature check, which dominated this target's cost.)
#![no_main]

use std::sync::OnceLock;

use arbitrary::{Result, Unstructured};
use elicense::identifier::MAX_SEQUENCE;
use elicense::{limits::MAX_PAYLOAD_LEN, LicenseError};
use elicense::limits::{
    MAX_ATTACHMENTS, MAX_BYTES_FIELD, MAX_FIELDS, MAX_FIELD_KEY_LEN, MAX_MEDIA_TYPE_LEN,
    MAX_OTHER_ID_LEN, MAX_TEXT_BYTES, MAX_TEXT_LEN,
};
use elicense::{transport, Compression, Encoding};
use elicense::{
    verify, AttachmentRef, CoseSign1, Date, Field, FieldValue, Holder, HolderId, Input, Kid,
    License, LicenseId, LicenseTypeCode, OrgCode, ResidentId, SigningKey, TrustStore, Validity,
    Verdict,
};
use libfuzzer_sys::fuzz_target;
use time::{Month, PrimitiveDateTime, Time, UtcOffset};

const ORG_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const ALNUM36: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const KEY_FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const KEY_REST: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789_";
const TOKEN: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&-^_.+";

/// Pieces of display text: CJK, full-width punctuation, combining marks, astral characters,
/// non-ASCII white space and ASCII. None is a control or bidi-formatting character.
#[rustfmt::skip]
const TEXT_PIECES: &[&str] = &[
    "营业执照", "福州市", "市场监督管理局", "有限公司", "（", "）", "·", "号", "张三", "李四",
    "A", "z", "0", "9", " ", "-", "/", "\\", ".", "%", "#", ":", "\"", "'", "é", "e\u{301}",
    "ß", "Ω", "😀", "𠀋", "\u{3000}", "\u{a0}", "\u{200b}", "\u{fe0f}", "한", "ア", "ـ",
];

fn pick<'a, T: ?Sized>(u: &mut Unstructured<'_>, items: &'a [&'a T]) -> Result<&'a T> {
    Ok(items[u.choose_index(items.len())?])
}

fn chars_from(u: &mut Unstructured<'_>, alphabet: &[u8], len: usize) -> Result<String> {
    (0..len)
        .map(|_| Ok(alphabet[u.choose_index(alphabet.len())?] as char))
        .collect()
}

/// A text of up to about `max` bytes: raw arbitrary text (which may well be rejected by
/// `validate`), one piece of display text repeated up to the limit (or one past it), or pieces of
/// display text, each repeated a chosen number of times, so that the limits (and payloads too
/// large for a transport text) are reached from short inputs.
fn text(u: &mut Unstructured<'_>, max: usize) -> Result<String> {
    // When the input runs out, `int_in_range` gives its minimum: then use the pieces, which are
    // never empty, so that licenses with many fields still get valid texts.
    match u.int_in_range(0..=7)? {
        7 => return u.arbitrary(),
        6 => {
            let piece = pick(u, TEXT_PIECES)?;
            let extra = usize::from(u.ratio(1, 4)?);
            return Ok(piece.repeat(max / piece.len() + extra));
        }
        _ => {}
    }
    let mut s = String::new();
    let pieces = u.int_in_range(1..=8)?;
    for _ in 0..pieces {
        let piece = pick(u, TEXT_PIECES)?;
        let repeat = if u.ratio(1, 4)? {
            u.int_in_range(1..=max / piece.len() + 1)?
        } else {
            1
        };
        s.push_str(&piece.repeat(repeat));
    }
    if s.len() > max && u.arbitrary()? {
        // Cut back to the limit at a character boundary; otherwise keep it and let validate fail.
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    Ok(s)
}

fn julian_range() -> (i32, i32) {
    let first = Date::from_calendar_date(1, Month::January, 1).expect("year 1");
    let last = Date::from_calendar_date(9999, Month::December, 31).expect("year 9999");
    (first.to_julian_day(), last.to_julian_day())
}

fn date_at_least(u: &mut Unstructured<'_>, min_jd: i32) -> Result<Date> {
    let (_, last) = julian_range();
    // Dates near the ends of the range and near "now" are the interesting ones; pick often there.
    let jd = match u.int_in_range(0..=3)? {
        0 => u.int_in_range(min_jd..=last)?,
        1 => last - u.int_in_range(0..=(last - min_jd).min(400))?,
        2 => min_jd + u.int_in_range(0..=(last - min_jd).min(400))?,
        _ => {
            let now = 2_460_000; // 2023-02-24
            u.int_in_range(min_jd.max(now - 20_000)..=last.min(now + 20_000).max(min_jd))?
        }
    };
    Ok(Date::from_julian_day(jd).expect("in range"))
}

fn org_code(u: &mut Unstructured<'_>) -> Result<OrgCode> {
    let first17 = chars_from(u, ORG_ALPHABET, 17)?;
    Ok(OrgCode::with_check(&first17).expect("17 characters of the alphabet"))
}

fn holder_id(u: &mut Unstructured<'_>) -> Result<HolderId> {
    Ok(match u.int_in_range(0..=2)? {
        0 => HolderId::Organisation(org_code(u)?),
        1 => {
            let first17 = chars_from(u, b"0123456789", 17)?;
            HolderId::Person(ResidentId::with_check(&first17).expect("17 digits"))
        }
        _ => HolderId::Other(text(u, MAX_OTHER_ID_LEN)?),
    })
}

fn field_value(u: &mut Unstructured<'_>) -> Result<FieldValue> {
    let (first, _) = julian_range();
    Ok(match u.int_in_range(0..=3)? {
        0 => FieldValue::Text(text(u, MAX_TEXT_BYTES)?),
        1 => FieldValue::Date(date_at_least(u, first)?),
        2 => FieldValue::Integer(u.arbitrary()?),
        _ => {
            // A chosen length, filled by repeating a few input bytes: cheap large values.
            let len = u.int_in_range(0..=MAX_BYTES_FIELD)?;
            let take = u.int_in_range(0..=16)?.min(u.len());
            let pattern = u.bytes(take)?;
            let bytes = match pattern {
                [] => vec![0xa5; len],
                p => p.iter().copied().cycle().take(len).collect(),
            };
            FieldValue::Bytes(bytes)
        }
    })
}

fn attachment(u: &mut Unstructured<'_>) -> Result<AttachmentRef> {
    let token = |u: &mut Unstructured<'_>| -> Result<String> {
        let well_known: &[&str] = &["application", "image", "pdf", "png", "jpeg", "vnd.ms-excel"];
        if u.arbitrary()? {
            Ok(pick(u, well_known)?.to_owned())
        } else {
            let len = u.int_in_range(1..=MAX_MEDIA_TYPE_LEN / 2)?;
            chars_from(u, TOKEN, len)
        }
    };
    let media_type = format!("{}/{}", token(u)?, token(u)?);
    let mut file_name = text(u, MAX_TEXT_BYTES)?;
    if u.arbitrary()? {
        file_name.push_str(pick(u, &[".pdf", ".png", ".jpg"])?);
    }
    Ok(AttachmentRef {
        sha256: u.arbitrary()?,
        size: u.arbitrary()?,
        media_type,
        file_name,
    })
}

fn license(u: &mut Unstructured<'_>) -> Result<License> {
    // The size-determining parts come first, so that short inputs (libFuzzer starts with a few
    // bytes and lengthens them slowly) can already make large licenses; whatever is generated after
    // the input runs out gets minimal but valid values.
    let mut fields: Vec<Field> = Vec::new();
    for i in 0..u.int_in_range(0..=MAX_FIELDS)? {
        let len = u.int_in_range(0..=MAX_FIELD_KEY_LEN - 1)?;
        let mut key = chars_from(u, KEY_FIRST, 1)? + &chars_from(u, KEY_REST, len)?;
        if fields.iter().any(|f| f.key == key) {
            key = format!("{}{i}", &key[..key.len().min(MAX_FIELD_KEY_LEN - 2)]);
        }
        let value = field_value(u)?;
        if fields.iter().all(|f| f.key != key) {
            fields.push(Field::new(key, value));
        }
    }
    let attachments = (0..u.int_in_range(0..=MAX_ATTACHMENTS)?)
        .map(|_| attachment(u))
        .collect::<Result<_>>()?;
    let type_name = text(u, MAX_TEXT_BYTES)?;
    let issuer_name = text(u, MAX_TEXT_BYTES)?;
    let holder = Holder {
        name: text(u, MAX_TEXT_BYTES)?,
        id: holder_id(u)?,
    };
    let (first, _) = julian_range();
    let issued_on = date_at_least(u, first)?;
    let from = date_at_least(u, first)?;
    let validity = if u.arbitrary()? {
        Validity::perpetual(from)
    } else {
        let until = date_at_least(u, from.to_julian_day())?;
        Validity::until(from, until).expect("until >= from")
    };
    let type_len = u.int_in_range(2..=16)?;
    let type_code: LicenseTypeCode = chars_from(u, ALNUM36, type_len)?
        .parse()
        .expect("2 to 16 characters of 0-9A-Z");
    let sequence = u.int_in_range(0..=MAX_SEQUENCE)?;
    let id = LicenseId::new(type_code, org_code(u)?, sequence).expect("sequence in range");
    Ok(License {
        id,
        type_name,
        issuer_name,
        holder,
        issued_on,
        validity,
        fields,
        attachments,
        status_index: u.arbitrary()?,
        not_shown: vec![],
    })
}

fn signing_key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::from_bytes(&[0x5a; 32]))
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(license) = license(&mut u) else {
        return;
    };
    if license.validate().is_err() {
        return;
    }
    let payload = match license.to_cbor() {
        Ok(p) => p,
        Err(LicenseError::PayloadTooLarge { len, max }) => {
            assert!(len > max && max == MAX_PAYLOAD_LEN);
            return;
        }
        Err(e) => panic!("validate() passed but to_cbor() failed: {e}"),
    };
    assert_eq!(License::from_cbor(&payload).as_ref(), Ok(&license));

    let key = signing_key();
    let signed = license.sign(key).expect("to_cbor() succeeded");
    // (The signature itself is checked by the `Input::Bytes` verification below.)
    let cose = CoseSign1::parse(&signed).expect("our own signature parses");
    assert_eq!(cose.payload(), payload.as_slice());
    assert_eq!(cose.kid(), Kid::of(&key.verifying_key().into()));

    let mut trust = TrustStore::new();
    trust
        .add(
            key.verifying_key(),
            license.issuer_code().clone(),
            "Fuzz department",
        )
        .expect("a valid key");
    let cst = UtcOffset::from_hms(8, 0, 0).expect("UTC+8");
    let noon = Time::from_hms(12, 0, 0).expect("noon");
    let now = PrimitiveDateTime::new(license.validity.from(), noon).assume_offset(cst);

    let check_valid = |verdict: Verdict, what: &str| match verdict {
        Verdict::Valid(ok) => {
            assert_eq!(ok.license, license, "{what}: verified license differs");
            assert_eq!(&ok.signer.org_code, license.issuer_code());
        }
        Verdict::Invalid(bad) => panic!("{what}: rejected: {} ({})", bad.reason, bad.reason.code()),
        other => panic!("{what}: unexpected verdict {other:?}"),
    };
    check_valid(verify(Input::Bytes(&signed), &trust, now), "bytes");

    // Each distinct text is verified once: `Compression::Auto` gives exactly the text of `Never`
    // or of `Always`, so it is checked against those instead of being verified again (signature
    // checks dominate this target's cost). Auto compresses only when the zlib stream is shorter
    // than the signed bytes; as base45/base64url lengths grow strictly with the byte count and the
    // compressed prefix is one character longer, that is exactly when the `Always` text is not
    // longer than the `Never` text.
    for encoding in [Encoding::Base45, Encoding::Base64Url] {
        let never = transport::encode(&signed, encoding, Compression::Never);
        let always = transport::encode(&signed, encoding, Compression::Always);
        let auto = transport::encode(&signed, encoding, Compression::Auto);
        let expected_auto = if always.len() <= never.len() {
            &always
        } else {
            &never
        };
        assert_eq!(
            &auto, expected_auto,
            "{encoding:?}: Compression::Auto chose wrongly"
        );
        let auto_compressed = always.len() <= never.len();
        let mut texts = vec![(never, "never"), (always, "always")];
        if encoding == Encoding::Base64Url {
            texts.push((
                format!("https://verify.elicense.example/#{auto}"),
                "URL, auto",
            ));
        }
        for (t, form) in texts {
            assert!(
                t.len() <= MAX_TEXT_LEN,
                "{encoding:?}/{form} ({} chars): longer than MAX_TEXT_LEN",
                t.len()
            );
            let decoded = transport::decode(&t).unwrap_or_else(|e| {
                panic!(
                    "{encoding:?}/{form} ({} chars): does not decode: {e}",
                    t.len()
                )
            });
            assert_eq!(decoded.signed, signed, "{encoding:?}/{form}: other bytes");
            assert_eq!(
                decoded.form.encoding, encoding,
                "{encoding:?}/{form}: encoding"
            );
            assert_eq!(
                decoded.form.compressed,
                form == "always" || (form == "URL, auto" && auto_compressed),
                "{encoding:?}/{form}: compression flag"
            );
        }
    }
});
