//! Every size and nesting limit the library enforces, in one place.
//!
//! Decoders check these before allocating or recursing, so that no input can make them use
//! unbounded memory or stack. Encoders apply the same limits, so whatever we sign we can also read.

/// Longest transport text accepted by [`crate::transport::decode`], in bytes, after trimming
/// surrounding white space (a URL prefix counts). The longest form of the largest signed document
/// ([`MAX_SIGNED_LEN`] bytes in base45, 3 characters per 2 bytes, plus its prefix) is 24 581
/// characters, so every document we sign can be read back as text, with 8 KiB to spare for a URL.
/// (A version-40 QR code holds only 4 296 alphanumeric characters; longer texts travel in files.)
pub const MAX_TEXT_LEN: usize = 32 * 1024;

/// Largest signed document (the COSE_Sign1 bytes) accepted anywhere, before or after inflating.
pub const MAX_SIGNED_LEN: usize = 16 * 1024;

/// Deepest nesting of CBOR arrays, maps and tags accepted in any decoded structure. The license
/// payload needs 4 (map → field list → field pair → date tag).
pub const MAX_CBOR_DEPTH: usize = 8;

/// Most typed fields one license may carry.
pub const MAX_FIELDS: usize = 64;

/// Most attachment references one license may carry.
pub const MAX_ATTACHMENTS: usize = 64;

/// Longest text value (names, field texts, file names), in UTF-8 bytes.
pub const MAX_TEXT_BYTES: usize = 1024;

/// Longest byte-string field value.
pub const MAX_BYTES_FIELD: usize = 4 * 1024;

/// Longest field key, in bytes (keys are ASCII `[a-z][a-z0-9_]*`).
pub const MAX_FIELD_KEY_LEN: usize = 32;

/// Longest media type of an attachment reference, in bytes (RFC 6838 allows 127 + 1 + 127).
pub const MAX_MEDIA_TYPE_LEN: usize = 255;

/// Longest "other" holder identifier (passport or permit numbers), in bytes.
pub const MAX_OTHER_ID_LEN: usize = 64;

/// Earliest year of any date in a license.
pub const MIN_YEAR: i32 = 1;

/// Latest year of any date in a license.
pub const MAX_YEAR: i32 = 9999;

/// Largest signed trust list, in bytes.
pub const MAX_TRUST_LIST_LEN: usize = 1024 * 1024;

/// Most department certificates one trust list may carry.
pub const MAX_TRUST_LIST_CERTS: usize = 1024;

/// Most revoked-certificate fingerprints one trust list may carry.
pub const MAX_REVOKED_CERTS: usize = 4096;

/// Largest signed revocation status list, in bytes.
pub const MAX_STATUS_LIST_LEN: usize = 256 * 1024;

/// Most entries (licenses) one status list may cover: 16 Mi, a 2 MiB bitstring.
pub const MAX_STATUS_ENTRIES: u64 = 1 << 24;

/// Largest image accepted by [`crate::qr::decode_luma`], in pixels (a 24-megapixel photo).
pub const MAX_DECODE_PIXELS: usize = 24_000_000;

/// Longest side accepted by [`crate::qr::decode_luma`], in pixels. The patched rqrr
/// (`vendor/rqrr`) clamps the points its perspective fitting computes to ±16 384 instead of
/// panicking on points outside the i32 range; with no side longer than this, a clamped point is
/// always outside the image.
pub const MAX_DECODE_SIDE: usize = 16_384;

/// Read size of [`crate::hash_reader`]: files are hashed in 1 MiB blocks, never whole.
pub const HASH_BLOCK: usize = 1 << 20;

/// Longest officer identifier in an attestation, in bytes.
pub const MAX_OFFICER_ID_LEN: usize = 32;

/// Largest encoded license payload; leaves room for the COSE envelope within [`MAX_SIGNED_LEN`].
pub const MAX_PAYLOAD_LEN: usize = MAX_SIGNED_LEN - 256;

/// Largest certificate accepted, in bytes (DER, or PEM before decoding).
pub const MAX_CERT_LEN: usize = 16 * 1024;

/// Most license types one department certificate may permit.
pub const MAX_LICENSE_TYPES: usize = 256;

/// Longest remembered trust state ([`crate::TrustState::from_json`]), in bytes.
pub const MAX_TRUST_STATE_LEN: usize = 64 * 1024;

/// Most roots one remembered trust state may name.
pub const MAX_TRUST_STATE_ROOTS: usize = 256;

/// Longest time from a trust or status list's issue time to its next update, in seconds (366
/// days): a list cannot declare itself current for longer (`docs/TRUST.md` §4, "Freshness").
pub const MAX_LIST_INTERVAL_SECONDS: i64 = 366 * 86_400;

/// How long after its next update a trust or status list still counts as *stale* (amber, the
/// age shown) rather than as no list at all, in seconds (7 days; `docs/TRUST.md` §4).
pub const STALE_LIST_GRACE_SECONDS: i64 = 7 * 86_400;

/// Most hashes in a Merkle inclusion or consistency proof: a tree of at most 2^64 entries needs
/// 64, and a consistency proof one more (`docs/LOG.md` §2).
pub const MAX_PROOF_HASHES: usize = 65;

/// Largest signed note (a checkpoint with its cosignatures), bytes (`docs/LOG.md` §4).
pub const MAX_NOTE_LEN: usize = 16 * 1024;

/// Most signature lines in one note (C2SP requires accepting at least 16).
pub const MAX_NOTE_SIGNATURES: usize = 32;

/// Longest note key name or log origin, bytes.
pub const MAX_NOTE_NAME_LEN: usize = 128;

/// Largest log entry (deterministic CBOR), bytes.
pub const MAX_LOG_ENTRY_LEN: usize = 256;

/// Longest identifier in a log entry, bytes.
pub const MAX_LOG_ENTRY_ID_LEN: usize = 128;

/// Highest tile level (`tile/<L>/…`): eight levels of 256 cover 2^64 entries.
pub const MAX_TILE_LEVEL: u8 = 7;

/// Witnesses a trust list names for one log (`docs/LOG.md` §9); with the log's own signature,
/// within [`MAX_NOTE_SIGNATURES`].
pub const MAX_LOG_WITNESSES: usize = 16;

/// Most disclosure units of a license type (version 2, `docs/FORMAT.md` §12): also the most
/// disclosures and hidden digests one presentation carries.
pub const MAX_DISCLOSURE_UNITS: usize = 16;
