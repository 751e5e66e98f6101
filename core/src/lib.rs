//! # elicense: signed electronic licenses (电子证照) that anyone can verify offline
//!
//! A department signs a [`License`] with its Ed25519 key; the result is a COSE_Sign1 document
//! (RFC 9052) carried as a short text that fits in a QR code. Anyone holding the department's
//! public key (through a [`TrustStore`]) verifies it with one call to [`verify()`], which returns a
//! [`Verdict`]: valid, or invalid with a precise [`Reason`].
//!
//! The byte-level format is specified in `docs/FORMAT.md`; test vectors in `fixtures/` pin it.
//! This crate does no I/O of its own (callers hand it bytes, or a reader to [`hash_reader`]) and
//! is written not to panic on any input: every decoder checks its limits (named constants in
//! [`limits`]) before allocating or recursing, and the fuzz targets in `fuzz/` exercise every
//! parser of untrusted bytes.
//!
//! The layers, from the bottom (`docs/ARCHITECTURE.md`): signature suites ([`Suite`]); encoding
//! (CBOR, COSE_Sign1 and the [`Payload`] trait, transport text, QR); the model ([`License`],
//! identifiers, digests, templates); the other documents ([`Attestation`], [`Certificate`],
//! [`TrustList`], [`StatusList`]); verification ([`open`] for any kind of document, [`verify`]
//! for licenses, [`TrustStore`]); views for user interfaces ([`VerdictView`]).
//!
//! ```
//! use elicense::*;
//! use time::macros::{date, datetime};
//!
//! // A department's key (use a random seed in practice) and a license it issues.
//! let key = SigningKey::from_bytes(&[42; 32]);
//! let department = OrgCode::with_check("11350100M000100Y4")?; // adds the check character
//! let license = License {
//!     id: LicenseId::new("YYZZ".parse()?, department.clone(), 1)?,
//!     type_name: "营业执照".into(),
//!     issuer_name: "福州市市场监督管理局".into(),
//!     holder: Holder {
//!         name: "福州示例科技有限公司".into(),
//!         id: HolderId::Organisation(OrgCode::with_check("91350100MA0000001")?),
//!     },
//!     issued_on: date!(2024 - 03 - 01),
//!     validity: Validity::perpetual(date!(2024 - 03 - 01)),
//!     fields: vec![Field::new("registered_capital", FieldValue::Text("100万元".into()))],
//!     attachments: vec![],
//!     status_index: None,
//!     not_shown: vec![],
//! };
//!
//! // Sign, and write as QR text.
//! let signed = license.sign(&key)?;
//! let text = transport::encode(&signed, Encoding::Base45, Compression::Auto);
//! assert!(text.starts_with("EL1"));
//! let qr = QrMatrix::new(&text, ErrorCorrection::Medium)?;
//! let svg = qr.to_svg(4); // or qr.to_terminal(), or qr.modules()
//! assert!(svg.contains("<svg"));
//!
//! // A verifier that trusts the department's key.
//! let mut trust = TrustStore::new();
//! trust.add(key.verifying_key(), department, "福州市市场监督管理局")?;
//! let now = datetime!(2025-01-01 12:00 UTC);
//! match verify(Input::Text(&text), &trust, now) {
//!     Verdict::Valid(ok) => assert_eq!(ok.license, license),
//!     Verdict::Invalid(bad) => panic!("{}", bad.reason),
//!     other => panic!("a verdict this example does not know: {other:?}"),
//! }
//!
//! // Altering one character makes it invalid, with a reason.
//! let mut altered = text.clone().into_bytes();
//! altered[40] = if altered[40] == b'A' { b'B' } else { b'A' };
//! let verdict = verify(Input::Text(std::str::from_utf8(&altered)?), &trust, now);
//! assert!(!verdict.is_valid());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

// The layers, from the bottom: suite → encoding → model → documents → verify → view; each
// imports only layers below it (docs/ARCHITECTURE.md draws them; rustfmt sorts this list).
mod documents;
mod encoding;
pub mod limits;
mod log;
mod model;
mod suite;
mod verify;
mod view;

// Encoding: CBOR, COSE_Sign1 and the payload trait, transport text, QR.
pub use encoding::cbor::{CborError, FieldError};
pub use encoding::cose::{ContentType, CoseError, CoseSign1, HeaderProblem, Kid, Payload};
pub use encoding::qr::{ErrorCorrection, QrError, QrMatrix};
pub use encoding::transport::{
    Compression, Decoded, Encoding, Form, InflateError, TextVersion, TransportError,
};

// The issuance log: Merkle trees and proofs, signed notes, checkpoints, tiles, offline proofs
// (functions and constants in the `tlog` path module).
pub use log::checkpoint::{Checkpoint, CheckpointError};
pub use log::merkle::{BuildError, MemoryTree, MissingNode, NodeSource, ProofError};
pub use log::note::{Note, NoteError, NoteKey, NoteKeyKind, NoteSignature};
pub use log::proof::{TlogProof, TlogProofError};
pub use log::tile::{TileError, TileHeights, TileId};
pub use model::log_entry::{LogEntry, LogEntryError};

// Signature suites.
pub use suite::{AnySuite, Ed25519, PublicKey, Signer, Suite, SuiteError};

// Model: text rules, identifiers, time, digests, the license and its templates.
pub use model::digest::{hash_reader, FileDigest, FileHasher};
pub use model::identifier::{
    Division, IdentifierError, LicenseId, LicenseTypeCode, OrgCode, ResidentId,
};
pub use model::license::{
    AttachmentError, AttachmentRef, Field, FieldValue, Holder, HolderId, HolderProblem, License,
    LicenseError, V2Problem, Validity, FORMAT_VERSION, TAG_DAYS_SINCE_EPOCH,
};
pub use model::license_v2::{
    disclosure_units, present, Disclosure, LicenseV2, Wire, WireForm, DIGEST_LEN, SALT_LEN,
    SEED_LEN,
};
pub use model::template::{
    parse_date, ColumnProblem, DateError, DisclosureSpec, FieldKind, FieldSpec, HolderKind,
    IssueContext, LicenseTemplate, TemplateError, TemplateProblem, HOLDER_ID_ITEM,
    HOLDER_NAME_ITEM,
};
pub use model::text::TextError;
pub use model::time::{license_day, LICENSE_UTC_OFFSET_HOURS};

// Documents: attestations, certificates, trust lists, status lists.
pub use documents::attestation::{Attestation, Statement, ATTESTATION_VERSION};
#[cfg(feature = "issuance")]
pub use documents::cert::CertRequest;
pub use documents::cert::{
    CertError, Certificate, CertificationRequest, DepartmentProblem, LicenseTypesProblem,
};
pub use documents::status_list::{StatusList, StatusListError};
pub use documents::trust_list::{
    LogWitness, NamedLog, TrustList, TrustListError, LOG_ORIGIN_PREFIX,
};
#[cfg(feature = "issuance")]
pub use suite::keys::{KeyError, KeyProtection};

// Verification: the one envelope path, trust, licenses, files, reasons.
pub use verify::envelope::{
    open, unseal, Failure, Input, KeyRing, OpenError, Opened, ReadError, Sealed,
};
pub use verify::files::{
    check_attachments, find_attachment, verify_attachment, AttachmentCheck, AttachmentVerdict,
};
pub use verify::issuance::{
    check_issuing_certificate, check_root_certificate, IssuanceError, IssuingCertificate,
};
pub use verify::license::{
    inspect, verify, verify_many, Inspection, Rejected, Revocation, RevocationState, Verdict,
    Verified,
};
pub use verify::log::{
    check_log_proof, check_verified_log_proof, log_key, log_origin, LogPolicy, LogProofError,
    Logged, LOG_PROOF_CODES,
};
pub use verify::reason::{reason_code, ListKind, Reason, ReasonCode, REASON_CODES};
pub use verify::trust::{
    Freshness, ListDates, ListMark, RootRef, TrustError, TrustListSummary, TrustOrigin, TrustState,
    TrustStateError, TrustStore, TrustedKey, MAX_CLOCK_SKEW,
};
pub use verify::witness::{witness_checkpoint, witness_key, witness_name, WitnessError};

// View: labelled, bilingual views for user interfaces.
pub use view::{
    AttachmentVerdictView, AttachmentView, CertificateView, DisclosureItemView, DisclosureUnitView,
    DisclosureView, FieldView, Lang, LicenseFileView, LicenseView, LogProofView, LoggedVerdictView,
    VerdictView,
};

/// The issuance log's functions and constants (`docs/LOG.md`): RFC 9162 hashing and proofs, note
/// key IDs and signing, tiles.
pub mod tlog {
    pub use crate::log::merkle::{
        consistency_proof, inclusion_proof, leaf_hash, node_hash, root, verify_consistency,
        verify_inclusion, Hash, EMPTY_ROOT,
    };
    pub use crate::log::note::{
        cosign, cosigned_message, key_id, sign, valid_key_name, SIG_TYPE_COSIGNATURE,
        SIG_TYPE_ED25519,
    };
    pub use crate::log::proof::{MAX_PROOF_LEN, PROOF_HEADER};
    pub use crate::log::tile::{parse_tile, subtree_root, tiles_for_size, TILE_WIDTH};
}

/// The transport text (`EL1…`, `docs/FORMAT.md` §5): encoding signed bytes as text and back.
pub mod transport {
    pub use crate::encoding::transport::{decode, encode, encode_v2, VERSION_PREFIX};
}

/// zlib streams with a preset dictionary (RFC 1950 `FDICT`), for format version 2's `EL2Z`
/// texts, and the dictionaries a verifier knows (`docs/FORMAT.md` §11.8).
pub mod dictionary {
    #[cfg(feature = "issuance")]
    pub use crate::encoding::dictionary::deflate;
    pub use crate::encoding::dictionary::{
        inflate, known, newest, Dictionary, DictionaryError, DICTIONARIES, MAX_DICTIONARY_LEN,
    };
}

/// QR codes: decoding camera frames and photos (rendering is [`crate::QrMatrix`]).
pub mod qr {
    /// (Feature `qr-decode`.)
    #[cfg(feature = "qr-decode")]
    pub use crate::encoding::qr::{
        decode_luma, decode_luma_pass, decode_rgba, decode_rgba_pass, DECODE_PASSES,
    };
    pub use crate::encoding::qr::{rgba_to_luma, QUIET_ZONE};
}

/// The registry of accepted signature suites: found by COSE algorithm or object identifier.
pub mod suites {
    pub use crate::suite::{by_alg, by_oid, default_suite, spki_der, verify_batch, Entry, SUITES};
}

/// COSE_Sign1 signing of raw payloads (documents sign themselves through [`crate::Payload`]).
pub mod cose {
    pub use crate::encoding::cose::{sign, verify_signature, KID_LEN, TAG_COSE_SIGN1};
}

/// X.509 certificates of roots and departments: PEM, certification requests, and (feature
/// `issuance`) issuing them.
pub mod cert {
    pub use crate::documents::cert::{
        certificate_to_pem, certification_request_to_pem, license_types_extension,
        parse_certification_request, OID_LICENSE_TYPES, OID_LICENSE_TYPES_ARCS,
        OID_LICENSE_TYPES_DER, OID_ORGANIZATION_IDENTIFIER, ORG_ID_PREFIX,
    };
    #[cfg(feature = "issuance")]
    pub use crate::documents::cert::{
        issue_department_certificate, issue_root_certificate, make_certification_request,
    };
}

/// Private keys at rest: encrypted PKCS#8 PEM (feature `issuance`).
#[cfg(feature = "issuance")]
pub mod keys {
    pub use crate::suite::keys::{
        generate_key, import_key, public_key_from_pem, public_key_to_pem, signer_from_pem,
        signing_key_from_pem, signing_key_to_pem, MIN_PASSPHRASE_LEN,
    };
}

/// Identifier limits.
pub mod identifier {
    pub use crate::model::identifier::{
        MAX_SEQUENCE, MAX_TYPE_CODE_LEN, MIN_TYPE_CODE_LEN, SEQUENCE_DIGITS,
    };
}

/// The Ed25519 suite's key types (ed25519-dalek's), re-exported so callers use the same version
/// as this crate: a `SigningKey` is a [`Signer`], and a `VerifyingKey` converts into a
/// [`PublicKey`].
pub use ed25519_dalek::{SigningKey, VerifyingKey};
/// The calendar date type used throughout, re-exported from the `time` crate.
pub use time::Date;
