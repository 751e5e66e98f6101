//! The transport text that QR codes, URLs and JSON carry (`docs/FORMAT.md` §5).
//!
//! ```text
//! text   = ( "EL1" / "EL2" ) [ "Z" ] [ "U" ] ":" data
//! ```
//!
//! `EL1` carries a version-1 license or any other document; `EL2` a version-2 license or
//! presentation (`docs/FORMAT.md` §11). `Z` means the bytes were zlib-compressed (RFC 1950; for
//! `EL2Z`, with a preset dictionary named by its `DICTID`); `U` means `data` is base64url
//! without padding (RFC 4648 §5) instead of base45 (RFC 9285). Base45 texts use only the QR
//! alphanumeric alphabet; base64url texts fit in URL fragments (`https://verifier/#EL1ZU:...`).
//! [`decode`] also accepts such a URL (https only) and takes the text from its fragment.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use miniz_oxide::inflate::{decompress_to_vec_zlib_with_limit, TINFLStatus};
use thiserror::Error;

use crate::limits::{MAX_SIGNED_LEN, MAX_TEXT_LEN};

/// The version prefix every transport text starts with.
pub const VERSION_PREFIX: &str = "EL1";

/// zlib compression level used when compressing (miniz_oxide's scale, 0 to 10).
pub(crate) const COMPRESSION_LEVEL: u8 = 9;

const BASE45_ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// How the bytes are written as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// Base45 (RFC 9285): QR alphanumeric mode, the smallest QR codes.
    Base45,
    /// Base64url without padding: for URL fragments and JSON.
    Base64Url,
}

/// Whether to zlib-compress before encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Compression {
    /// Compress only when that gives a shorter text.
    Auto,
    /// Always compress.
    Always,
    /// Never compress.
    Never,
}

/// The transport version a text names: `EL1` or `EL2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TextVersion {
    /// `EL1`: a version-1 license, or any document of another kind.
    V1,
    /// `EL2`: a version-2 license or presentation (`docs/FORMAT.md` §11).
    V2,
}

/// The form of a transport text, as named by its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Form {
    /// `EL1` or `EL2`.
    pub version: TextVersion,
    /// Text encoding.
    pub encoding: Encoding,
    /// Whether the bytes are zlib-compressed.
    pub compressed: bool,
}

impl Form {
    /// The prefix for this form, such as `EL1Z:`.
    pub fn prefix(self) -> &'static str {
        match (self.version, self.compressed, self.encoding) {
            (TextVersion::V1, false, Encoding::Base45) => "EL1:",
            (TextVersion::V1, true, Encoding::Base45) => "EL1Z:",
            (TextVersion::V1, false, Encoding::Base64Url) => "EL1U:",
            (TextVersion::V1, true, Encoding::Base64Url) => "EL1ZU:",
            (TextVersion::V2, false, Encoding::Base45) => "EL2:",
            (TextVersion::V2, true, Encoding::Base45) => "EL2Z:",
            (TextVersion::V2, false, Encoding::Base64Url) => "EL2U:",
            (TextVersion::V2, true, Encoding::Base64Url) => "EL2ZU:",
        }
    }

    const ALL: [Form; 8] = {
        let mut all = [Form {
            version: TextVersion::V1,
            encoding: Encoding::Base45,
            compressed: false,
        }; 8];
        let mut i = 0;
        while i < 8 {
            all[i] = Form {
                version: if i < 4 {
                    TextVersion::V1
                } else {
                    TextVersion::V2
                },
                encoding: if i % 4 < 2 {
                    Encoding::Base45
                } else {
                    Encoding::Base64Url
                },
                compressed: i % 2 == 1,
            };
            i += 1;
        }
        all
    };
}

/// Why a transport text cannot be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TransportError {
    /// Nothing but white space.
    #[error("the text is empty")]
    Empty,
    /// Longer than [`MAX_TEXT_LEN`].
    #[error("the text is {len} bytes long, more than the limit of {max}")]
    TooLong {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Does not start with `EL`.
    #[error("the text does not start with \"EL1\" or \"EL2\": it is not an electronic license (it starts with {0:?})")]
    BadPrefix(String),
    /// A version other than 1 or 2.
    #[error("the text is format version {0:?}; this verifier reads EL1 and EL2 (a newer verifier may be needed)")]
    UnsupportedVersion(String),
    /// `EL1` or `EL2` followed by something other than `:`, `Z:`, `U:` or `ZU:`.
    #[error(
        "unknown form {0:?} after EL1 or EL2; expected for example EL1:, EL1Z:, EL1U: or EL1ZU:"
    )]
    UnknownForm(String),
    /// An `EL2Z` text compressed with a preset dictionary this verifier does not have (a newer
    /// verifier may be needed).
    #[error("the text needs preset dictionary {0:08x}, which this verifier does not have (a newer verifier may be needed)")]
    UnknownDictionary(u32),
    /// A URL without a usable fragment, or percent-encoded.
    #[error(
        "the URL must carry the license text after '#', in the base64url form (EL1U: or EL1ZU:)"
    )]
    BadUrl,
    /// A URL with another scheme than `https` (such as `http://`, whose page could be altered on
    /// the way, or `file://`): only an https verifier URL is accepted.
    #[error("the URL's scheme is {0:?}; a verifier URL must use https://")]
    NotHttps(String),
    /// Invalid base45.
    #[error("invalid base45 at character {position}: {detail}")]
    BadBase45 {
        /// 1-based position in the data part (after the prefix).
        position: usize,
        /// What is wrong.
        detail: &'static str,
    },
    /// Invalid base64url.
    #[error("invalid base64url: {0}")]
    BadBase64(base64::DecodeError),
    /// The compressed data is corrupt.
    #[error("compressed data is corrupt: {0}")]
    Inflate(InflateError),
    /// The (decompressed) bytes exceed [`MAX_SIGNED_LEN`].
    #[error("the signed document would be larger than the limit of {max} bytes")]
    TooLarge {
        /// The limit.
        max: usize,
    },
}

/// Why zlib data does not inflate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InflateError {
    /// The data ends before the stream does.
    #[error("the data ends early (truncated)")]
    Truncated,
    /// The Adler-32 checksum differs.
    #[error("checksum mismatch (the data was altered)")]
    Checksum,
    /// Not a valid zlib stream.
    #[error("not a valid zlib stream")]
    Corrupt,
}

/// A decoded transport text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The COSE_Sign1 bytes.
    pub signed: Vec<u8>,
    /// The form the text was in.
    pub form: Form,
}

/// Encode signed bytes as a transport text (`EL1`).
pub fn encode(signed: &[u8], encoding: Encoding, compression: Compression) -> String {
    let compressed = match compression {
        Compression::Never => None,
        Compression::Always => Some(compress(signed)),
        Compression::Auto => Some(compress(signed)).filter(|c| c.len() < signed.len()),
    };
    write(TextVersion::V1, signed, compressed, encoding)
}

/// Encode a version-2 license or presentation as a transport text (`EL2`): compressed with the
/// newest preset dictionary ([`crate::dictionary::newest`]) when that is shorter or asked for.
/// Without the `issuance` feature (the web page's build) nothing is compressed: `EL2Z` needs
/// the dictionary compressor, which only issuers and holders' tools carry.
pub fn encode_v2(wire: &[u8], encoding: Encoding, compression: Compression) -> String {
    #[cfg(feature = "issuance")]
    let compress = |bytes: &[u8]| {
        crate::encoding::dictionary::deflate(bytes, &crate::encoding::dictionary::newest()).ok()
    };
    #[cfg(not(feature = "issuance"))]
    let compress = |_: &[u8]| None::<Vec<u8>>;
    let compressed = match compression {
        Compression::Never => None,
        Compression::Always => compress(wire),
        Compression::Auto => compress(wire).filter(|c| c.len() < wire.len()),
    };
    write(TextVersion::V2, wire, compressed, encoding)
}

fn write(
    version: TextVersion,
    signed: &[u8],
    compressed: Option<Vec<u8>>,
    encoding: Encoding,
) -> String {
    let form = Form {
        version,
        encoding,
        compressed: compressed.is_some(),
    };
    let bytes = compressed.as_deref().unwrap_or(signed);
    let data = match encoding {
        Encoding::Base45 => base45::encode(bytes),
        Encoding::Base64Url => URL_SAFE_NO_PAD.encode(bytes),
    };
    format!("{}{}", form.prefix(), data)
}

fn compress(bytes: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(bytes, COMPRESSION_LEVEL)
}

/// Decode a transport text (or a URL whose fragment is one) into the signed bytes.
pub fn decode(text: &str) -> Result<Decoded, TransportError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(TransportError::Empty);
    }
    if text.len() > MAX_TEXT_LEN {
        return Err(TransportError::TooLong {
            len: text.len(),
            max: MAX_TEXT_LEN,
        });
    }
    let text = strip_url(text)?;
    let form = Form::ALL
        .into_iter()
        .find(|f| text.starts_with(f.prefix()))
        .ok_or_else(|| classify_prefix(text))?;
    let data = &text[form.prefix().len()..];
    let bytes = match form.encoding {
        Encoding::Base45 => decode_base45(data)?,
        Encoding::Base64Url => URL_SAFE_NO_PAD
            .decode(data)
            .map_err(TransportError::BadBase64)?,
    };
    let signed = if form.compressed && form.version == TextVersion::V2 {
        inflate_v2(&bytes)?
    } else if form.compressed {
        inflate(&bytes)?
    } else if bytes.len() > MAX_SIGNED_LEN {
        return Err(TransportError::TooLarge {
            max: MAX_SIGNED_LEN,
        });
    } else {
        bytes
    };
    Ok(Decoded { signed, form })
}

/// Whether `text` (or the URL fragment it carries) is an `EL2` text, by its prefix alone.
pub(crate) fn names_v2(text: &str) -> bool {
    strip_url(text.trim()).is_ok_and(|t| t.starts_with("EL2"))
}

/// The scheme of a text of the form `scheme://…` (RFC 3986 §3.1 syntax), if it is one. A
/// transport text (`EL` and a digit) never is, even when its base45 data starts with `//`.
fn url_scheme(text: &str) -> Option<&str> {
    let (scheme, _) = text.split_once("://")?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let transport = text.starts_with("EL") && text[2..].starts_with(|c: char| c.is_ascii_digit());
    (valid && !transport).then_some(scheme)
}

/// Longest scheme named in [`TransportError::NotHttps`].
const MAX_SCHEME_SHOWN: usize = 32;

fn strip_url(text: &str) -> Result<&str, TransportError> {
    match url_scheme(text) {
        Some(scheme) if scheme.eq_ignore_ascii_case("https") => {}
        Some(scheme) => {
            let shown: String = scheme.chars().take(MAX_SCHEME_SHOWN).collect();
            return Err(TransportError::NotHttps(shown.to_ascii_lowercase()));
        }
        None if text.starts_with('#') => {}
        None => return Ok(text),
    }
    match text.split_once('#') {
        // Before '#': printable ASCII without spaces (FORMAT.md §5 url-char); the fragment is
        // never percent-encoded.
        Some((url, fragment))
            if url.bytes().all(|b| (0x21..=0x7e).contains(&b))
                && !fragment.is_empty()
                && !fragment.contains('%') =>
        {
            Ok(fragment)
        }
        _ => Err(TransportError::BadUrl),
    }
}

fn classify_prefix(text: &str) -> TransportError {
    let head: String = text.chars().take(12).collect();
    if let Some(rest) = text
        .strip_prefix(VERSION_PREFIX)
        .or_else(|| text.strip_prefix("EL2"))
    {
        let form: String = rest.chars().take_while(|&c| c != ':').take(8).collect();
        return TransportError::UnknownForm(form);
    }
    if let Some(rest) = text.strip_prefix("EL") {
        let version: String = rest
            .chars()
            .take_while(char::is_ascii_digit)
            .take(8)
            .collect();
        if !version.is_empty() {
            return TransportError::UnsupportedVersion(format!("EL{version}"));
        }
    }
    TransportError::BadPrefix(head)
}

/// The value of each byte as a base45 digit (`NOT_BASE45` for bytes outside the alphabet).
const BASE45_VALUES: [u8; 256] = {
    let mut table = [NOT_BASE45; 256];
    let mut i = 0;
    while i < BASE45_ALPHABET.len() {
        table[BASE45_ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};
const NOT_BASE45: u8 = 0xff;

/// Strict base45 (RFC 9285): rejects characters outside the alphabet, a dangling single
/// character and groups whose value exceeds what 2 (or 1) bytes can hold, so each byte string has
/// one text. Decodes in the same pass that checks (one table lookup a character).
fn decode_base45(data: &str) -> Result<Vec<u8>, TransportError> {
    let bytes = data.as_bytes();
    if bytes.len() % 3 == 1 {
        return Err(TransportError::BadBase45 {
            position: bytes.len(),
            detail: "the length leaves a single character at the end (truncated text?)",
        });
    }
    if bytes.len() / 3 * 2 > MAX_SIGNED_LEN {
        return Err(TransportError::TooLarge {
            max: MAX_SIGNED_LEN,
        });
    }
    let mut out = Vec::with_capacity(bytes.len() / 3 * 2 + 1);
    for (g, group) in bytes.chunks(3).enumerate() {
        let mut value = 0u32;
        let mut scale = 1u32;
        for (j, &b) in group.iter().enumerate() {
            let digit = BASE45_VALUES[usize::from(b)];
            if digit == NOT_BASE45 {
                return Err(TransportError::BadBase45 {
                    position: 3 * g + j + 1,
                    detail: "character outside the base45 alphabet (0-9 A-Z space $ % * + - . / :)",
                });
            }
            value += u32::from(digit) * scale;
            scale *= 45;
        }
        let max = if group.len() == 3 { 0xffff } else { 0xff };
        if value > max {
            return Err(TransportError::BadBase45 {
                position: 3 * g + 1,
                detail: "this group's value is too large for the bytes it encodes",
            });
        }
        // A group of three characters holds two bytes (most significant first), of two one.
        if group.len() == 3 {
            out.push((value >> 8) as u8);
        }
        out.push(value as u8);
    }
    Ok(out)
}

/// Inflate an `EL2Z` stream: with the known dictionary its `DICTID` names (`FDICT` set), or
/// with none (`FDICT` clear: plain zlib).
fn inflate_v2(bytes: &[u8]) -> Result<Vec<u8>, TransportError> {
    use crate::encoding::dictionary::{self, DictionaryError};
    let Some(&[_, flg, d0, d1, d2, d3]) = bytes.get(..6) else {
        return inflate(bytes);
    };
    if flg & 0x20 == 0 {
        return inflate(bytes);
    }
    let id = u32::from_be_bytes([d0, d1, d2, d3]);
    let dict = dictionary::known(id).ok_or(TransportError::UnknownDictionary(id))?;
    dictionary::inflate(bytes, &dict, MAX_SIGNED_LEN).map_err(|e| match e {
        DictionaryError::TooLong(_) => TransportError::TooLarge {
            max: MAX_SIGNED_LEN,
        },
        DictionaryError::Truncated | DictionaryError::TooShort(_) => {
            TransportError::Inflate(InflateError::Truncated)
        }
        DictionaryError::Checksum => TransportError::Inflate(InflateError::Checksum),
        _ => TransportError::Inflate(InflateError::Corrupt),
    })
}

fn inflate(bytes: &[u8]) -> Result<Vec<u8>, TransportError> {
    decompress_to_vec_zlib_with_limit(bytes, MAX_SIGNED_LEN).map_err(|e| match e.status {
        TINFLStatus::HasMoreOutput => TransportError::TooLarge {
            max: MAX_SIGNED_LEN,
        },
        TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
            TransportError::Inflate(InflateError::Truncated)
        }
        TINFLStatus::Adler32Mismatch => TransportError::Inflate(InflateError::Checksum),
        _ => TransportError::Inflate(InflateError::Corrupt),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_round_trips() {
        let data: Vec<u8> = (0..=255u8).chain(std::iter::repeat_n(7, 300)).collect();
        for encoding in [Encoding::Base45, Encoding::Base64Url] {
            for compression in [Compression::Auto, Compression::Always, Compression::Never] {
                let text = encode(&data, encoding, compression);
                let decoded = decode(&text).unwrap();
                assert_eq!(decoded.signed, data);
                assert_eq!(decoded.form.encoding, encoding);
                assert_eq!(
                    decoded.form.compressed,
                    compression != Compression::Never,
                    "{text:.8}"
                );
            }
        }
    }

    #[test]
    fn base45_decoding_matches_the_rfc_examples_and_the_encoder() {
        // RFC 9285 §4.3 examples.
        for (bytes, text) in [
            (&b"AB"[..], "BB8"),
            (b"Hello!!", "%69 VD92EX0"),
            (b"base-45", "UJCLQE7W581"),
            (b"ietf!", "QED8WEX0"),
        ] {
            assert_eq!(decode_base45(text).unwrap(), bytes, "{text}");
        }
        // Every length up to 300, every byte value, against the base45 crate's encoder.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for len in 0..300 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state as u8
                })
                .collect();
            assert_eq!(decode_base45(&base45::encode(&bytes)).unwrap(), bytes);
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(decode_base45(&base45::encode(&all)).unwrap(), all);
    }

    #[test]
    fn base45_uses_the_rfc_alphabet() {
        // RFC 9285 §4.3 examples.
        assert_eq!(decode_base45("BB8").unwrap(), b"AB");
        assert_eq!(decode_base45("%69 VD92EX0").unwrap(), b"Hello!!");
        assert_eq!(decode_base45("UJCLQE7W581").unwrap(), b"base-45");
        assert!(encode(b"Hello!!", Encoding::Base45, Compression::Never).ends_with("%69 VD92EX0"));
    }

    #[test]
    fn base45_is_strict() {
        // "GGW" = 65536, one more than two bytes hold (RFC 9285 §6).
        assert!(matches!(
            decode_base45("GGW"),
            Err(TransportError::BadBase45 { position: 1, .. })
        ));
        // A final pair above 255: "ZZ" = 35 + 35*45.
        assert!(matches!(
            decode_base45("BB8ZZ"),
            Err(TransportError::BadBase45 { position: 4, .. })
        ));
        assert!(matches!(
            decode_base45("BB8a"),
            Err(TransportError::BadBase45 { position: 4, .. })
        ));
        assert!(matches!(
            decode_base45("BB8B"),
            Err(TransportError::BadBase45 { .. })
        ));
    }

    #[test]
    fn prefixes_are_classified() {
        assert_eq!(decode("  "), Err(TransportError::Empty));
        assert!(matches!(
            decode("HC1:ABC"),
            Err(TransportError::BadPrefix(_))
        ));
        assert_eq!(
            decode("EL3:ABC"),
            Err(TransportError::UnsupportedVersion("EL3".into()))
        );
        assert_eq!(
            decode("EL2X:ABC"),
            Err(TransportError::UnknownForm("X".into()))
        );
        assert_eq!(
            decode("EL1X:ABC"),
            Err(TransportError::UnknownForm("X".into()))
        );
        assert!(matches!(
            decode("EL1:BB8a"),
            Err(TransportError::BadBase45 { .. })
        ));
        assert!(matches!(
            decode("EL1U:A"),
            Err(TransportError::BadBase64(_))
        ));
    }

    #[test]
    fn urls_carry_the_text_in_their_fragment() {
        let text = encode(b"abc", Encoding::Base64Url, Compression::Always);
        let url = format!("https://verify.example.cn/v/#{text}");
        assert_eq!(decode(&url).unwrap().signed, b"abc");
        assert_eq!(decode(&format!("#{text}")).unwrap().signed, b"abc");
        assert_eq!(
            decode("https://verify.example.cn/"),
            Err(TransportError::BadUrl)
        );
        assert_eq!(decode("https://x/#EL1:%20A"), Err(TransportError::BadUrl));
        assert_eq!(
            decode(&format!("HTTPS://verify.example.cn/#{text}"))
                .unwrap()
                .signed,
            b"abc"
        );
    }

    #[test]
    fn urls_must_be_https() {
        let text = encode(b"abc", Encoding::Base64Url, Compression::Never);
        for (url, scheme) in [
            (format!("http://verify.example.cn/#{text}"), "http"),
            (format!("HTTP://verify.example.cn/#{text}"), "http"),
            (format!("ftp://verify.example.cn/#{text}"), "ftp"),
            (format!("file:///tmp/x#{text}"), "file"),
            (format!("javascript://x%0aalert(1)#{text}"), "javascript"),
            (
                format!("chrome-extension://abc/#{text}"),
                "chrome-extension",
            ),
        ] {
            assert_eq!(
                decode(&url),
                Err(TransportError::NotHttps(scheme.into())),
                "{url}"
            );
        }
        // A scheme too long to be one is not named in full.
        let long = format!("{}://x/#{text}", "a".repeat(100));
        assert!(matches!(decode(&long), Err(TransportError::NotHttps(s)) if s.len() <= 32));
    }

    #[test]
    fn decompression_bomb_is_stopped_at_the_limit() {
        let bomb = compress(&vec![0u8; 50 * MAX_SIGNED_LEN]);
        let text = format!("EL1Z:{}", base45::encode(&bomb));
        assert_eq!(
            decode(&text),
            Err(TransportError::TooLarge {
                max: MAX_SIGNED_LEN
            })
        );
    }

    #[test]
    fn corrupt_compressed_data_is_reported() {
        let mut z = compress(b"some signed bytes, some signed bytes");
        let last = z.len() - 1;
        z[last] ^= 1;
        let text = format!("EL1ZU:{}", URL_SAFE_NO_PAD.encode(&z));
        assert!(matches!(decode(&text), Err(TransportError::Inflate(_))));
        z.truncate(5);
        let text = format!("EL1ZU:{}", URL_SAFE_NO_PAD.encode(&z));
        assert!(matches!(decode(&text), Err(TransportError::Inflate(_))));
    }

    /// Whatever we can sign we can read back as text: the largest signed document, in its
    /// longest form (base45, uncompressed), is within the text limit.
    #[test]
    fn the_largest_signed_document_round_trips_in_every_form() {
        let data: Vec<u8> = (0..MAX_SIGNED_LEN)
            .map(|i| (i * 7919 % 251) as u8)
            .collect();
        for encoding in [Encoding::Base45, Encoding::Base64Url] {
            for compression in [Compression::Never, Compression::Always] {
                let text = encode(&data, encoding, compression);
                assert!(text.len() <= MAX_TEXT_LEN, "{}", text.len());
                assert_eq!(decode(&text).unwrap().signed, data);
            }
        }
    }

    #[test]
    fn overlong_text_is_refused_before_decoding() {
        let text = format!("EL1:{}", "0".repeat(MAX_TEXT_LEN));
        assert!(matches!(decode(&text), Err(TransportError::TooLong { .. })));
    }
}
