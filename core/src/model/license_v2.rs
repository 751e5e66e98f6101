//! Format version 2 of the license (`docs/FORMAT.md` §11) and its selective disclosure (§12).
//!
//! A version-2 payload keys fields by their position in the license type's template, leaves out
//! what the verifier already has (the type's name comes from the template, the issuer's code and
//! name from the signing key's certificate), packs identifiers and writes listed values as
//! indexes. The template marks personal items and groups them into units; the signed payload
//! then holds, instead of their values, the SHA-256 digests of the units' disclosures
//! (`[salt, value, key]`, the mechanics of IETF SD-CWT), with salts derived from a per-license
//! seed. Three wire forms carry it:
//!
//! - **plain**: the COSE_Sign1 as signed (a license without personal units);
//! - **holder's copy**: `[protected, body, signature]`, the body holding the personal values in
//!   place and the seed (key 13), from which the verifier derives every disclosure;
//! - **presentation**: `[protected, body, signature]`, the body holding the shown disclosures
//!   (key 14, as bytes) and the digests of the hidden ones (key 15), never the seed.
//!
//! [`Wire::parse`] turns any of them into the signed COSE_Sign1 and the disclosures beside it;
//! [`LicenseV2`] is the signed payload (a [`Payload`]); [`LicenseV2::disclose`] checks the
//! disclosures against its digests and yields the [`License`].

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use serde_cbor::Value;
use sha2::{Digest, Sha256};
use time::Date;

use crate::encoding::cbor;
use crate::encoding::cose::{self, ContentType, CoseSign1, Payload, TAG_COSE_SIGN1};
use crate::limits::{
    MAX_ATTACHMENTS, MAX_BYTES_FIELD, MAX_DISCLOSURE_UNITS, MAX_OTHER_ID_LEN, MAX_PAYLOAD_LEN,
    MAX_SIGNED_LEN, MAX_TEXT_BYTES,
};
use crate::model::identifier::{LicenseId, LicenseTypeCode, OrgCode, ResidentId, ORG_ALPHABET};
use crate::model::license::{
    date_from_days, AttachmentRef, Field, FieldValue, Holder, HolderId, License, LicenseError,
    V2Problem, Validity,
};
use crate::model::template::{
    FieldKind, HolderKind, LicenseTemplate, HOLDER_ID_ITEM, HOLDER_NAME_ITEM,
};
use crate::model::text::check_text;
use crate::model::time::date_to_days;

/// Length of a license's seed (key 13), from which the salts derive.
pub const SEED_LEN: usize = 16;
/// Length of a disclosure's salt.
pub const SALT_LEN: usize = 16;
/// Length of a disclosure digest (SHA-256, untruncated).
pub const DIGEST_LEN: usize = 32;
/// A disclosure key above this names a unit of several items: key = this + the unit's index.
pub const UNIT_KEY_BASE: i128 = 100;

/// The payload's map keys (`docs/FORMAT.md` §11.2).
mod key {
    pub const TYPE: i128 = 1;
    pub const SEQUENCE: i128 = 2;
    pub const HOLDER_CODE: i128 = 3;
    pub const HOLDER_NAME: i128 = 4;
    pub const HOLDER_KIND: i128 = 5;
    pub const IAT: i128 = 6;
    pub const NBF: i128 = 7;
    pub const EXP: i128 = 8;
    pub const FIELDS: i128 = 9;
    pub const ATTACHMENTS: i128 = 10;
    pub const STATUS: i128 = 11;
    pub const DIGESTS: i128 = 12;
    pub const SEED: i128 = 13;
    pub const DISCLOSURES: i128 = 14;
    pub const HIDDEN: i128 = 15;
    /// The disclosure keys of the holder's name and code.
    pub const ITEM_HOLDER_NAME: i128 = -1;
    pub const ITEM_HOLDER_CODE: i128 = -2;
}

fn problem(p: V2Problem) -> LicenseError {
    LicenseError::V2(p)
}

/// The built-in template of a type code (version 2 reads nothing without it).
fn template_of(type_code: &str) -> Result<&'static LicenseTemplate, LicenseError> {
    LicenseTemplate::builtin_ref(type_code)
        .ok_or_else(|| problem(V2Problem::NoTemplate(type_code.to_owned())))
}

/// One item of a license a disclosure can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Name,
    Code,
    /// A field, by its 0-based index in the template.
    Field(usize),
}

impl Item {
    fn of(t: &LicenseTemplate, name: &str) -> Option<Item> {
        match name {
            HOLDER_NAME_ITEM => Some(Item::Name),
            HOLDER_ID_ITEM => Some(Item::Code),
            _ => t.fields.iter().position(|f| f.key == name).map(Item::Field),
        }
    }

    fn name(self, t: &LicenseTemplate) -> &str {
        match self {
            Item::Name => HOLDER_NAME_ITEM,
            Item::Code => HOLDER_ID_ITEM,
            Item::Field(i) => t.fields.get(i).map_or("", |f| f.key.as_str()),
        }
    }

    /// The item's key inside a disclosure (or a multi-item disclosure's map).
    fn key(self) -> i128 {
        match self {
            Item::Name => key::ITEM_HOLDER_NAME,
            Item::Code => key::ITEM_HOLDER_CODE,
            Item::Field(i) => i as i128 + 1,
        }
    }
}

/// The disclosure units of a template, as items.
fn units(t: &LicenseTemplate) -> Vec<Vec<Item>> {
    t.disclosure.as_ref().map_or_else(Vec::new, |d| {
        d.units
            .iter()
            .map(|u| u.iter().filter_map(|n| Item::of(t, n)).collect())
            .collect()
    })
}

fn is_personal(t: &LicenseTemplate, item: Item) -> bool {
    t.is_personal(item.name(t))
}

/// The salt of unit `index`: the first 16 bytes of HMAC-SHA256(seed, uint32_be(index)).
pub fn salt(seed: &[u8; SEED_LEN], index: u32) -> [u8; SALT_LEN] {
    // HMAC takes a key of any length: `new_from_slice` cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(seed).unwrap_or_else(|_| unreachable!());
    mac.update(&index.to_be_bytes());
    let out = mac.finalize().into_bytes();
    let mut salt = [0; SALT_LEN];
    salt.copy_from_slice(&out[..SALT_LEN]);
    salt
}

fn digest(bytes: &[u8]) -> [u8; DIGEST_LEN] {
    Sha256::digest(bytes).into()
}

// ---------------------------------------------------------------------------------------------
// Values of items and fields.

/// The first 17 characters of an organisation code as a base-31 number in 11 bytes.
fn pack_org(code: &OrgCode) -> Vec<u8> {
    let mut n: u128 = 0;
    for b in code.as_str().bytes().take(17) {
        let v = ORG_ALPHABET.iter().position(|&a| a == b).unwrap_or(0) as u128;
        n = n * 31 + v;
    }
    n.to_be_bytes()[16 - 11..].to_vec()
}

fn unpack_org(bytes: &[u8]) -> Option<OrgCode> {
    if bytes.len() != 11 {
        return None;
    }
    let mut buf = [0u8; 16];
    buf[5..].copy_from_slice(bytes);
    let mut n = u128::from_be_bytes(buf);
    let mut chars = [0u8; 17];
    for c in chars.iter_mut().rev() {
        *c = ORG_ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    if n != 0 {
        return None;
    }
    OrgCode::with_check(std::str::from_utf8(&chars).ok()?).ok()
}

fn holder_code_value(id: &HolderId) -> Result<Value, LicenseError> {
    Ok(match id {
        HolderId::Organisation(c) => Value::Bytes(pack_org(c)),
        HolderId::Person(c) => {
            let n: u64 = c.as_str()[..17]
                .parse()
                .map_err(|_| problem(V2Problem::BadValue(key::HOLDER_CODE, "holder code")))?;
            Value::Integer(n.into())
        }
        HolderId::Other(c) => Value::Text(c.clone()),
        HolderId::NotShown => return Err(LicenseError::Incomplete),
    })
}

fn holder_code_from(value: &Value, kind: HolderKind) -> Result<HolderId, LicenseError> {
    let bad = || problem(V2Problem::BadValue(key::HOLDER_CODE, "holder code"));
    match (kind, value) {
        (HolderKind::Organisation, Value::Bytes(b)) => {
            unpack_org(b).map(HolderId::Organisation).ok_or_else(bad)
        }
        (HolderKind::Person, Value::Integer(n)) if (0..100_000_000_000_000_000).contains(n) => {
            ResidentId::with_check(&format!("{n:017}"))
                .map(HolderId::Person)
                .map_err(|_| bad())
        }
        (HolderKind::Other, Value::Text(t)) => {
            check_text("holder code", t, MAX_OTHER_ID_LEN)?;
            Ok(HolderId::Other(t.clone()))
        }
        _ => Err(bad()),
    }
}

fn holder_kind_of(id: &HolderId) -> Option<HolderKind> {
    match id {
        HolderId::Organisation(_) => Some(HolderKind::Organisation),
        HolderId::Person(_) => Some(HolderKind::Person),
        HolderId::Other(_) => Some(HolderKind::Other),
        _ => None,
    }
}

fn kind_number(kind: HolderKind) -> u8 {
    match kind {
        HolderKind::Organisation => 1,
        HolderKind::Person => 2,
        _ => 3,
    }
}

fn field_value(
    t: &LicenseTemplate,
    index: usize,
    value: &FieldValue,
) -> Result<Value, LicenseError> {
    let spec = &t.fields[index];
    let bad = || {
        problem(V2Problem::BadValue(
            index as i128 + 1,
            "field value of the template's type",
        ))
    };
    Ok(match (spec.kind, value) {
        (FieldKind::Text, FieldValue::Text(s)) => match spec.values.iter().position(|v| v == s) {
            Some(i) => Value::Integer(i as i128),
            None => Value::Text(s.clone()),
        },
        (FieldKind::Date, FieldValue::Date(d)) => Value::Integer(date_to_days(*d).into()),
        (FieldKind::Integer, FieldValue::Integer(n)) => Value::Integer((*n).into()),
        (FieldKind::Bytes, FieldValue::Bytes(b)) => Value::Bytes(b.clone()),
        _ => return Err(bad()),
    })
}

fn field_from(t: &LicenseTemplate, index: usize, value: &Value) -> Result<Field, LicenseError> {
    let spec = &t.fields[index];
    let what = format!("field {}", spec.key);
    let bad = || {
        problem(V2Problem::BadValue(
            index as i128 + 1,
            "field value of the template's type",
        ))
    };
    let v = match (spec.kind, value) {
        (FieldKind::Text, Value::Integer(i)) => FieldValue::Text(
            usize::try_from(*i)
                .ok()
                .and_then(|i| spec.values.get(i))
                .cloned()
                .ok_or_else(|| problem(V2Problem::Listed(spec.key.clone())))?,
        ),
        (FieldKind::Text, Value::Text(s)) => {
            if spec.values.contains(s) {
                return Err(problem(V2Problem::Listed(spec.key.clone())));
            }
            check_text(&what, s, MAX_TEXT_BYTES)?;
            FieldValue::Text(s.clone())
        }
        (FieldKind::Date, Value::Integer(d)) => FieldValue::Date(date_from_days(&what, *d)?),
        (FieldKind::Integer, Value::Integer(n)) => {
            FieldValue::Integer(i64::try_from(*n).map_err(|_| bad())?)
        }
        (FieldKind::Bytes, Value::Bytes(b)) if b.len() <= MAX_BYTES_FIELD => {
            FieldValue::Bytes(b.clone())
        }
        _ => return Err(bad()),
    };
    Ok(Field::new(spec.key.clone(), v))
}

fn days(d: Date) -> Value {
    Value::Integer(date_to_days(d).into())
}

// ---------------------------------------------------------------------------------------------
// Encoding.

type Map = BTreeMap<i128, Value>;

fn to_value(map: &Map) -> Value {
    Value::Map(
        map.iter()
            .map(|(k, v)| (Value::Integer(*k), v.clone()))
            .collect(),
    )
}

/// The full body of `license`: every item in place, no digests.
fn full_map(license: &License, t: &LicenseTemplate) -> Result<Map, LicenseError> {
    license.validate()?;
    license.check_complete()?;
    let mut m = Map::new();
    m.insert(key::TYPE, Value::Text(t.type_code.clone()));
    m.insert(key::SEQUENCE, Value::Integer(license.id.sequence().into()));
    m.insert(key::HOLDER_CODE, holder_code_value(&license.holder.id)?);
    m.insert(key::HOLDER_NAME, Value::Text(license.holder.name.clone()));
    let kind = holder_kind_of(&license.holder.id).ok_or(LicenseError::Incomplete)?;
    if kind != t.holder_kind {
        m.insert(key::HOLDER_KIND, Value::Integer(kind_number(kind).into()));
    }
    m.insert(key::IAT, days(license.issued_on));
    let from = license.validity.from();
    if from != license.issued_on {
        m.insert(key::NBF, days(from));
    }
    match (license.validity.last_day(), t.default_end(from)) {
        (Some(until), Some(default)) if until == default => {}
        (Some(until), _) => {
            m.insert(key::EXP, days(until));
        }
        (None, Some(_)) => {
            m.insert(key::EXP, Value::Array(vec![]));
        }
        (None, None) => {}
    }
    let mut fields = BTreeMap::new();
    for f in &license.fields {
        let index = t
            .fields
            .iter()
            .position(|s| s.key == f.key)
            .ok_or_else(|| problem(V2Problem::UnknownItem(f.key.clone())))?;
        fields.insert(
            Value::Integer(index as i128 + 1),
            field_value(t, index, &f.value)?,
        );
    }
    if !fields.is_empty() {
        m.insert(key::FIELDS, Value::Map(fields));
    }
    if !license.attachments.is_empty() {
        let list = license
            .attachments
            .iter()
            .map(AttachmentRef::to_cbor)
            .collect();
        m.insert(key::ATTACHMENTS, Value::Array(list));
    }
    if let Some(index) = license.status_index {
        m.insert(key::STATUS, Value::Integer(index.into()));
    }
    Ok(m)
}

/// Whether a body map holds item `item` in place.
fn has_item(m: &Map, item: Item) -> bool {
    match item {
        Item::Name => m.contains_key(&key::HOLDER_NAME),
        Item::Code => m.contains_key(&key::HOLDER_CODE),
        Item::Field(i) => matches!(
            m.get(&key::FIELDS),
            Some(Value::Map(fields)) if fields.contains_key(&Value::Integer(i as i128 + 1))
        ),
    }
}

/// Take item `item`'s value out of a body map (`None` when the license lacks it).
fn take_item(m: &mut Map, item: Item) -> Option<Value> {
    match item {
        Item::Name => m.remove(&key::HOLDER_NAME),
        Item::Code => m.remove(&key::HOLDER_CODE),
        Item::Field(i) => {
            let Some(Value::Map(fields)) = m.get_mut(&key::FIELDS) else {
                return None;
            };
            let v = fields.remove(&Value::Integer(i as i128 + 1));
            if fields.is_empty() {
                m.remove(&key::FIELDS);
            }
            v
        }
    }
}

/// Put item `item`'s value into a body map.
fn put_item(m: &mut Map, item: Item, value: Value) {
    match item {
        Item::Name => {
            m.insert(key::HOLDER_NAME, value);
        }
        Item::Code => {
            m.insert(key::HOLDER_CODE, value);
        }
        Item::Field(i) => {
            let entry = m
                .entry(key::FIELDS)
                .or_insert_with(|| Value::Map(BTreeMap::new()));
            if let Value::Map(fields) = entry {
                fields.insert(Value::Integer(i as i128 + 1), value);
            }
        }
    }
}

/// A disclosure: `[salt, value, key]` as bytes, and what it discloses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure {
    bytes: Vec<u8>,
    unit: usize,
    items: Vec<(Item, Value)>,
}

impl Disclosure {
    /// The bytes, as received or as derived from the seed.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Its digest: SHA-256 of [`Disclosure::bytes`].
    pub fn digest(&self) -> [u8; DIGEST_LEN] {
        digest(&self.bytes)
    }

    /// The 0-based index of the template unit it discloses.
    pub fn unit(&self) -> usize {
        self.unit
    }
}

/// Move every personal item of `m` into disclosures, salted from `seed`.
fn split(
    m: &mut Map,
    t: &LicenseTemplate,
    seed: &[u8; SEED_LEN],
) -> Result<Vec<Disclosure>, LicenseError> {
    let mut out = Vec::new();
    for (unit, items) in units(t).into_iter().enumerate() {
        let present: Vec<(Item, Value)> = items
            .iter()
            .filter_map(|&item| take_item(m, item).map(|v| (item, v)))
            .collect();
        if present.is_empty() {
            continue;
        }
        let (value, disclosure_key) = if items.len() == 1 {
            (present[0].1.clone(), items[0].key())
        } else {
            let map = present
                .iter()
                .map(|(item, v)| (Value::Integer(item.key()), v.clone()))
                .collect();
            (Value::Map(map), UNIT_KEY_BASE + unit as i128)
        };
        let salt = salt(seed, unit as u32);
        let bytes = cbor::encode(&Value::Array(vec![
            Value::Bytes(salt.to_vec()),
            value,
            Value::Integer(disclosure_key),
        ]));
        out.push(Disclosure {
            bytes,
            unit,
            items: present,
        });
    }
    Ok(out)
}

fn sorted_digests(ds: impl IntoIterator<Item = [u8; DIGEST_LEN]>) -> Vec<[u8; DIGEST_LEN]> {
    let mut v: Vec<_> = ds.into_iter().collect();
    v.sort();
    v
}

fn digests_value(ds: &[[u8; DIGEST_LEN]]) -> Value {
    Value::Array(ds.iter().map(|d| Value::Bytes(d.to_vec())).collect())
}

fn sd_array(protected: &[u8], body: &Map, signature: &[u8]) -> Vec<u8> {
    cbor::encode(&Value::Array(vec![
        Value::Bytes(protected.to_vec()),
        to_value(body),
        Value::Bytes(signature.to_vec()),
    ]))
}

impl License {
    /// Sign as a version-2 license (`docs/FORMAT.md` §11): the wire bytes, to be written with
    /// [`crate::transport::encode_v2`]. A license of a type with personal items
    /// ([`crate::DisclosureSpec`]) needs `seed`, 16 bytes from a CSPRNG drawn for this license
    /// alone, and becomes the holder's copy (§11.4); any other license becomes a plain
    /// COSE_Sign1. The issuer's code and name are not written: the verifier takes them from the
    /// signing key's certificate, so sign only with the key of the license's issuer.
    pub fn sign_v2(
        &self,
        key: &(impl crate::suite::Signer + ?Sized),
        seed: Option<[u8; SEED_LEN]>,
    ) -> Result<Vec<u8>, LicenseError> {
        let t = template_of(self.type_code().as_str())?;
        let full = full_map(self, t)?;
        let mut signed = full.clone();
        let has_personal = units(t).iter().flatten().any(|&item| has_item(&full, item));
        if !has_personal {
            return Ok(cose::sign(
                &encode_body(&full)?,
                key,
                ContentType::LicenseV2,
            ));
        }
        let seed = seed.ok_or(problem(V2Problem::SeedRequired))?;
        let disclosures = split(&mut signed, t, &seed)?;
        signed.insert(
            key::DIGESTS,
            digests_value(&sorted_digests(disclosures.iter().map(Disclosure::digest))),
        );
        let cose_bytes = cose::sign(&encode_body(&signed)?, key, ContentType::LicenseV2);
        let cose = CoseSign1::parse(&cose_bytes).map_err(|_| problem(V2Problem::Shape))?;
        let mut copy = full;
        copy.insert(key::SEED, Value::Bytes(seed.to_vec()));
        Ok(sd_array(cose.protected(), &copy, cose.signature()))
    }
}

fn encode_body(m: &Map) -> Result<Vec<u8>, LicenseError> {
    let bytes = cbor::encode(&to_value(m));
    if bytes.len() > MAX_PAYLOAD_LEN {
        return Err(LicenseError::PayloadTooLarge {
            len: bytes.len(),
            max: MAX_PAYLOAD_LEN,
        });
    }
    Ok(bytes)
}

// ---------------------------------------------------------------------------------------------
// Wire forms.

/// The form a version-2 license travels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WireForm {
    /// A COSE_Sign1 as signed: a license without personal items.
    Plain,
    /// The holder's copy: every item, and the seed.
    HoldersCopy,
    /// A presentation: the shown disclosures and the hidden digests.
    Presentation,
}

/// A version-2 wire form, unwrapped: the COSE_Sign1 the issuer signed, and the disclosures that
/// travel beside it. Nothing here is verified yet.
#[derive(Debug, Clone)]
pub struct Wire {
    /// The COSE_Sign1 whose payload is the signed payload (digests in key 12).
    pub cose: CoseSign1,
    /// The disclosures shown (derived from the seed for a holder's copy; as received for a
    /// presentation).
    pub disclosures: Vec<Disclosure>,
    /// Which form it came in.
    pub form: WireForm,
    /// The seed, for a holder's copy.
    seed: Option<[u8; SEED_LEN]>,
    /// The number of hidden digests.
    pub hidden: usize,
}

fn int_map(value: Value, what: i128) -> Result<Map, LicenseError> {
    let Value::Map(entries) = value else {
        return Err(problem(V2Problem::BadValue(what, "a map")));
    };
    entries
        .into_iter()
        .map(|(k, v)| match k {
            Value::Integer(k) => Ok((k, v)),
            _ => Err(problem(V2Problem::BadValue(
                what,
                "a map with integer keys",
            ))),
        })
        .collect()
}

impl Wire {
    /// Unwrap wire bytes: a tagged COSE_Sign1 (plain), or `[protected, body, signature]`
    /// (holder's copy or presentation), rebuilding the signed payload from the body and the
    /// disclosures (their digests taken over the bytes as received) with the checks of
    /// `docs/FORMAT.md` §12.6 that need no key.
    pub fn parse(bytes: &[u8]) -> Result<Wire, LicenseError> {
        if bytes.len() > MAX_SIGNED_LEN {
            return Err(problem(V2Problem::Shape));
        }
        if bytes.first() == Some(&0xd2) {
            let cose = CoseSign1::parse(bytes).map_err(|_| problem(V2Problem::Shape))?;
            return Ok(Wire {
                cose,
                disclosures: vec![],
                form: WireForm::Plain,
                seed: None,
                hidden: 0,
            });
        }
        let Value::Array(parts) = cbor::decode(bytes)? else {
            return Err(problem(V2Problem::Shape));
        };
        let [Value::Bytes(protected), body, Value::Bytes(signature)] =
            <[Value; 3]>::try_from(parts).map_err(|_| problem(V2Problem::Shape))?
        else {
            return Err(problem(V2Problem::Shape));
        };
        let mut body = int_map(body, 0)?;
        let t = match body.get(&key::TYPE) {
            Some(Value::Text(code)) => template_of(code)?,
            _ => return Err(problem(V2Problem::Missing(key::TYPE, "license type code"))),
        };
        let seed = body.remove(&key::SEED);
        let shown = body.remove(&key::DISCLOSURES);
        let hidden = body.remove(&key::HIDDEN);
        if body.contains_key(&key::DIGESTS) {
            return Err(problem(V2Problem::UnknownKey(key::DIGESTS)));
        }
        let (form, seed, disclosures, hidden) = match (seed, shown, hidden) {
            (Some(Value::Bytes(seed)), None, None) => {
                let seed: [u8; SEED_LEN] = seed
                    .try_into()
                    .map_err(|_| problem(V2Problem::BadValue(key::SEED, "16 bytes")))?;
                let ds = split(&mut body, t, &seed)?;
                if ds.is_empty() {
                    return Err(problem(V2Problem::Form));
                }
                (WireForm::HoldersCopy, Some(seed), ds, vec![])
            }
            (None, shown, hidden) if shown.is_some() || hidden.is_some() => {
                let shown = match shown {
                    None => vec![],
                    Some(Value::Array(list)) if !list.is_empty() => list,
                    Some(_) => {
                        return Err(problem(V2Problem::BadValue(
                            key::DISCLOSURES,
                            "a non-empty array of disclosures",
                        )))
                    }
                };
                let hidden = match hidden {
                    None => vec![],
                    Some(v) => parse_digests(v, key::HIDDEN)?,
                };
                if shown.len() + hidden.len() > MAX_DISCLOSURE_UNITS {
                    return Err(problem(V2Problem::Digests));
                }
                let ds = shown
                    .into_iter()
                    .enumerate()
                    .map(|(i, d)| parse_disclosure(t, i, d))
                    .collect::<Result<Vec<_>, _>>()?;
                (WireForm::Presentation, None, ds, hidden)
            }
            _ => return Err(problem(V2Problem::Form)),
        };
        // Every disclosure matches exactly one digest: no two equal, no unit twice, no digest
        // given twice.
        let mut units_seen = std::collections::BTreeSet::new();
        if disclosures.iter().any(|d| !units_seen.insert(d.unit)) {
            return Err(problem(V2Problem::Duplicate("a unit is disclosed twice")));
        }
        let all = sorted_digests(
            disclosures
                .iter()
                .map(Disclosure::digest)
                .chain(hidden.iter().copied()),
        );
        if all.windows(2).any(|w| w[0] == w[1]) {
            return Err(problem(V2Problem::Duplicate(
                "a digest is given twice or equals a disclosure's",
            )));
        }
        body.insert(key::DIGESTS, digests_value(&all));
        let payload = encode_body(&body)?;
        let cose_bytes = cbor::encode(&Value::Tag(
            TAG_COSE_SIGN1,
            Box::new(Value::Array(vec![
                Value::Bytes(protected),
                Value::Map(BTreeMap::new()),
                Value::Bytes(payload),
                Value::Bytes(signature),
            ])),
        ));
        let cose = CoseSign1::parse(&cose_bytes).map_err(|_| problem(V2Problem::Shape))?;
        Ok(Wire {
            cose,
            disclosures,
            form,
            seed,
            hidden: hidden.len(),
        })
    }
}

fn parse_digests(v: Value, what: i128) -> Result<Vec<[u8; DIGEST_LEN]>, LicenseError> {
    let Value::Array(list) = v else {
        return Err(problem(V2Problem::Digests));
    };
    if list.is_empty() || list.len() > MAX_DISCLOSURE_UNITS {
        return Err(problem(V2Problem::Digests));
    }
    let out = list
        .into_iter()
        .map(|d| match d {
            Value::Bytes(b) => {
                <[u8; DIGEST_LEN]>::try_from(b).map_err(|_| problem(V2Problem::Digests))
            }
            _ => Err(problem(V2Problem::BadValue(what, "digests"))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if out.windows(2).any(|w| w[0] >= w[1]) {
        return Err(problem(V2Problem::Digests));
    }
    Ok(out)
}

fn parse_disclosure(
    t: &LicenseTemplate,
    index: usize,
    d: Value,
) -> Result<Disclosure, LicenseError> {
    let bad = |what: &str| {
        problem(V2Problem::BadDisclosure {
            index,
            what: what.to_owned(),
        })
    };
    let Value::Bytes(bytes) = d else {
        return Err(bad("not a byte string"));
    };
    let value = cbor::decode(&bytes).map_err(|e| bad(&e.to_string()))?;
    let Value::Array(parts) = value else {
        return Err(bad("not [salt, value, key]"));
    };
    let [Value::Bytes(salt), value, Value::Integer(k)] =
        <[Value; 3]>::try_from(parts).map_err(|_| bad("not [salt, value, key]"))?
    else {
        return Err(bad("not [salt (bytes), value, key (integer)]"));
    };
    if salt.len() != SALT_LEN {
        return Err(bad("the salt is not 16 bytes"));
    }
    let all = units(t);
    let (unit, items) = if k >= UNIT_KEY_BASE {
        let unit = usize::try_from(k - UNIT_KEY_BASE).map_err(|_| bad("no such unit"))?;
        let items = all
            .get(unit)
            .filter(|u| u.len() > 1)
            .ok_or_else(|| bad("no such unit"))?;
        let Value::Map(map) = value else {
            return Err(bad("a unit of several items discloses a map"));
        };
        if map.is_empty() {
            return Err(bad("an empty unit"));
        }
        let mut present = Vec::new();
        for (ik, iv) in map {
            let item = match ik {
                Value::Integer(ik) => items.iter().copied().find(|i| i.key() == ik),
                _ => None,
            }
            .ok_or_else(|| bad("an item that is not in the unit"))?;
            present.push((item, iv));
        }
        (unit, present)
    } else {
        let (unit, item) = all
            .iter()
            .enumerate()
            .find_map(|(u, items)| match items.as_slice() {
                [item] if item.key() == k => Some((u, *item)),
                _ => None,
            })
            .ok_or_else(|| bad("the key is not a unit of the license type"))?;
        (unit, vec![(item, value)])
    };
    Ok(Disclosure { bytes, unit, items })
}

// ---------------------------------------------------------------------------------------------
// The signed payload.

/// A version-2 license payload as signed (`docs/FORMAT.md` §11.2), decoded: everything but
/// the personal items, which are in disclosures whose digests it lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseV2 {
    template: &'static LicenseTemplate,
    body: Map,
    kind: HolderKind,
    digests: Vec<[u8; DIGEST_LEN]>,
}

impl LicenseV2 {
    /// Decode a signed payload, accepting only the deterministic encoding of a valid one.
    pub fn from_cbor(bytes: &[u8]) -> Result<LicenseV2, LicenseError> {
        if bytes.len() > MAX_PAYLOAD_LEN {
            return Err(LicenseError::PayloadTooLarge {
                len: bytes.len(),
                max: MAX_PAYLOAD_LEN,
            });
        }
        let mut body = int_map(cbor::decode(bytes)?, 0)?;
        if let Some(k) = body
            .keys()
            .find(|k| !(key::TYPE..=key::DIGESTS).contains(*k))
        {
            return Err(problem(V2Problem::UnknownKey(*k)));
        }
        let t = match body.get(&key::TYPE) {
            Some(Value::Text(code)) => template_of(code)?,
            _ => return Err(problem(V2Problem::Missing(key::TYPE, "license type code"))),
        };
        let digests = match body.remove(&key::DIGESTS) {
            None => vec![],
            Some(v) => parse_digests(v, key::DIGESTS)?,
        };
        if digests.len() > units(t).len() {
            return Err(problem(V2Problem::Digests));
        }
        let kind = match body.get(&key::HOLDER_KIND) {
            None => t.holder_kind,
            Some(Value::Integer(1)) => HolderKind::Organisation,
            Some(Value::Integer(2)) => HolderKind::Person,
            Some(Value::Integer(3)) => HolderKind::Other,
            Some(_) => return Err(problem(V2Problem::BadValue(key::HOLDER_KIND, "1, 2 or 3"))),
        };
        if body.contains_key(&key::HOLDER_KIND) && kind == t.holder_kind {
            return Err(problem(V2Problem::Implied(key::HOLDER_KIND, "holder kind")));
        }
        let v2 = LicenseV2 {
            template: t,
            body,
            kind,
            digests,
        };
        // Personal items never travel in place in what is signed: hiding them must stay possible.
        if !v2.digests.is_empty() || t.disclosure.is_some() {
            for item in units(t).into_iter().flatten() {
                if has_item(&v2.body, item) {
                    return Err(problem(V2Problem::PersonalInPlace(item.name(t).to_owned())));
                }
            }
        }
        // Everything else decodes (with a stand-in issuer; the real one comes from the signer).
        v2.decode_with(&v2.body, None)?;
        Ok(v2)
    }

    /// The license type's template.
    pub fn template(&self) -> &'static LicenseTemplate {
        self.template
    }

    /// The digests of the disclosures, sorted.
    pub fn digests(&self) -> &[[u8; DIGEST_LEN]] {
        &self.digests
    }

    /// Check `disclosures` (from [`Wire::parse`] of the same document) against the signed
    /// digests, and give the license they show, issued by `issuer` (the signing key's
    /// department). Hidden items are [`HolderId::NotShown`] and listed in
    /// [`License::not_shown`]. A presentation that hides an item of the template's minimum
    /// set is refused ([`V2Problem::BelowMinimum`]).
    pub fn disclose(
        &self,
        disclosures: &[Disclosure],
        issuer: (&OrgCode, &str),
    ) -> Result<License, LicenseError> {
        let t = self.template;
        let mut body = self.body.clone();
        for (i, d) in disclosures.iter().enumerate() {
            if self.digests.binary_search(&d.digest()).is_err() {
                return Err(problem(V2Problem::BadDisclosure {
                    index: i,
                    what: "its digest is not among the signed digests".into(),
                }));
            }
            for (item, value) in &d.items {
                put_item(&mut body, *item, value.clone());
            }
        }
        let all_units = units(t);
        let shown: Vec<usize> = disclosures.iter().map(|d| d.unit).collect();
        let hidden_any = self.digests.len() > disclosures.len();
        if let Some(d) = &t.disclosure {
            for m in &d.minimum {
                let Some(item) = Item::of(t, m) else { continue };
                let unit = all_units.iter().position(|u| u.contains(&item));
                if unit.is_some_and(|u| !shown.contains(&u)) {
                    return Err(problem(V2Problem::BelowMinimum(m.clone())));
                }
            }
        }
        let mut not_shown = Vec::new();
        if hidden_any {
            for (u, items) in all_units.iter().enumerate() {
                if !shown.contains(&u) {
                    not_shown.extend(items.iter().map(|i| i.name(t).to_owned()));
                }
            }
        }
        let mut license = self.decode_with(&body, Some(issuer))?;
        license.not_shown = not_shown
            .into_iter()
            .filter(|n| n != HOLDER_NAME_ITEM)
            .collect();
        Ok(license)
    }

    /// Decode a body (with whatever items it holds in place) into a license.
    fn decode_with(
        &self,
        body: &Map,
        issuer: Option<(&OrgCode, &str)>,
    ) -> Result<License, LicenseError> {
        let t = self.template;
        let get = |k: i128| body.get(&k);
        let type_code: LicenseTypeCode =
            t.type_code.parse().map_err(|e| LicenseError::Identifier {
                field: "license type code",
                source: e,
            })?;
        let sequence = match get(key::SEQUENCE) {
            Some(Value::Integer(n)) => u64::try_from(*n)
                .map_err(|_| problem(V2Problem::BadValue(key::SEQUENCE, "sequence number")))?,
            _ => {
                return Err(problem(V2Problem::Missing(
                    key::SEQUENCE,
                    "sequence number",
                )))
            }
        };
        let stand_in;
        let (issuer_code, issuer_name) = match issuer {
            Some((c, n)) => (c.clone(), n.to_owned()),
            None => {
                stand_in = OrgCode::with_check("11000000000000000").map_err(|e| {
                    LicenseError::Identifier {
                        field: "issuer code",
                        source: e,
                    }
                })?;
                (stand_in, String::new())
            }
        };
        let id = LicenseId::new(type_code, issuer_code, sequence).map_err(|e| {
            LicenseError::Identifier {
                field: "sequence number",
                source: e,
            }
        })?;
        let name = match get(key::HOLDER_NAME) {
            Some(Value::Text(n)) => n.clone(),
            Some(_) => {
                return Err(problem(V2Problem::BadValue(
                    key::HOLDER_NAME,
                    "holder name",
                )))
            }
            None if is_personal(t, Item::Name) => String::new(),
            None => return Err(problem(V2Problem::Missing(key::HOLDER_NAME, "holder name"))),
        };
        let holder_id = match get(key::HOLDER_CODE) {
            Some(v) => holder_code_from(v, self.kind)?,
            None if is_personal(t, Item::Code) => HolderId::NotShown,
            None => return Err(problem(V2Problem::Missing(key::HOLDER_CODE, "holder code"))),
        };
        let day = |k: i128, what: &'static str| -> Result<Option<Date>, LicenseError> {
            match get(k) {
                None => Ok(None),
                Some(Value::Integer(d)) => Ok(Some(date_from_days(what, *d)?)),
                Some(_) => Err(problem(V2Problem::BadValue(k, what))),
            }
        };
        let issued_on = day(key::IAT, "issue date")?
            .ok_or(problem(V2Problem::Missing(key::IAT, "issue date")))?;
        let from = match day(key::NBF, "validity start")? {
            Some(d) if d == issued_on => {
                return Err(problem(V2Problem::Implied(key::NBF, "validity start")))
            }
            Some(d) => d,
            None => issued_on,
        };
        let default = t.default_end(from);
        let until = match get(key::EXP) {
            None => default,
            Some(Value::Array(a)) if a.is_empty() && default.is_some() => None,
            Some(Value::Integer(_)) => {
                let d = day(key::EXP, "validity end")?;
                if d == default {
                    return Err(problem(V2Problem::Implied(key::EXP, "validity end")));
                }
                d
            }
            Some(_) => return Err(problem(V2Problem::BadValue(key::EXP, "validity end"))),
        };
        let validity = match until {
            None => Validity::perpetual(from),
            Some(u) => Validity::until(from, u)?,
        };
        let mut fields = Vec::new();
        match get(key::FIELDS) {
            None => {}
            Some(Value::Map(map)) if !map.is_empty() => {
                for (k, v) in map {
                    let index = match k {
                        Value::Integer(n) if *n >= 1 && (*n as usize) <= t.fields.len() => {
                            *n as usize - 1
                        }
                        Value::Integer(n) => return Err(problem(V2Problem::NoField(*n))),
                        _ => return Err(problem(V2Problem::BadValue(key::FIELDS, "fields"))),
                    };
                    fields.push(field_from(t, index, v)?);
                }
            }
            Some(_) => return Err(problem(V2Problem::BadValue(key::FIELDS, "a non-empty map"))),
        }
        let attachments = match get(key::ATTACHMENTS) {
            None => vec![],
            Some(Value::Array(list)) if !list.is_empty() && list.len() <= MAX_ATTACHMENTS => list
                .iter()
                .enumerate()
                .map(|(i, v)| AttachmentRef::from_cbor(i, v))
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(problem(V2Problem::BadValue(
                    key::ATTACHMENTS,
                    "attachments",
                )))
            }
        };
        let status_index = match get(key::STATUS) {
            None => None,
            Some(Value::Integer(n)) => Some(
                u64::try_from(*n)
                    .map_err(|_| problem(V2Problem::BadValue(key::STATUS, "status index")))?,
            ),
            Some(_) => return Err(problem(V2Problem::BadValue(key::STATUS, "status index"))),
        };
        let license = License {
            id,
            type_name: t.type_name.clone(),
            issuer_name,
            holder: Holder {
                name,
                id: holder_id,
            },
            issued_on,
            validity,
            fields,
            attachments,
            status_index,
            not_shown: vec![],
        };
        if issuer.is_some() {
            license.validate()?;
        }
        Ok(license)
    }
}

impl Payload for LicenseV2 {
    const CONTENT_TYPE: ContentType = ContentType::LicenseV2;
    const MAX_SIGNED_LEN: usize = MAX_SIGNED_LEN;
    type Error = LicenseError;

    fn decode(payload: &[u8]) -> Result<Self, LicenseError> {
        LicenseV2::from_cbor(payload)
    }

    fn encode(&self) -> Result<Vec<u8>, LicenseError> {
        let mut body = self.body.clone();
        if !self.digests.is_empty() {
            body.insert(key::DIGESTS, digests_value(&self.digests));
        }
        encode_body(&body)
    }
}

// ---------------------------------------------------------------------------------------------
// Presenting.

/// Make a presentation from the holder's copy `wire` (`docs/FORMAT.md` §12.4): the units that
/// hold any of the items in `show` (`holder_name`, `holder_id` or field keys) are disclosed,
/// every other unit is replaced by its digest, and the seed is left out. Refused when an item
/// is unknown, or when the units shown do not include the template's minimum set. Needs no
/// key: the issuer's signature is carried over unchanged.
pub fn present(wire: &[u8], show: &[&str]) -> Result<Vec<u8>, LicenseError> {
    let parsed = Wire::parse(wire)?;
    if parsed.form != WireForm::HoldersCopy || parsed.seed.is_none() {
        return Err(problem(V2Problem::NotHoldersCopy));
    }
    let signed = LicenseV2::from_cbor(parsed.cose.payload())?;
    let t = signed.template;
    let all = units(t);
    let mut shown_units = std::collections::BTreeSet::new();
    for name in show {
        let item =
            Item::of(t, name).ok_or_else(|| problem(V2Problem::UnknownItem((*name).to_owned())))?;
        if let Some(u) = all.iter().position(|u| u.contains(&item)) {
            shown_units.insert(u);
        }
    }
    if let Some(d) = &t.disclosure {
        for m in &d.minimum {
            let unit = Item::of(t, m).and_then(|item| all.iter().position(|u| u.contains(&item)));
            if unit.is_some_and(|u| !shown_units.contains(&u)) {
                return Err(problem(V2Problem::BelowMinimum(m.clone())));
            }
        }
    }
    let mut body = signed.body.clone();
    let (shown, hidden): (Vec<&Disclosure>, Vec<&Disclosure>) = parsed
        .disclosures
        .iter()
        .partition(|d| shown_units.contains(&d.unit));
    if !shown.is_empty() {
        body.insert(
            key::DISCLOSURES,
            Value::Array(
                shown
                    .iter()
                    .map(|d| Value::Bytes(d.bytes.clone()))
                    .collect(),
            ),
        );
    }
    if !hidden.is_empty() {
        body.insert(
            key::HIDDEN,
            digests_value(&sorted_digests(hidden.iter().map(|d| d.digest()))),
        );
    }
    Ok(sd_array(
        parsed.cose.protected(),
        &body,
        parsed.cose.signature(),
    ))
}

/// The disclosure units of a license type, for a holder's interface: each unit's items and
/// whether every presentation must show it. Empty for a type with no personal items.
pub fn disclosure_units(type_code: &str) -> Vec<(Vec<String>, bool)> {
    let Some(t) = LicenseTemplate::builtin_ref(type_code) else {
        return vec![];
    };
    let Some(d) = &t.disclosure else {
        return vec![];
    };
    d.units
        .iter()
        .map(|u| (u.clone(), u.iter().any(|i| d.minimum.contains(i))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_codes_pack_into_11_bytes_and_back() {
        for code in [
            "91350100MA8T2Q3X18",
            "11350100MB0312345",
            "YYYYYYYYYYYYYYYYY",
        ] {
            let Ok(org) = code
                .parse::<OrgCode>()
                .or_else(|_| OrgCode::with_check(code))
            else {
                continue;
            };
            let packed = pack_org(&org);
            assert_eq!(packed.len(), 11);
            assert_eq!(unpack_org(&packed), Some(org));
        }
        assert_eq!(unpack_org(&[0xff; 11]), None, "more than 31^17");
    }

    #[test]
    fn salts_are_hmac_sha256_truncated() {
        // HMAC-SHA256(key = 16 × 0x01, message = 00 00 00 00), first 16 bytes: computed with
        // Python's hmac module.
        let s = salt(&[1; 16], 0);
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&[1; 16]).unwrap();
        mac.update(&[0, 0, 0, 0]);
        assert_eq!(s[..], mac.finalize().into_bytes()[..16]);
        assert_ne!(salt(&[1; 16], 0), salt(&[1; 16], 1));
    }
}
