//! # elicense: signed electronic licenses (电子证照) that anyone can verify offline
//!
//! A department signs a [`License`] with its Ed25519 key; the result is a COSE_Sign1 document
//! (RFC 9052) carried as a short text that fits in a QR code. Anyone holding the department's
//! public key (through a [`TrustStore`]) verifies it with one call to [`verify()`], which returns a
//! [`Verdict`]: valid, or invalid with a precise [`Reason`].
//!
//! The byte-level format is specified in `docs/FORMAT.md`; test vectors in `fixtures/` pin it.
//! This crate does no I/O and never panics on any input; every limit is a named constant in
//! [`limits`].
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

pub mod attachment;
mod cbor;
pub mod cose;
pub mod identifier;
#[cfg(feature = "issuance")]
pub mod keys;
pub mod license;
pub mod limits;
pub mod qr;
pub mod template;
pub mod transport;
pub mod trust;
pub mod verify;
pub mod view;

pub use attachment::AttachmentRef;
pub use cbor::CborError;
pub use cose::{ContentType, CoseError, CoseSign1, Kid};
pub use identifier::{IdentifierError, LicenseId, LicenseTypeCode, OrgCode, ResidentId};
pub use license::{Field, FieldValue, Holder, HolderId, License, LicenseError, Validity};
pub use qr::{ErrorCorrection, QrError, QrMatrix};
pub use template::{IssueContext, LicenseTemplate, TemplateError};
pub use transport::{Compression, Encoding, TransportError};
pub use trust::{
    CertError, Certificate, StatusList, TrustError, TrustList, TrustStore, TrustedKey,
};
pub use verify::{
    inspect, verify, verify_many, Input, Inspection, Reason, Rejected, Revocation, Verdict,
    Verified,
};
pub use view::{AttachmentVerdictView, Lang, LicenseFileView, LicenseView, VerdictView};

/// The Ed25519 key types, re-exported so callers use the same version as this crate.
pub use ed25519_dalek::{SigningKey, VerifyingKey};
/// The calendar date type used throughout, re-exported from the `time` crate.
pub use time::Date;
