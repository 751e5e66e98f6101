//! Strict decoding of deterministically encoded CBOR (RFC 8949 §4.2.1), shared by every parser.
//!
//! [`decode`] reads the bytes once, front to back, and accepts exactly the deterministic encoding
//! `docs/FORMAT.md` §1 requires: definite lengths, shortest heads, map keys in strictly increasing
//! bytewise order of their encodings (so no duplicates), valid UTF-8 text, nothing after the item,
//! and at most [`MAX_CBOR_DEPTH`] nested arrays, maps and tags. Floating-point numbers and simple
//! values (`false`, `true`, `null`, `undefined` …) occur nowhere in the format and are refused.
//! Lengths are checked against the bytes left before anything is allocated, and the depth before
//! recursing, so no input makes it use more memory than a small multiple of its own size.
//!
//! Because the accepted encoding is unique, `encode(decode(b)) == b` for every accepted `b`
//! (tested below against `serde_cbor`'s own decoder and encoder).

use std::cmp::Ordering;

use serde_cbor::Value;
use thiserror::Error;

use crate::limits::MAX_CBOR_DEPTH;

/// Why a byte string is not acceptable CBOR.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CborError {
    /// The bytes are not well-formed CBOR (or have bytes after the first item).
    #[error("not well-formed CBOR: {0}")]
    Malformed(String),
    /// Arrays, maps and tags nest deeper than [`MAX_CBOR_DEPTH`].
    #[error("CBOR nests deeper than {max} levels")]
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// Well-formed, but not in deterministic encoding (for example duplicate or unsorted map keys,
    /// indefinite lengths or over-long integer heads).
    #[error("CBOR is not in deterministic encoding (duplicate or unsorted map keys, indefinite lengths or over-long heads)")]
    NotDeterministic,
    /// A well-formed item of a kind the format never uses (a floating-point number or a simple
    /// value such as `true` or `null`).
    #[error(
        "CBOR {what} at byte {offset}: the format uses no floating-point numbers or simple values"
    )]
    Unsupported {
        /// What was found.
        what: &'static str,
        /// Its offset in the input.
        offset: usize,
    },
}

/// Decode `bytes` as one deterministically encoded CBOR item.
pub(crate) fn decode(bytes: &[u8]) -> Result<Value, CborError> {
    let mut reader = Reader { bytes, pos: 0 };
    let value = reader.item(0)?;
    if reader.pos != bytes.len() {
        return Err(CborError::Malformed(format!(
            "{} bytes after the first item",
            bytes.len() - reader.pos
        )));
    }
    Ok(value)
}

/// A cursor over the input.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn truncated(&self) -> CborError {
        CborError::Malformed(format!(
            "the input ends inside an item (at byte {})",
            self.bytes.len()
        ))
    }

    /// The next `n` bytes, refused before anything is allocated when fewer are left.
    fn take(&mut self, n: u64) -> Result<&'a [u8], CborError> {
        let left = self.bytes.len() - self.pos;
        match usize::try_from(n) {
            Ok(n) if n <= left => {
                let out = &self.bytes[self.pos..self.pos + n];
                self.pos += n;
                Ok(out)
            }
            _ => Err(CborError::Malformed(format!(
                "a length of {n} at byte {} runs past the end of the input ({left} bytes left)",
                self.pos
            ))),
        }
    }

    fn uint(&mut self, width: u64) -> Result<u64, CborError> {
        let bytes = self.take(width)?;
        Ok(bytes.iter().fold(0, |acc, &b| (acc << 8) | u64::from(b)))
    }

    /// An item's head: its major type and argument, in shortest form with a definite length.
    fn head(&mut self) -> Result<(u8, u64), CborError> {
        let offset = self.pos;
        let initial = *self.bytes.get(self.pos).ok_or_else(|| self.truncated())?;
        self.pos += 1;
        let major = initial >> 5;
        let info = initial & 0x1f;
        if major == 7 {
            let what = match info {
                20 => "false",
                21 => "true",
                22 => "null",
                23 => "undefined",
                25..=27 => "floating-point number",
                31 => {
                    return Err(CborError::Malformed(format!(
                        "a break code (0xff) at byte {offset} outside an indefinite-length item"
                    )))
                }
                28..=30 => {
                    return Err(CborError::Malformed(format!(
                        "reserved initial byte {initial:#04x} at byte {offset}"
                    )))
                }
                _ => "simple value",
            };
            return Err(CborError::Unsupported { what, offset });
        }
        let (argument, smallest) = match info {
            0..=23 => return Ok((major, u64::from(info))),
            24 => (self.uint(1)?, 24),
            25 => (self.uint(2)?, 0x100),
            26 => (self.uint(4)?, 0x1_0000),
            27 => (self.uint(8)?, 0x1_0000_0000),
            31 if major != 0 && major != 1 && major != 6 => {
                return Err(CborError::NotDeterministic)
            }
            _ => {
                return Err(CborError::Malformed(format!(
                    "reserved initial byte {initial:#04x} at byte {offset}"
                )))
            }
        };
        if argument < smallest {
            return Err(CborError::NotDeterministic);
        }
        Ok((major, argument))
    }

    /// One item; `depth` arrays, maps and tags enclose it.
    fn item(&mut self, depth: usize) -> Result<Value, CborError> {
        let offset = self.pos;
        let (major, argument) = self.head()?;
        let container = || {
            if depth >= MAX_CBOR_DEPTH {
                Err(CborError::TooDeep {
                    max: MAX_CBOR_DEPTH,
                })
            } else {
                Ok(depth + 1)
            }
        };
        Ok(match major {
            0 => Value::Integer(argument.into()),
            1 => Value::Integer(-1 - i128::from(argument)),
            2 => Value::Bytes(self.take(argument)?.to_vec()),
            3 => {
                let bytes = self.take(argument)?;
                let text = std::str::from_utf8(bytes).map_err(|e| {
                    CborError::Malformed(format!(
                        "the text string at byte {offset} is not UTF-8 ({e})"
                    ))
                })?;
                Value::Text(text.to_owned())
            }
            4 => {
                let inner = container()?;
                // Every item takes at least one byte: a count above the bytes left is refused
                // before the vector is allocated.
                self.fits(argument, 1)?;
                let mut items = Vec::with_capacity(argument as usize);
                for _ in 0..argument {
                    items.push(self.item(inner)?);
                }
                Value::Array(items)
            }
            5 => {
                let inner = container()?;
                self.fits(argument, 2)?;
                let mut map = std::collections::BTreeMap::new();
                let mut previous: Option<&'a [u8]> = None;
                for _ in 0..argument {
                    let key_start = self.pos;
                    let key = self.item(inner)?;
                    let key_bytes = &self.bytes[key_start..self.pos];
                    if let Some(previous) = previous {
                        if previous.cmp(key_bytes) != Ordering::Less {
                            return Err(CborError::NotDeterministic);
                        }
                    }
                    previous = Some(key_bytes);
                    let value = self.item(inner)?;
                    if map.insert(key, value).is_some() {
                        return Err(CborError::NotDeterministic);
                    }
                }
                Value::Map(map)
            }
            6 => {
                let inner = container()?;
                Value::Tag(argument, Box::new(self.item(inner)?))
            }
            // Major type 7 is refused by `head`.
            _ => {
                return Err(CborError::Unsupported {
                    what: "simple value",
                    offset,
                })
            }
        })
    }

    /// Refuse a count of `count` items of at least `each` bytes when fewer bytes are left.
    fn fits(&self, count: u64, each: u64) -> Result<(), CborError> {
        let left = (self.bytes.len() - self.pos) as u64;
        if count.saturating_mul(each) > left {
            return Err(CborError::Malformed(format!(
                "a count of {count} items at byte {} needs more than the {left} bytes left",
                self.pos
            )));
        }
        Ok(())
    }
}

/// Encode a value; `serde_cbor` output for our values is always deterministic.
pub(crate) fn encode(value: &Value) -> Vec<u8> {
    // Serialising a `Value` into a Vec cannot fail: every variant has a CBOR form and the writer
    // is infallible.
    serde_cbor::to_vec(value).unwrap_or_default()
}

/// A short human description of a value's type, for error messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Integer(_) => "integer",
        Value::Float(_) => "float",
        Value::Bytes(_) => "byte string",
        Value::Text(_) => "text string",
        Value::Array(_) => "array",
        Value::Map(_) => "map",
        Value::Tag(..) => "tagged item",
        _ => "unknown item",
    }
}

/// Why an entry of a CBOR map is not acceptable: what every document decoder reports through
/// the one map reader (`MapReader`), wrapped in its own error type.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FieldError {
    /// The item is not a map.
    #[error("{what} must be a CBOR map, found {found}")]
    NotAMap {
        /// The document.
        what: &'static str,
        /// What was found.
        found: &'static str,
    },
    /// A map key is not an integer, or an integer the document does not define.
    #[error("{what} has an unknown key {key}")]
    UnknownKey {
        /// The document.
        what: &'static str,
        /// The key, as text.
        key: String,
    },
    /// A required entry is absent.
    #[error("{what} lacks the required {field} (key {key})")]
    Missing {
        /// The document.
        what: &'static str,
        /// The entry's name.
        field: &'static str,
        /// The entry's key.
        key: i64,
    },
    /// An entry has the wrong CBOR type.
    #[error("{field} must be {expected}, found {found}")]
    WrongType {
        /// The entry's name.
        field: &'static str,
        /// The type required.
        expected: &'static str,
        /// The type found.
        found: &'static str,
    },
    /// An integer entry does not fit its range.
    #[error("{field} value {value} is out of range")]
    OutOfRange {
        /// The entry's name.
        field: &'static str,
        /// The value found.
        value: i128,
    },
}

/// One entry of a document's map: its integer key and its name (for error messages). Each
/// document names its keys once, as constants of this type, next to its decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    /// The integer key.
    pub label: i64,
    /// What the entry is, in words.
    pub name: &'static str,
}

impl Key {
    /// A key with its name.
    pub(crate) const fn new(label: i64, name: &'static str) -> Key {
        Key { label, name }
    }
}

/// The one way every decoder reads a CBOR map with integer keys: take each defined entry by its
/// [`Key`], then [`MapReader::finish`] refuses any entry left over. Keys arrive already checked
/// for deterministic order (so no duplicates) by [`decode`].
#[derive(Debug)]
pub(crate) struct MapReader {
    what: &'static str,
    /// The entries in the map's (deterministic) order; a taken entry's value is `None`. Maps in
    /// the format are small, so a linear search beats building a tree.
    entries: Vec<(i128, Option<Value>)>,
}

impl MapReader {
    /// Read `value` as a map of `what` (a document name for messages) whose keys are integers.
    pub(crate) fn new(value: Value, what: &'static str) -> Result<Self, FieldError> {
        let Value::Map(map) = value else {
            return Err(FieldError::NotAMap {
                what,
                found: kind(&value),
            });
        };
        let mut entries = Vec::with_capacity(map.len());
        for (k, v) in map {
            match k {
                Value::Integer(k) => entries.push((k, Some(v))),
                other => {
                    return Err(FieldError::UnknownKey {
                        what,
                        key: format!("{other:?}"),
                    })
                }
            }
        }
        Ok(MapReader { what, entries })
    }

    /// Refuse any key that is not one of `known` (before reading entries, so that an unknown key
    /// is reported as such rather than as a missing or mistyped entry).
    pub(crate) fn only(&self, known: &[Key]) -> Result<(), FieldError> {
        match self
            .entries
            .iter()
            .map(|(k, _)| k)
            .find(|k| !known.iter().any(|key| i128::from(key.label) == **k))
        {
            Some(k) => Err(FieldError::UnknownKey {
                what: self.what,
                key: k.to_string(),
            }),
            None => Ok(()),
        }
    }

    /// The entry under `key`, if present.
    pub(crate) fn optional(&mut self, key: Key) -> Option<Value> {
        let label = i128::from(key.label);
        self.entries
            .iter_mut()
            .find(|(k, _)| *k == label)
            .and_then(|(_, v)| v.take())
    }

    /// The entry under `key`; an error naming it when absent.
    pub(crate) fn required(&mut self, key: Key) -> Result<Value, FieldError> {
        self.optional(key).ok_or(FieldError::Missing {
            what: self.what,
            field: key.name,
            key: key.label,
        })
    }

    /// Succeed only when every entry has been taken.
    pub(crate) fn finish(self) -> Result<(), FieldError> {
        match self.entries.iter().find(|(_, v)| v.is_some()) {
            Some((k, _)) => Err(FieldError::UnknownKey {
                what: self.what,
                key: k.to_string(),
            }),
            None => Ok(()),
        }
    }
}

/// `value` as an integer.
pub(crate) fn int(value: Value, field: &'static str) -> Result<i128, FieldError> {
    match value {
        Value::Integer(n) => Ok(n),
        other => Err(wrong(field, "an integer", &other)),
    }
}

/// `value` as an unsigned 64-bit integer.
pub(crate) fn uint(value: Value, field: &'static str) -> Result<u64, FieldError> {
    let n = int(value, field)?;
    u64::try_from(n).map_err(|_| FieldError::OutOfRange { field, value: n })
}

/// `value` as a text string.
pub(crate) fn text(value: Value, field: &'static str) -> Result<String, FieldError> {
    match value {
        Value::Text(t) => Ok(t),
        other => Err(wrong(field, "a text string", &other)),
    }
}

/// `value` as a byte string.
pub(crate) fn bytes(value: Value, field: &'static str) -> Result<Vec<u8>, FieldError> {
    match value {
        Value::Bytes(b) => Ok(b),
        other => Err(wrong(field, "a byte string", &other)),
    }
}

/// `value` as an array.
pub(crate) fn array(value: Value, field: &'static str) -> Result<Vec<Value>, FieldError> {
    match value {
        Value::Array(items) => Ok(items),
        other => Err(wrong(field, "an array", &other)),
    }
}

/// The error for an entry of the wrong type.
pub(crate) fn wrong(field: &'static str, expected: &'static str, found: &Value) -> FieldError {
    FieldError::WrongType {
        field,
        expected,
        found: kind(found),
    }
}

/// An integer-keyed map of entries in deterministic form, for encoders: keys are sorted as
/// deterministic CBOR requires by [`encode`].
pub(crate) fn int_map(entries: impl IntoIterator<Item = (Key, Value)>) -> Value {
    Value::Map(
        entries
            .into_iter()
            .map(|(k, v)| (Value::Integer(k.label.into()), v))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Nesting depth: scalars are 0, a container adds one to its deepest child.
    fn depth(value: &Value) -> usize {
        match value {
            Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
            Value::Map(map) => {
                1 + map
                    .iter()
                    .map(|(k, v)| depth(k).max(depth(v)))
                    .max()
                    .unwrap_or(0)
            }
            Value::Tag(_, inner) => 1 + depth(inner),
            _ => 0,
        }
    }

    /// The decoder this module used before: `serde_cbor`, a depth check, and re-encoding to
    /// prove the encoding deterministic. The differential tests below hold the reader to it.
    fn oracle(bytes: &[u8]) -> Option<Value> {
        let value: Value = serde_cbor::from_slice(bytes).ok()?;
        (depth(&value) <= MAX_CBOR_DEPTH && encode(&value) == bytes).then_some(value)
    }

    /// Whether a value holds a float or simple value, which the reader refuses by design.
    fn has_float_or_simple(value: &Value) -> bool {
        match value {
            Value::Array(items) => items.iter().any(has_float_or_simple),
            Value::Map(map) => map
                .iter()
                .any(|(k, v)| has_float_or_simple(k) || has_float_or_simple(v)),
            Value::Tag(_, inner) => has_float_or_simple(inner),
            Value::Integer(_) | Value::Bytes(_) | Value::Text(_) => false,
            _ => true,
        }
    }

    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<i64>().prop_map(|n| Value::Integer(n.into())),
            (0u64..=u64::MAX).prop_map(|n| Value::Integer(n.into())),
            (0i128..30).prop_map(Value::Integer),
            prop::collection::vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
            ".{0,30}".prop_map(Value::Text),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
            any::<f64>().prop_map(Value::Float),
        ];
        leaf.prop_recursive(10, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(inner.clone(), inner.clone(), 0..6)
                    .prop_map(Value::Map),
                (0u64..300, inner).prop_map(|(t, v)| Value::Tag(t, Box::new(v))),
            ]
        })
    }

    /// An encoded value with a few bytes changed, inserted, removed or cut off.
    fn mutated() -> impl Strategy<Value = Vec<u8>> {
        (
            any_value(),
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 0..4),
        )
            .prop_map(|(value, edits)| {
                let mut bytes = encode(&value);
                for (at, byte, kind) in edits {
                    if bytes.is_empty() {
                        break;
                    }
                    let i = at.index(bytes.len());
                    match kind {
                        0 => bytes[i] = byte,
                        1 => bytes.insert(i, byte),
                        2 => {
                            bytes.remove(i);
                        }
                        _ => bytes.truncate(i),
                    }
                }
                bytes
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// Every value without floats or simple values comes back from its encoding equal, and
        /// the encoding is the only one accepted.
        #[test]
        fn reads_back_what_serde_cbor_writes(value in any_value()) {
            let bytes = encode(&value);
            match decode(&bytes) {
                Ok(decoded) => {
                    prop_assert!(!has_float_or_simple(&value));
                    prop_assert_eq!(&decoded, &value);
                    prop_assert_eq!(encode(&decoded), bytes);
                }
                Err(CborError::TooDeep { .. }) => prop_assert!(depth(&value) > MAX_CBOR_DEPTH),
                Err(CborError::Unsupported { .. }) => prop_assert!(has_float_or_simple(&value)),
                Err(e) => prop_assert!(false, "{e} for {value:?}"),
            }
        }

        /// Differential: on damaged encodings the reader accepts exactly what the old
        /// decode-and-re-encode check accepted, except floats and simple values.
        #[test]
        fn agrees_with_decode_and_reencode(bytes in mutated()) {
            let ours = decode(&bytes);
            match (&ours, oracle(&bytes)) {
                (Ok(v), Some(o)) => prop_assert_eq!(v, &o),
                (Ok(v), None) => prop_assert!(false, "accepted {bytes:02x?} as {v:?}"),
                (Err(CborError::Unsupported { .. }), _) => {}
                (Err(e), Some(o)) => prop_assert!(
                    has_float_or_simple(&o),
                    "refused {bytes:02x?} ({e}), serde_cbor reads {o:?}"
                ),
                (Err(_), None) => {}
            }
        }
    }

    #[test]
    fn refuses_floats_and_simple_values_by_name() {
        for (bytes, what) in [
            (&[0xf4][..], "false"),
            (&[0xf5], "true"),
            (&[0xf6], "null"),
            (&[0xf7], "undefined"),
            (&[0xf9, 0x3c, 0x00], "floating-point number"),
            (&[0xfa, 0x3f, 0x80, 0, 0], "floating-point number"),
            (&[0xf8, 0x20], "simple value"),
        ] {
            assert_eq!(
                decode(bytes),
                Err(CborError::Unsupported { what, offset: 0 })
            );
        }
        // Inside a map value, with its offset.
        assert_eq!(
            decode(&[0xa1, 0x01, 0xf6]),
            Err(CborError::Unsupported {
                what: "null",
                offset: 2
            })
        );
    }

    #[test]
    fn refuses_invalid_utf8_text() {
        let err = decode(&[0x62, 0xc3, 0x28]).unwrap_err();
        assert!(
            matches!(&err, CborError::Malformed(m) if m.contains("not UTF-8")),
            "{err}"
        );
    }

    #[test]
    fn map_keys_must_increase_bytewise() {
        // {"a": 0, 1: 0}: text keys sort after integer keys.
        assert_eq!(
            decode(&[0xa2, 0x61, 0x61, 0x00, 0x01, 0x00]),
            Err(CborError::NotDeterministic)
        );
        // {1: 0, "a": 0} and {"b": 0, "aa": 0} (shorter first) are in order.
        assert!(decode(&[0xa2, 0x01, 0x00, 0x61, 0x61, 0x00]).is_ok());
        assert!(decode(&[0xa2, 0x61, 0x62, 0x00, 0x62, 0x61, 0x61, 0x00]).is_ok());
        assert_eq!(
            decode(&[0xa2, 0x62, 0x61, 0x61, 0x00, 0x61, 0x62, 0x00]),
            Err(CborError::NotDeterministic)
        );
    }

    #[test]
    fn accepts_deterministic_map() {
        // {1: 2, -1: "a"}
        let bytes = [0xa2, 0x01, 0x02, 0x20, 0x61, 0x61];
        assert!(decode(&bytes).is_ok());
    }

    #[test]
    fn rejects_duplicate_keys() {
        // {1: 2, 1: 3}
        let bytes = [0xa2, 0x01, 0x02, 0x01, 0x03];
        assert_eq!(decode(&bytes), Err(CborError::NotDeterministic));
    }

    #[test]
    fn rejects_unsorted_keys() {
        // {-1: 0, 1: 0}
        let bytes = [0xa2, 0x20, 0x00, 0x01, 0x00];
        assert_eq!(decode(&bytes), Err(CborError::NotDeterministic));
    }

    #[test]
    fn rejects_overlong_integer_head() {
        // 1 encoded in two bytes
        assert_eq!(decode(&[0x18, 0x01]), Err(CborError::NotDeterministic));
    }

    #[test]
    fn rejects_indefinite_length() {
        // [_ 1]
        assert_eq!(
            decode(&[0x9f, 0x01, 0xff]),
            Err(CborError::NotDeterministic)
        );
    }

    #[test]
    fn rejects_trailing_bytes_and_truncation() {
        assert!(matches!(
            decode(&[0x01, 0x02]),
            Err(CborError::Malformed(_))
        ));
        assert!(matches!(
            decode(&[0x82, 0x01]),
            Err(CborError::Malformed(_))
        ));
        assert!(matches!(decode(&[]), Err(CborError::Malformed(_))));
    }

    #[test]
    fn rejects_deep_nesting_without_overflow() {
        for n in [MAX_CBOR_DEPTH + 1, 200, 100_000] {
            let mut bytes = vec![0x81; n];
            bytes.push(0x00);
            assert!(
                matches!(decode(&bytes), Err(CborError::TooDeep { .. })),
                "depth {n}"
            );
        }
        let mut ok = vec![0x81; MAX_CBOR_DEPTH];
        ok.push(0x00);
        assert!(decode(&ok).is_ok());
    }

    #[test]
    fn huge_declared_length_is_an_error_not_an_allocation() {
        // byte string claiming 2^63 bytes
        let bytes = [0x5b, 0x80, 0, 0, 0, 0, 0, 0, 0];
        assert!(matches!(decode(&bytes), Err(CborError::Malformed(_))));
        // array claiming 2^32 items
        let bytes = [0x9b, 0, 0, 0, 1, 0, 0, 0, 0];
        assert!(matches!(decode(&bytes), Err(CborError::Malformed(_))));
    }
}
