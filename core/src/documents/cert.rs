//! X.509 certificates (RFC 5280) for root authorities and departments (`docs/TRUST.md` §2),
//! with keys and signatures of the accepted suites (Ed25519, RFC 8410).
//!
//! A department certificate names its department in the subject (`commonName`) and carries its
//! organisation code as `organizationIdentifier` (2.5.4.97) in the ETSI EN 319 412-1 form
//! `NTRCN-<统一社会信用代码>`, and the license types it may sign in the non-critical extension
//! [`OID_LICENSE_TYPES`]: a DER `SEQUENCE OF UTF8String` of license type codes. Certificates are
//! parsed with `x509-parser`; their signatures are checked with the suite's strict
//! verification over the raw TBSCertificate bytes; they are built with `rcgen` (feature
//! `issuance`).

use ::time::OffsetDateTime;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use thiserror::Error;
use x509_parser::prelude::{ASN1Time, FromDer, ParsedExtension, X509Certificate, X509Name};

use crate::limits::{MAX_CERT_LEN, MAX_LICENSE_TYPES, MAX_TEXT_BYTES};
use crate::model::identifier::{Division, IdentifierError, LicenseTypeCode, OrgCode};
use crate::model::text::{check_text, TextError};
use crate::suite::{by_oid, der_length, spki_der, AnySuite, PublicKey, SuiteError};

/// Object identifier of the `organizationIdentifier` name attribute (X.520).
pub const OID_ORGANIZATION_IDENTIFIER: &str = "2.5.4.97";
/// Prefix of the organisation code in `organizationIdentifier`: national trade register, China.
pub const ORG_ID_PREFIX: &str = "NTRCN-";
/// Arcs of the permitted-license-types extension. **Provisional**: it sits under the X.660
/// `example` arc (2.999) until the operator assigns an OID from its own arc; only this constant
/// changes then.
pub const OID_LICENSE_TYPES_ARCS: &[u64] = &[2, 999, 3625, 1];
/// [`OID_LICENSE_TYPES_ARCS`] in dotted form.
pub const OID_LICENSE_TYPES: &str = "2.999.3625.1";
/// The DER content bytes of [`OID_LICENSE_TYPES`] (2 × 40 + 999 = 1079 → `88 37`, 3625 → `9c 29`,
/// 1 → `01`). Extensions are matched on these bytes because OIDs under 2.999 trip up parts of
/// the Rust ASN.1 ecosystem: x509-parser renders them as a wrong dotted string and const-oid
/// rejects them. The OpenSSL interoperability test builds the extension from the dotted form.
pub const OID_LICENSE_TYPES_DER: &[u8] = &[0x88, 0x37, 0x9c, 0x29, 0x01];

/// Why a certificate is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CertError {
    /// Larger than [`MAX_CERT_LEN`].
    #[error("certificate is {0} bytes, more than the limit of {MAX_CERT_LEN}")]
    TooLarge(usize),
    /// Not a DER (or PEM) X.509 certificate.
    #[error("not an X.509 certificate: {0}")]
    Malformed(String),
    /// Signed or keyed with an algorithm of no accepted suite.
    #[error(
        "certificate uses algorithm {0}; only the accepted suites' (Ed25519, 1.3.101.112) are"
    )]
    UnsupportedAlgorithm(String),
    /// The signed part parses, but what surrounds it (the signature algorithm, the signature bit
    /// string, the outer sequence) or the subject key is not in the one DER form RFC 8410 allows.
    /// Certificates are revoked by the SHA-256 of their DER, so a second encoding of the same
    /// signed certificate must not be accepted.
    #[error("{0} is not in the one DER form its suite allows (for Ed25519, RFC 8410: algorithm identifier 30 05 06 03 2B 65 70 without parameters, a 32-byte key, a 64-byte signature, nothing else)")]
    NonCanonical(&'static str),
    /// The subject key is not a valid key of its suite, or the signature not of its suite's
    /// length.
    #[error("certificate public key: {0}")]
    BadKey(SuiteError),
    /// The issuer's name differs from the issuing certificate's subject.
    #[error("certificate was issued by {found:?}, not by {expected:?}")]
    WrongIssuer {
        /// The issuing certificate's subject.
        expected: String,
        /// The certificate's issuer field.
        found: String,
    },
    /// The signature does not verify with the issuer's key.
    #[error("certificate signature does not verify with the key of {0:?}")]
    BadSignature(String),
    /// A root certificate is not self-signed or not a CA.
    #[error("not a root authority certificate: {0}")]
    NotRoot(&'static str),
    /// A department certificate lacks something it needs.
    #[error("not a department certificate: {0}")]
    NotDepartment(DepartmentProblem),
    /// The organisation code in the subject is invalid.
    #[error("organisation code in the certificate: {0}")]
    OrgCode(IdentifierError),
    /// The license types extension is malformed.
    #[error("license types extension: {0}")]
    LicenseTypes(LicenseTypesProblem),
    /// A name in the certificate (or request) is not acceptable text: empty, too long, or with a
    /// control or invisible formatting character that could disguise what is displayed.
    #[error("certificate name: {0}")]
    BadName(TextError),
    /// The department's administrative division (from its organisation code) lies outside the
    /// division its root may certify: that of the root's own organisation code
    /// (`docs/TRUST.md` §2, "Name constraints").
    #[error("the department {department} lies outside the administrative division of its root {root}, which may certify only departments within its own division")]
    DivisionNotPermitted {
        /// The department's organisation code and division, as text.
        department: String,
        /// The root's name and division, as text.
        root: String,
    },
    /// A critical extension this library does not understand.
    #[error("certificate has a critical extension {0} that this verifier does not understand")]
    UnknownCriticalExtension(String),
    /// Building a certificate failed.
    #[error("cannot build certificate: {0}")]
    Build(String),
}

/// Why a certificate is not a department certificate.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DepartmentProblem {
    /// It is a CA certificate.
    #[error("it is a CA certificate")]
    IsCa,
    /// Its key usage does not allow signing documents.
    #[error("key usage does not include digitalSignature")]
    NoDigitalSignature,
    /// No organisation code in the subject.
    #[error("no organizationIdentifier ({ORG_ID_PREFIX}<organisation code>) in the subject")]
    NoOrgCode,
    /// The organizationIdentifier lacks the prefix.
    #[error("organizationIdentifier {0:?} does not start with {ORG_ID_PREFIX}")]
    OrgIdPrefix(String),
    /// No permitted license types.
    #[error("no permitted license types (extension {OID_LICENSE_TYPES})")]
    NoLicenseTypes,
}

/// Why the permitted-license-types extension is malformed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LicenseTypesProblem {
    /// Not a DER SEQUENCE OF UTF8String.
    #[error("not a SEQUENCE OF UTF8String: {0}")]
    NotUtf8Sequence(der::Error),
    /// Not 1 to [`MAX_LICENSE_TYPES`] entries.
    #[error("must list 1 to {MAX_LICENSE_TYPES} license types, found {0}")]
    Count(usize),
    /// An entry is not a license type code.
    #[error("{0}")]
    Code(IdentifierError),
}

/// A parsed certificate whose structure has been checked (its issuer's signature is checked by
/// [`Certificate::verify_issued_by`]).
///
/// Cloning is cheap (the parsed fields are shared), so every verdict can carry its signer's
/// certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate(Arc<Parsed>);

/// The fields of a parsed certificate.
#[derive(Debug, PartialEq, Eq)]
struct Parsed {
    der: Vec<u8>,
    fingerprint: [u8; 32],
    name: String,
    issuer_name: String,
    org_code: Option<OrgCode>,
    key: PublicKey,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    is_ca: bool,
    can_sign_certs: bool,
    can_sign_documents: bool,
    license_types: Vec<LicenseTypeCode>,
    serial: String,
    subject_raw: Vec<u8>,
    issuer_raw: Vec<u8>,
    tbs: Vec<u8>,
    signature_alg: i64,
    signature: Vec<u8>,
}

fn time_of(t: ASN1Time) -> OffsetDateTime {
    t.to_datetime()
}

/// Every text attribute of `name` follows the text rules (`docs/FORMAT.md` §1), so no name shown
/// to a verifier hides characters.
fn check_name(what: &str, name: &X509Name<'_>) -> Result<(), CertError> {
    for attr in name.iter_attributes() {
        if let Ok(text) = attr.as_str() {
            check_text(what, text, MAX_TEXT_BYTES).map_err(CertError::BadName)?;
        }
    }
    Ok(())
}

fn name_text(name: &X509Name<'_>) -> String {
    name.iter_common_name()
        .next()
        .or_else(|| name.iter_organization().next())
        .and_then(|a| a.as_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| name.to_string())
}

/// The contents of a single PEM block (RFC 7468, strict) labelled `label`.
fn pem_block(bytes: &[u8], label: &str) -> Result<Vec<u8>, CertError> {
    let (found, der) =
        der::pem::decode_vec(bytes).map_err(|e| CertError::Malformed(format!("bad PEM: {e}")))?;
    if found != label {
        return Err(CertError::Malformed(format!(
            "PEM block is {found:?}, expected {label}"
        )));
    }
    Ok(der)
}

impl Certificate {
    /// Parse a certificate from DER or PEM bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self, CertError> {
        if bytes.len() > MAX_CERT_LEN {
            return Err(CertError::TooLarge(bytes.len()));
        }
        if bytes.starts_with(b"-----BEGIN") {
            return Self::parse_der(&pem_block(bytes, "CERTIFICATE")?);
        }
        Self::parse_der(bytes)
    }

    fn parse_der(der: &[u8]) -> Result<Self, CertError> {
        let (rest, cert) =
            X509Certificate::from_der(der).map_err(|e| CertError::Malformed(e.to_string()))?;
        if !rest.is_empty() {
            return Err(CertError::Malformed(format!(
                "{} bytes after the certificate",
                rest.len()
            )));
        }
        let alg = cert.signature_algorithm.algorithm.to_id_string();
        let tbs_alg = cert.tbs_certificate.signature.algorithm.to_id_string();
        let signature_suite =
            by_oid(&alg).ok_or_else(|| CertError::UnsupportedAlgorithm(alg.clone()))?;
        if tbs_alg != alg {
            return Err(CertError::UnsupportedAlgorithm(tbs_alg));
        }
        let spki = cert.public_key();
        let key_alg = spki.algorithm.algorithm.to_id_string();
        let key_suite = by_oid(&key_alg).ok_or(CertError::UnsupportedAlgorithm(key_alg))?;
        if cert.tbs_certificate.signature.parameters.is_some() {
            return Err(CertError::NonCanonical(
                "the signature algorithm in the signed part",
            ));
        }
        let key = key_suite
            .public_key(&spki.subject_public_key.data)
            .map_err(CertError::BadKey)?;
        if spki.raw != spki_der(&key).as_slice() {
            return Err(CertError::NonCanonical("the subject public key"));
        }
        let signature = cert.signature_value.data.to_vec();
        if signature.len() != signature_suite.signature_len() {
            return Err(CertError::BadKey(SuiteError::BadSignatureLength {
                expected: signature_suite.signature_len(),
                found: signature.len(),
            }));
        }
        check_signed_envelope(
            der,
            cert.tbs_certificate.as_ref(),
            signature_suite,
            &signature,
            "the certificate",
        )?;
        let mut is_ca = false;
        let (mut can_sign_certs, mut can_sign_documents) = (true, true);
        let mut license_types = Vec::new();
        for ext in cert.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::BasicConstraints(bc) => is_ca = bc.ca,
                ParsedExtension::KeyUsage(ku) => {
                    can_sign_certs = ku.key_cert_sign();
                    can_sign_documents = ku.digital_signature();
                }
                ParsedExtension::SubjectKeyIdentifier(_)
                | ParsedExtension::AuthorityKeyIdentifier(_) => {}
                _ if ext.oid.as_bytes() == OID_LICENSE_TYPES_DER => {
                    license_types = parse_license_types(ext.value)?;
                }
                _ if ext.critical => {
                    return Err(CertError::UnknownCriticalExtension(format!(
                        "{} (DER {})",
                        ext.oid.to_id_string(),
                        hex_upper(ext.oid.as_bytes())
                    )))
                }
                _ => {}
            }
        }
        let subject = cert.subject();
        check_name("subject", subject)?;
        check_name("issuer", cert.issuer())?;
        let org_code = subject
            .iter_attributes()
            .find(|a| a.attr_type().to_id_string() == OID_ORGANIZATION_IDENTIFIER)
            .map(|a| {
                let text = a.as_str().map_err(|_| {
                    CertError::OrgCode(IdentifierError::WrongLength {
                        what: "organizationIdentifier",
                        expected: "a text",
                        found: 0,
                    })
                })?;
                let code = text.strip_prefix(ORG_ID_PREFIX).ok_or_else(|| {
                    CertError::NotDepartment(DepartmentProblem::OrgIdPrefix(text.to_owned()))
                })?;
                code.parse::<OrgCode>().map_err(CertError::OrgCode)
            })
            .transpose()?;
        let validity = cert.validity();
        Ok(Certificate(Arc::new(Parsed {
            der: der.to_vec(),
            fingerprint: Sha256::digest(der).into(),
            name: name_text(subject),
            issuer_name: name_text(cert.issuer()),
            org_code,
            key,
            not_before: time_of(validity.not_before),
            not_after: time_of(validity.not_after),
            is_ca,
            can_sign_certs,
            can_sign_documents,
            license_types,
            serial: hex_upper(cert.raw_serial()),
            subject_raw: subject.as_raw().to_vec(),
            issuer_raw: cert.issuer().as_raw().to_vec(),
            tbs: cert.tbs_certificate.as_ref().to_vec(),
            signature_alg: signature_suite.alg(),
            signature,
        })))
    }

    /// The DER bytes.
    pub fn der(&self) -> &[u8] {
        &self.0.der
    }

    /// SHA-256 of the DER bytes.
    pub fn fingerprint(&self) -> [u8; 32] {
        self.0.fingerprint
    }

    /// The subject's name (common name, else organisation).
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The issuer's name.
    pub fn issuer_name(&self) -> &str {
        &self.0.issuer_name
    }

    /// The subject's organisation code, if the certificate carries one.
    pub fn org_code(&self) -> Option<&OrgCode> {
        self.0.org_code.as_ref()
    }

    /// The subject's public key.
    pub fn key(&self) -> &PublicKey {
        &self.0.key
    }

    /// Start of validity.
    pub fn not_before(&self) -> OffsetDateTime {
        self.0.not_before
    }

    /// End of validity.
    pub fn not_after(&self) -> OffsetDateTime {
        self.0.not_after
    }

    /// Whether basic constraints mark it as a CA.
    pub fn is_ca(&self) -> bool {
        self.0.is_ca
    }

    /// The license types a department certificate permits.
    pub fn license_types(&self) -> &[LicenseTypeCode] {
        &self.0.license_types
    }

    /// The serial number in upper-case hex.
    pub fn serial(&self) -> &str {
        &self.0.serial
    }

    /// Check that `issuer` issued this certificate: names match, `issuer` is a CA allowed to
    /// sign certificates, and its key verifies the signature (strictly).
    pub fn verify_issued_by(&self, issuer: &Certificate) -> Result<(), CertError> {
        if self.0.issuer_raw != issuer.0.subject_raw {
            return Err(CertError::WrongIssuer {
                expected: issuer.0.name.clone(),
                found: self.0.issuer_name.clone(),
            });
        }
        if !issuer.0.is_ca || !issuer.0.can_sign_certs {
            return Err(CertError::NotRoot(
                "the issuer is not a CA allowed to sign certificates",
            ));
        }
        let bad = || CertError::BadSignature(issuer.0.name.clone());
        if issuer.0.key.alg() != self.0.signature_alg {
            return Err(bad());
        }
        issuer
            .0
            .key
            .verify(&self.0.tbs, &self.0.signature)
            .map_err(|_| bad())
    }

    /// Check that this is a usable root: a self-signed CA certificate allowed to sign
    /// certificates.
    pub fn check_root(&self) -> Result<(), CertError> {
        if !self.0.is_ca {
            return Err(CertError::NotRoot(
                "basic constraints do not mark it as a CA",
            ));
        }
        if self.0.issuer_raw != self.0.subject_raw {
            return Err(CertError::NotRoot("it is not self-issued"));
        }
        self.verify_issued_by(self)
            .map_err(|_| CertError::NotRoot("its self-signature does not verify"))
    }

    /// Check that this department certificate lies within the administrative divisions `root`
    /// may certify: the department's division (characters 3 to 8 of its organisation code) must
    /// lie within the root's own (`350000` covers all of 福建, `350100` all of 福州;
    /// [`Division::covers`]). A root or department without a 6-digit division certifies, or is
    /// certified, nowhere.
    pub fn check_within_division_of(&self, root: &Certificate) -> Result<(), CertError> {
        check_division(self.org_code(), root.org_code(), root.name())
    }

    /// Check that this is a usable department certificate: not a CA, allowed to sign documents,
    /// with an organisation code and at least one license type.
    pub fn check_department(&self) -> Result<(), CertError> {
        if self.0.is_ca {
            return Err(CertError::NotDepartment(DepartmentProblem::IsCa));
        }
        if !self.0.can_sign_documents {
            return Err(CertError::NotDepartment(
                DepartmentProblem::NoDigitalSignature,
            ));
        }
        if self.0.org_code.is_none() {
            return Err(CertError::NotDepartment(DepartmentProblem::NoOrgCode));
        }
        if self.0.license_types.is_empty() {
            return Err(CertError::NotDepartment(DepartmentProblem::NoLicenseTypes));
        }
        Ok(())
    }
}

/// Whether a department with organisation code `department` may be certified by a root with
/// organisation code `root` named `root_name` ([`Certificate::check_within_division_of`]).
fn check_division(
    department: Option<&OrgCode>,
    root: Option<&OrgCode>,
    root_name: &str,
) -> Result<(), CertError> {
    let department_division = department.and_then(OrgCode::division);
    let root_division = root.and_then(OrgCode::division);
    match (root_division, department_division) {
        (Some(r), Some(d)) if r.covers(&d) => Ok(()),
        _ => {
            let text = |d: Option<Division>| d.map_or("none".to_owned(), |d| d.to_string());
            Err(CertError::DivisionNotPermitted {
                department: format!(
                    "{} (division {})",
                    department.map_or("none".to_owned(), |o| o.to_string()),
                    text(department_division)
                ),
                root: format!("{root_name:?} (division {})", text(root_division)),
            })
        }
    }
}

/// PEM (`CERTIFICATE REQUEST`) of DER certification request bytes, as
/// [`parse_certification_request`] reads them.
pub fn certification_request_to_pem(der: &[u8]) -> String {
    der::pem::encode_string("CERTIFICATE REQUEST", der::pem::LineEnding::LF, der)
        .unwrap_or_default()
}

/// PEM (`CERTIFICATE`) of DER certificate bytes.
pub fn certificate_to_pem(der: &[u8]) -> String {
    der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, der).unwrap_or_default()
}

/// A checked certification request (PKCS#10): a department asking for a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificationRequest {
    /// The department's name (subject common name).
    pub name: String,
    /// The department's organisation code (subject organizationIdentifier).
    pub org_code: OrgCode,
    /// The key to certify; the request is signed with it.
    pub key: PublicKey,
}

/// Parse a PKCS#10 certification request (DER or PEM) and check its self-signature.
pub fn parse_certification_request(bytes: &[u8]) -> Result<CertificationRequest, CertError> {
    use x509_parser::certification_request::X509CertificationRequest;
    if bytes.len() > MAX_CERT_LEN {
        return Err(CertError::TooLarge(bytes.len()));
    }
    let der = if bytes.starts_with(b"-----BEGIN") {
        pem_block(bytes, "CERTIFICATE REQUEST")?
    } else {
        bytes.to_vec()
    };
    let (rest, csr) = X509CertificationRequest::from_der(&der)
        .map_err(|e| CertError::Malformed(format!("not a certification request: {e}")))?;
    if !rest.is_empty() {
        return Err(CertError::Malformed(
            "bytes after the certification request".into(),
        ));
    }
    let alg = csr.signature_algorithm.algorithm.to_id_string();
    let info = &csr.certification_request_info;
    let key_alg = info.subject_pki.algorithm.algorithm.to_id_string();
    // The request is signed with the key it asks to certify: one suite for both.
    if key_alg != alg {
        return Err(CertError::UnsupportedAlgorithm(alg));
    }
    let suite = by_oid(&key_alg).ok_or(CertError::UnsupportedAlgorithm(key_alg))?;
    let key = suite
        .public_key(&info.subject_pki.subject_public_key.data)
        .map_err(CertError::BadKey)?;
    key.verify(info.raw, &csr.signature_value.data)
        .map_err(|_| CertError::BadSignature("the requester (proof of key possession)".into()))?;
    check_name("subject", &info.subject)?;
    let name = name_text(&info.subject);
    let org_code = info
        .subject
        .iter_attributes()
        .find(|a| a.attr_type().to_id_string() == OID_ORGANIZATION_IDENTIFIER)
        .and_then(|a| a.as_str().ok())
        .and_then(|t| t.strip_prefix(ORG_ID_PREFIX))
        .ok_or(CertError::NotDepartment(DepartmentProblem::NoOrgCode))?
        .parse::<OrgCode>()
        .map_err(CertError::OrgCode)?;
    Ok(CertificationRequest {
        name,
        org_code,
        key,
    })
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn parse_license_types(der_bytes: &[u8]) -> Result<Vec<LicenseTypeCode>, CertError> {
    use der::Decode;
    let items = Vec::<der::asn1::Utf8StringRef<'_>>::from_der(der_bytes)
        .map_err(|e| CertError::LicenseTypes(LicenseTypesProblem::NotUtf8Sequence(e)))?;
    if items.is_empty() || items.len() > MAX_LICENSE_TYPES {
        return Err(CertError::LicenseTypes(LicenseTypesProblem::Count(
            items.len(),
        )));
    }
    items
        .iter()
        .map(|s| {
            s.as_str()
                .parse::<LicenseTypeCode>()
                .map_err(|e| CertError::LicenseTypes(LicenseTypesProblem::Code(e)))
        })
        .collect()
}

/// DER of the permitted-license-types extension value.
pub fn license_types_extension(types: &[LicenseTypeCode]) -> Result<Vec<u8>, CertError> {
    use der::Encode;
    let items = types
        .iter()
        .map(|t| der::asn1::Utf8StringRef::new(t.as_str()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CertError::Build(e.to_string()))?;
    items.to_der().map_err(|e| CertError::Build(e.to_string()))
}

#[cfg(feature = "issuance")]
pub use build::{
    issue_department_certificate, issue_root_certificate, make_certification_request, CertRequest,
};

#[cfg(feature = "issuance")]
mod build {
    use rcgen::{
        BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, IsCa,
        Issuer, KeyIdMethod, KeyUsagePurpose, PublicKeyData, SerialNumber, SignatureAlgorithm,
    };
    use sha2::{Digest, Sha256};
    use time::OffsetDateTime;

    use super::{license_types_extension, CertError, Certificate, ORG_ID_PREFIX};
    use crate::limits::MAX_TEXT_BYTES;
    use crate::model::identifier::{LicenseTypeCode, OrgCode};
    use crate::model::text::check_text;
    use crate::suite::{AnySuite, PublicKey, Signer};

    /// What to put in a new certificate.
    #[derive(Debug, Clone)]
    pub struct CertRequest {
        /// Subject name (a root authority or department).
        pub name: String,
        /// Subject organisation code.
        pub org_code: OrgCode,
        /// Start of validity.
        pub not_before: OffsetDateTime,
        /// End of validity.
        pub not_after: OffsetDateTime,
        /// Serial number, unique per issuer.
        pub serial: u64,
    }

    /// rcgen's view of a key of any suite: rcgen does the X.509 encoding, the suite signs.
    struct SuiteKey<'a, K: Signer + ?Sized> {
        key: Option<&'a K>,
        public: PublicKey,
        algorithm: &'static SignatureAlgorithm,
    }

    impl<K: Signer + ?Sized> PublicKeyData for SuiteKey<'_, K> {
        fn der_bytes(&self) -> &[u8] {
            self.public.bytes()
        }
        fn algorithm(&self) -> &'static SignatureAlgorithm {
            self.algorithm
        }
    }

    impl<K: Signer + ?Sized> rcgen::SigningKey for SuiteKey<'_, K> {
        fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
            let key = self.key.ok_or(rcgen::Error::RemoteKeyError)?;
            Ok(key.sign(msg))
        }
    }

    /// rcgen's algorithm for a suite, found by its object identifier.
    fn rcgen_algorithm(suite: &dyn AnySuite) -> Result<&'static SignatureAlgorithm, CertError> {
        SignatureAlgorithm::from_oid(suite.oid_arcs()).map_err(|_| {
            CertError::Build(format!("rcgen cannot write {} certificates", suite.name()))
        })
    }

    fn signer<K: Signer + ?Sized>(key: &K) -> Result<SuiteKey<'_, K>, CertError> {
        Ok(SuiteKey {
            key: Some(key),
            public: key.public_key(),
            algorithm: rcgen_algorithm(key.suite())?,
        })
    }

    fn subject(public: &PublicKey) -> Result<SuiteKey<'static, dyn Signer>, CertError> {
        Ok(SuiteKey {
            key: None,
            public: public.clone(),
            algorithm: rcgen_algorithm(public.suite())?,
        })
    }

    /// RFC 7093 method 1: the first 160 bits of SHA-256 of the public key.
    fn key_id(public: &PublicKey) -> Vec<u8> {
        Sha256::digest(public.bytes())[..20].to_vec()
    }

    fn distinguished_name(name: &str, org_code: &OrgCode) -> Result<DistinguishedName, CertError> {
        check_text("name", name, MAX_TEXT_BYTES).map_err(CertError::BadName)?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CountryName, "CN");
        dn.push(DnType::OrganizationName, name.to_owned());
        dn.push(
            DnType::CustomDnType(vec![2, 5, 4, 97]),
            format!("{ORG_ID_PREFIX}{org_code}"),
        );
        dn.push(DnType::CommonName, name.to_owned());
        Ok(dn)
    }

    fn params(req: &CertRequest, public: &PublicKey) -> Result<CertificateParams, CertError> {
        if req.not_after <= req.not_before {
            return Err(CertError::Build("validity ends before it starts".into()));
        }
        let mut p = CertificateParams::default();
        p.distinguished_name = distinguished_name(&req.name, &req.org_code)?;
        p.not_before = req.not_before;
        p.not_after = req.not_after;
        let serial = req.serial.to_be_bytes();
        let first = serial.iter().position(|&b| b != 0).unwrap_or(7);
        p.serial_number = Some(SerialNumber::from_slice(&serial[first..]));
        p.key_identifier_method = KeyIdMethod::PreSpecified(key_id(public));
        Ok(p)
    }

    fn root_params(req: &CertRequest, public: &PublicKey) -> Result<CertificateParams, CertError> {
        let mut p = params(req, public)?;
        p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        p.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        Ok(p)
    }

    /// A self-signed root authority certificate (CA, path length 0).
    pub fn issue_root_certificate(
        key: &(impl Signer + ?Sized),
        req: &CertRequest,
    ) -> Result<Vec<u8>, CertError> {
        let p = root_params(req, &key.public_key())?;
        let cert = p
            .self_signed(&signer(key)?)
            .map_err(|e| CertError::Build(e.to_string()))?;
        Ok(cert.der().to_vec())
    }

    /// A PKCS#10 certification request (DER) for `name` / `org_code`, signed with `key` (proof of
    /// possession). A root turns it into a certificate with [`issue_department_certificate`].
    pub fn make_certification_request(
        key: &(impl Signer + ?Sized),
        name: &str,
        org_code: &OrgCode,
    ) -> Result<Vec<u8>, CertError> {
        // A request carries only the subject and key; serial, validity and key identifiers are
        // the issuer's to choose (rcgen refuses them in requests).
        let mut p = CertificateParams::default();
        p.distinguished_name = distinguished_name(name, org_code)?;
        let csr = p
            .serialize_request(&signer(key)?)
            .map_err(|e| CertError::Build(e.to_string()))?;
        Ok(csr.der().to_vec())
    }

    /// A department certificate for `department_key`, signed by the root whose certificate is
    /// `root` and whose key is `root_key`, permitting `license_types`.
    pub fn issue_department_certificate(
        root_key: &(impl Signer + ?Sized),
        root: &Certificate,
        department_key: &PublicKey,
        req: &CertRequest,
        license_types: &[LicenseTypeCode],
    ) -> Result<Vec<u8>, CertError> {
        if root.key() != &root_key.public_key() {
            return Err(CertError::Build(
                "the root key does not match the root certificate".into(),
            ));
        }
        let root_org = root.org_code().ok_or_else(|| {
            CertError::Build("the root certificate has no organisation code".into())
        })?;
        super::check_division(Some(&req.org_code), Some(root_org), root.name())?;
        let root_req = CertRequest {
            name: root.name().to_owned(),
            org_code: root_org.clone(),
            not_before: root.not_before(),
            not_after: root.not_after(),
            serial: 1,
        };
        let issuer = Issuer::new(root_params(&root_req, root.key())?, signer(root_key)?);
        let mut p = params(req, department_key)?;
        p.is_ca = IsCa::ExplicitNoCa;
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        p.use_authority_key_identifier_extension = true;
        p.custom_extensions = vec![CustomExtension::from_oid_content(
            super::OID_LICENSE_TYPES_ARCS,
            license_types_extension(license_types)?,
        )];
        let cert = p
            .signed_by(&subject(department_key)?, &issuer)
            .map_err(|e| CertError::Build(e.to_string()))?;
        let der = cert.der().to_vec();
        // The issuer name is rebuilt from the root's fields; make sure it matches byte for byte.
        Certificate::parse(&der)?.verify_issued_by(root)?;
        Ok(der)
    }
}

/// Require `der` to be exactly `SEQUENCE { signed, algorithm, BIT STRING signature }` in DER,
/// `signed` being the part the signature covers and `algorithm` the signature suite's one
/// AlgorithmIdentifier ([`crate::Suite::ALGORITHM_IDENTIFIER_DER`]). The parser accepts other encodings of
/// the unsigned parts (another tag for the algorithm, parameters, another length form), which
/// would give one signed certificate several byte forms and so several fingerprints.
fn check_signed_envelope(
    der: &[u8],
    signed: &[u8],
    suite: &dyn AnySuite,
    signature: &[u8],
    what: &'static str,
) -> Result<(), CertError> {
    let algorithm = suite.algorithm_identifier_der();
    let bits = bit_string(signature);
    let mut header = vec![0x30];
    der_length(&mut header, signed.len() + algorithm.len() + bits.len());
    let expected = [&header[..], signed, algorithm, &bits].concat();
    if der == expected.as_slice() {
        Ok(())
    } else {
        Err(CertError::NonCanonical(what))
    }
}

/// A DER BIT STRING of whole bytes (no unused bits).
fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![0x03];
    der_length(&mut out, bytes.len() + 1);
    out.push(0x00);
    out.extend_from_slice(bytes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encode OID arcs as DER content bytes (X.690 §8.19), independently of any ASN.1 crate.
    fn encode_arcs(arcs: &[u64]) -> Vec<u8> {
        let mut out = vec![];
        let mut subids = vec![arcs[0] * 40 + arcs[1]];
        subids.extend(&arcs[2..]);
        for mut v in subids {
            let mut group = vec![(v & 0x7f) as u8];
            v >>= 7;
            while v > 0 {
                group.push((v & 0x7f) as u8 | 0x80);
                v >>= 7;
            }
            group.reverse();
            out.extend(group);
        }
        out
    }

    #[test]
    fn license_types_oid_bytes_match_its_arcs() {
        assert_eq!(encode_arcs(OID_LICENSE_TYPES_ARCS), OID_LICENSE_TYPES_DER);
        let dotted: Vec<String> = OID_LICENSE_TYPES_ARCS.iter().map(u64::to_string).collect();
        assert_eq!(dotted.join("."), OID_LICENSE_TYPES);
    }

    #[cfg(feature = "issuance")]
    #[test]
    fn certification_requests_round_trip_and_prove_possession() {
        use ed25519_dalek::SigningKey;
        let key = SigningKey::from_bytes(&[4; 32]);
        let org = OrgCode::with_check("11350100MB0312345").unwrap();
        let der = make_certification_request(&key, "福州市市场监督管理局", &org).unwrap();
        let req = parse_certification_request(&der).unwrap();
        assert_eq!(req.name, "福州市市场监督管理局");
        assert_eq!(req.org_code, org);
        assert_eq!(req.key, key.verifying_key().into());
        let mut bad = der.clone();
        let n = bad.len();
        bad[n - 1] ^= 1;
        assert!(matches!(
            parse_certification_request(&bad),
            Err(CertError::BadSignature(_))
        ));
    }

    #[test]
    fn garbage_is_a_precise_error() {
        assert!(matches!(
            Certificate::parse(b"not a certificate"),
            Err(CertError::Malformed(_))
        ));
        assert!(matches!(
            Certificate::parse(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
            Err(CertError::Malformed(_))
        ));
        assert!(matches!(
            Certificate::parse(&vec![0x30; MAX_CERT_LEN + 1]),
            Err(CertError::TooLarge(_))
        ));
    }

    #[test]
    fn license_types_extension_round_trips_and_rejects_bad_content() {
        let types: Vec<LicenseTypeCode> = vec!["YYZZ".parse().unwrap(), "JSZ".parse().unwrap()];
        let der = license_types_extension(&types).unwrap();
        assert_eq!(parse_license_types(&der).unwrap(), types);
        // SEQUENCE {} (empty) and SEQUENCE { UTF8String "yy" } (lower case) are refused.
        assert!(parse_license_types(&[0x30, 0x00]).is_err());
        assert!(parse_license_types(&[0x30, 0x04, 0x0c, 0x02, b'y', b'y']).is_err());
        assert!(parse_license_types(&[0x04, 0x00]).is_err());
    }
}
