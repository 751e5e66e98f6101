//! zlib streams with a preset dictionary (RFC 1950, `FDICT` with its `DICTID`), for format
//! version 2's compact texts (`EL2Z`, `docs/FORMAT.md` §11.8), and the list of the dictionaries
//! every verifier keeps ([`DICTIONARIES`]).
//!
//! Inflating uses miniz_oxide, which the core already carries for version 1 (so the wasm build
//! pays nothing more): its raw DEFLATE decoder writes into a buffer that starts with the
//! dictionary, which is what a preset dictionary means (RFC 1950 §2.2: the dictionary is the
//! window's history before the first byte). The zlib header, `DICTID` and Adler-32 trailer are
//! checked here. Deflating (issuance only) uses flate2 on zlib-rs, whose output is that of zlib
//! at the same level. The choice was measured side by side (docs/BENCHMARKS.md, "Preset
//! dictionary codec").

use thiserror::Error;

/// A preset dictionary: its bytes and its RFC 1950 `DICTID` (the Adler-32 of the bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dictionary<'a> {
    bytes: &'a [u8],
    id: u32,
}

impl<'a> Dictionary<'a> {
    /// The dictionary of these bytes (at most the 32 KiB window: DEFLATE refers back no further).
    pub fn new(bytes: &'a [u8]) -> Result<Self, DictionaryError> {
        if bytes.is_empty() || bytes.len() > MAX_DICTIONARY_LEN {
            return Err(DictionaryError::DictionaryLength(bytes.len()));
        }
        Ok(Dictionary {
            bytes,
            id: adler32(bytes),
        })
    }

    /// Its `DICTID`: the Adler-32 of its bytes.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Its bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// Every preset dictionary ever published, oldest first (`docs/FORMAT.md` §11.8): a verifier
/// keeps them all, because licenses live for decades; issuers compress with the newest. Each
/// is immutable once listed, and a new one must have a `DICTID` no earlier one has (a test
/// checks it).
pub const DICTIONARIES: &[&[u8]] = &[include_bytes!("../../dictionaries/elicense-dict-v2-1.bin")];

/// The listed dictionary whose `DICTID` is `id`.
pub fn known(id: u32) -> Option<Dictionary<'static>> {
    DICTIONARIES
        .iter()
        .filter_map(|d| Dictionary::new(d).ok())
        .find(|d| d.id == id)
}

/// The newest listed dictionary, the one issuers compress with.
pub fn newest() -> Dictionary<'static> {
    // The list is never empty and every entry is a valid dictionary (tests check both); the
    // fallback is never taken.
    DICTIONARIES
        .last()
        .and_then(|d| Dictionary::new(d).ok())
        .unwrap_or(Dictionary { bytes: b"-", id: 0 })
}

/// Longest preset dictionary: DEFLATE's 32 KiB window.
pub const MAX_DICTIONARY_LEN: usize = 32 * 1024;

/// Why a stream does not inflate with a dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DictionaryError {
    /// A dictionary of no bytes or of more than [`MAX_DICTIONARY_LEN`].
    #[error("a preset dictionary is 1 to {MAX_DICTIONARY_LEN} bytes, not {0}")]
    DictionaryLength(usize),
    /// Shorter than a zlib header, dictionary ID and trailer.
    #[error("{0} bytes is too short for a zlib stream with a dictionary (at least 10)")]
    TooShort(usize),
    /// The two header bytes are not a zlib header of DEFLATE with a window of at most 32 KiB.
    #[error("not a zlib header (CMF {cmf:#04x}, FLG {flg:#04x})")]
    Header {
        /// The first byte.
        cmf: u8,
        /// The second byte.
        flg: u8,
    },
    /// The header does not announce a preset dictionary (`FDICT` is not set).
    #[error("the stream names no preset dictionary (FDICT is not set)")]
    NoDictionary,
    /// The stream was made with another dictionary.
    #[error("the stream needs dictionary {found:08x}, not {expected:08x}")]
    OtherDictionary {
        /// The `DICTID` of the dictionary given.
        expected: u32,
        /// The `DICTID` in the stream.
        found: u32,
    },
    /// The DEFLATE data ends before its last block.
    #[error("the data ends early (truncated)")]
    Truncated,
    /// The DEFLATE data is invalid.
    #[error("not valid DEFLATE data")]
    Corrupt,
    /// The inflated bytes would be longer than the limit.
    #[error("inflates to more than {0} bytes")]
    TooLong(usize),
    /// Bytes follow the DEFLATE data other than the 4-byte trailer.
    #[error("{0} bytes follow the compressed data, not the 4 of the checksum")]
    Trailing(usize),
    /// The Adler-32 of the inflated bytes differs from the trailer.
    #[error("checksum mismatch (the data was altered)")]
    Checksum,
    /// The compressor refused the dictionary or failed (not expected of zlib-rs).
    #[error("the compressor failed")]
    Compressor,
}

/// The Adler-32 checksum (RFC 1950 §8.2), by the crate miniz_oxide uses.
fn adler32(bytes: &[u8]) -> u32 {
    let mut a = adler2::Adler32::new();
    a.write_slice(bytes);
    a.checksum()
}

/// Inflate zlib stream `z` made with `dictionary`, refusing a stream of another dictionary or
/// none, an output longer than `limit` bytes, bytes after the stream, and a wrong checksum.
pub fn inflate(
    z: &[u8],
    dictionary: &Dictionary<'_>,
    limit: usize,
) -> Result<Vec<u8>, DictionaryError> {
    use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;

    let [cmf, flg, d0, d1, d2, d3, body @ ..] = z else {
        return Err(DictionaryError::TooShort(z.len()));
    };
    if body.len() < 4 {
        return Err(DictionaryError::TooShort(z.len()));
    }
    // CM 8 (DEFLATE), CINFO at most 7 (a 32 KiB window), and the FCHECK bits (RFC 1950 §2.2).
    if cmf & 0x0f != 8 || cmf >> 4 > 7 || (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 != 0 {
        return Err(DictionaryError::Header {
            cmf: *cmf,
            flg: *flg,
        });
    }
    if flg & 0x20 == 0 {
        return Err(DictionaryError::NoDictionary);
    }
    let found = u32::from_be_bytes([*d0, *d1, *d2, *d3]);
    if found != dictionary.id {
        return Err(DictionaryError::OtherDictionary {
            expected: dictionary.id,
            found,
        });
    }
    let start = dictionary.bytes.len();
    // One byte more than the limit: filling it means the output is too long.
    let mut window = vec![0u8; start + limit + 1];
    window[..start].copy_from_slice(dictionary.bytes);
    let mut state = Box::new(DecompressorOxide::new());
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let (status, used, written) = decompress(&mut state, body, &mut window, start, flags);
    match status {
        TINFLStatus::Done => {}
        TINFLStatus::HasMoreOutput => return Err(DictionaryError::TooLong(limit)),
        TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
            return Err(DictionaryError::Truncated)
        }
        _ => return Err(DictionaryError::Corrupt),
    }
    if written > limit {
        return Err(DictionaryError::TooLong(limit));
    }
    let rest = &body[used..];
    let [t0, t1, t2, t3] = rest else {
        return match rest.len() {
            n if n < 4 => Err(DictionaryError::Truncated),
            n => Err(DictionaryError::Trailing(n)),
        };
    };
    let out = window[start..start + written].to_vec();
    if adler32(&out) != u32::from_be_bytes([*t0, *t1, *t2, *t3]) {
        return Err(DictionaryError::Checksum);
    }
    Ok(out)
}

/// Deflate `data` at zlib's best compression (level 9) into a zlib stream that names
/// `dictionary` (`FDICT` and its `DICTID`).
#[cfg(feature = "issuance")]
pub fn deflate(data: &[u8], dictionary: &Dictionary<'_>) -> Result<Vec<u8>, DictionaryError> {
    use flate2::{Compress, Compression, FlushCompress, Status};

    let mut c = Compress::new(Compression::best(), true);
    let mut out = Vec::with_capacity(data.len() + 64);
    c.set_dictionary(dictionary.bytes)
        .map_err(|_| DictionaryError::Compressor)?;
    loop {
        let before = c.total_in();
        let input = data.get(before as usize..).unwrap_or_default();
        match c.compress_vec(input, &mut out, FlushCompress::Finish) {
            Ok(Status::StreamEnd) => return Ok(out),
            Ok(_) => out.reserve(out.capacity().max(256)),
            Err(_) => return Err(DictionaryError::Compressor),
        }
    }
}

#[cfg(all(test, feature = "issuance"))]
mod tests {
    use super::*;

    const DICT: &[u8] =
        b"\xe8\x90\xa5\xe4\xb8\x9a\xe6\x89\xa7\xe7\x85\xa7 limited company business scope";

    /// Every listed dictionary is valid, and no two share a `DICTID` (Adler-32 is no hash: a
    /// clash is checked when a dictionary is added, never left to chance).
    #[test]
    fn listed_dictionaries_are_valid_and_distinct() {
        let ids: Vec<u32> = DICTIONARIES
            .iter()
            .map(|d| Dictionary::new(d).unwrap().id())
            .collect();
        let unique: std::collections::BTreeSet<u32> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "{ids:08x?}");
        assert_eq!(
            newest().id(),
            0x104a_2730,
            "dictionary 1 of FORMAT.md §11.8"
        );
        assert_eq!(known(0x104a_2730), Some(newest()));
        assert_eq!(known(0x104a_2731), None);
    }

    #[test]
    fn round_trip_and_dictid() {
        let d = Dictionary::new(DICT).unwrap();
        let data = "营业执照 limited company business scope: software, limited company".as_bytes();
        let z = deflate(data, &d).unwrap();
        assert_eq!(z[1] & 0x20, 0x20, "FDICT set");
        assert_eq!(u32::from_be_bytes(z[2..6].try_into().unwrap()), d.id());
        assert_eq!(inflate(&z, &d, 1024).unwrap(), data);
        // The dictionary pays: shorter than the same data without it.
        let plain = miniz_oxide::deflate::compress_to_vec_zlib(data, 10);
        assert!(z.len() < plain.len(), "{} vs {}", z.len(), plain.len());
    }

    #[test]
    fn refusals() {
        let d = Dictionary::new(DICT).unwrap();
        let data = b"limited company business scope limited company".repeat(3);
        let z = deflate(&data, &d).unwrap();
        let other = Dictionary::new(b"another dictionary").unwrap();
        assert!(matches!(
            inflate(&z, &other, 1024),
            Err(DictionaryError::OtherDictionary { .. })
        ));
        assert_eq!(
            inflate(&z, &d, data.len() - 1),
            Err(DictionaryError::TooLong(data.len() - 1))
        );
        assert_eq!(inflate(&z, &d, data.len()).unwrap(), data);
        let plain = miniz_oxide::deflate::compress_to_vec_zlib(&data, 10);
        assert_eq!(
            inflate(&plain, &d, 1024),
            Err(DictionaryError::NoDictionary)
        );
        let mut bad = z.clone();
        bad[0] = 0x79; // CINFO 7 but CM 9
        assert!(matches!(
            inflate(&bad, &d, 1024),
            Err(DictionaryError::Header { .. })
        ));
        let mut bad = z.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert_eq!(inflate(&bad, &d, 1024), Err(DictionaryError::Checksum));
        let mut long = z.clone();
        long.push(0);
        assert_eq!(inflate(&long, &d, 1024), Err(DictionaryError::Trailing(5)));
        for cut in 0..z.len() {
            assert!(inflate(&z[..cut], &d, 1024).is_err(), "cut at {cut}");
        }
        assert_eq!(
            Dictionary::new(&[]).unwrap_err(),
            DictionaryError::DictionaryLength(0)
        );
        assert!(Dictionary::new(&vec![0; MAX_DICTIONARY_LEN + 1]).is_err());
    }
}
