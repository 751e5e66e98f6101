//! Every item the CLI takes from a submodule of `elicense` because the crate root does not
//! re-export it. Core's module layout is being reorganised: when it changes, fix the paths here
//! (and only here); when core re-exports one of these at its root, take it from there instead.

pub use elicense::attachment::{
    hash_reader, verify_attachment, Attestation, FileDigest, Statement,
};
pub use elicense::keys::{
    public_key_to_pem, signing_key_from_pem, signing_key_to_pem, KeyError, KeyProtection,
};
pub use elicense::limits::MAX_TRUST_LIST_LEN;
pub use elicense::qr::{decode_luma, QUIET_ZONE};
pub use elicense::template::parse_date;
pub use elicense::transport::{decode as decode_transport, encode as encode_transport};
pub use elicense::trust::cert::{
    certificate_to_pem, issue_department_certificate, issue_root_certificate,
    make_certification_request, parse_certification_request, CertRequest,
};
pub use elicense::verify::license_day;
