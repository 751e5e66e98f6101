//! Strict decoding of deterministically encoded CBOR (RFC 8949 §4.2.1), shared by every parser.
//!
//! We decode with `serde_cbor` into a [`Value`], then re-encode it and require the bytes to be
//! identical to the input. Because `serde_cbor` writes definite lengths, shortest integer and length
//! heads and map keys in deterministic order, this single rule rejects indefinite lengths,
//! over-long heads, unsorted and duplicate map keys and trailing bytes.

use serde_cbor::Value;
use thiserror::Error;

use crate::limits::MAX_CBOR_DEPTH;

/// Why a byte string is not acceptable CBOR.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
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
}

/// Decode `bytes` as one deterministically encoded CBOR item.
pub(crate) fn decode(bytes: &[u8]) -> Result<Value, CborError> {
    let value: Value = serde_cbor::from_slice(bytes).map_err(|e| {
        if e.to_string().contains("recursion limit") {
            CborError::TooDeep {
                max: MAX_CBOR_DEPTH,
            }
        } else {
            CborError::Malformed(e.to_string())
        }
    })?;
    if depth(&value) > MAX_CBOR_DEPTH {
        return Err(CborError::TooDeep {
            max: MAX_CBOR_DEPTH,
        });
    }
    if encode(&value) != bytes {
        return Err(CborError::NotDeterministic);
    }
    Ok(value)
}

/// Encode a value; `serde_cbor` output for our values is always deterministic.
pub(crate) fn encode(value: &Value) -> Vec<u8> {
    // Serialising a `Value` into a Vec cannot fail: every variant has a CBOR form and the writer
    // is infallible.
    serde_cbor::to_vec(value).unwrap_or_default()
}

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

#[cfg(test)]
mod tests {
    use super::*;

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
