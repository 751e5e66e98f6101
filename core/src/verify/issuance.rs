//! Before signing: the checks every verifier makes of the signing department's certificate, run
//! by the issuer, so that nothing is signed that verifiers would refuse (`docs/TRUST.md`).

use thiserror::Error;
use time::{Date, OffsetDateTime};

use super::license::{certificate_covers, check_binding};
use super::reason::Reason;
use super::trust::{RootRef, TrustOrigin, TrustedKey};
use crate::documents::cert::{CertError, Certificate, DepartmentProblem};
use crate::model::identifier::{LicenseTypeCode, OrgCode};
use crate::model::time::license_day;
use crate::suite::PublicKey;

/// Why a department must not sign with its certificate.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum IssuanceError {
    /// The certificate is not a department certificate, or its issuer's signature fails.
    #[error("{0}")]
    Certificate(#[from] CertError),
    /// The certificate is for another key than the signing key.
    #[error("the certificate is for another key than the signing key")]
    WrongKey,
    /// A verifier would reject what this certificate signs (another department's organisation
    /// code, a license type it does not permit, a day outside its validity).
    #[error("verifiers would reject these licenses: {0}")]
    Refused(Reason),
}

/// A department certificate checked for signing, before anything is signed: a department
/// certificate (not a CA, digitalSignature key usage, an organisation code, permitted types),
/// issued by the given root (itself a root certificate), for the signing key, naming the
/// department's organisation code. [`IssuingCertificate::permits`] then checks each license type
/// and issue date with the functions [`crate::verify`] uses.
#[derive(Debug, Clone)]
pub struct IssuingCertificate {
    signer: TrustedKey,
}

impl IssuingCertificate {
    /// Check `cert` as the certificate that `key` signs with for the department `issuer`, issued
    /// by `root` when given (a department should always give its root: without it a rogue
    /// issuer's certificate of the same name passes).
    pub fn check(
        cert: &Certificate,
        root: Option<&Certificate>,
        key: &PublicKey,
        issuer: &OrgCode,
    ) -> Result<Self, IssuanceError> {
        cert.check_department()?;
        if let Some(root) = root {
            root.check_root()?;
            cert.verify_issued_by(root)?;
            cert.check_within_division_of(root)?;
        }
        if cert.key() != key {
            return Err(IssuanceError::WrongKey);
        }
        let Some(org_code) = cert.org_code().cloned() else {
            // check_department refuses a certificate without one; stay total all the same.
            return Err(CertError::NotDepartment(DepartmentProblem::NoOrgCode).into());
        };
        if &org_code != issuer {
            return Err(IssuanceError::Refused(Reason::IssuerNotSigner {
                license_issuer: issuer.clone(),
                signer: org_code,
            }));
        }
        Ok(IssuingCertificate {
            signer: TrustedKey {
                key: key.clone(),
                org_code,
                name: cert.name().to_owned(),
                certificate: Some((
                    cert.clone(),
                    RootRef {
                        fingerprint: root.map_or([0; 32], |r| r.fingerprint()),
                        name: root.map_or_else(String::new, |r| r.name().to_owned()),
                    },
                )),
                origin: TrustOrigin::Given,
            },
        })
    }

    /// Whether verifiers accept a license of type `type_code` issued on `issued_on` under this
    /// certificate: the type permitted, the day within the certificate's validity.
    pub fn permits(
        &self,
        type_code: &LicenseTypeCode,
        issued_on: Date,
    ) -> Result<(), IssuanceError> {
        check_binding(&self.signer.org_code, type_code, issued_on, &self.signer)
            .map_err(IssuanceError::Refused)
    }

    /// Whether verifiers accept an attestation made at `at` under this certificate: the day
    /// (UTC+8) within the certificate's validity, as [`crate::verify_attachment`] checks.
    pub fn covers(&self, at: OffsetDateTime) -> Result<(), IssuanceError> {
        certificate_covers(&self.signer, license_day(at)).map_err(IssuanceError::Refused)
    }
}

/// Check a root certificate made elsewhere (such as with OpenSSL) for use with `key`: a root
/// certificate by the profile (`Certificate::check_root`: a self-signed CA) for that key.
pub fn check_root_certificate(cert: &Certificate, key: &PublicKey) -> Result<(), IssuanceError> {
    cert.check_root()?;
    if cert.key() != key {
        return Err(IssuanceError::WrongKey);
    }
    Ok(())
}

/// Check that licenses of type `type_code` issued by `issuer` on `issued_on` and signed with
/// `key` under the department certificate `cert` pass every check a verifier makes of the
/// signer: [`IssuingCertificate::check`] then [`IssuingCertificate::permits`].
pub fn check_issuing_certificate(
    cert: &Certificate,
    root: Option<&Certificate>,
    key: &PublicKey,
    issuer: &OrgCode,
    type_code: &LicenseTypeCode,
    issued_on: Date,
) -> Result<(), IssuanceError> {
    IssuingCertificate::check(cert, root, key, issuer)?.permits(type_code, issued_on)
}

#[cfg(all(test, feature = "issuance"))]
mod tests {
    use ed25519_dalek::SigningKey;
    use time::macros::{date, datetime};

    use super::*;
    use crate::documents::cert::{
        issue_department_certificate, issue_root_certificate, CertRequest,
    };

    fn request(name: &str, org: &str, serial: u64) -> CertRequest {
        CertRequest {
            name: name.into(),
            org_code: OrgCode::with_check(org).unwrap(),
            not_before: datetime!(2024-01-01 00:00 UTC),
            not_after: datetime!(2027-01-01 00:00 UTC),
            serial,
        }
    }

    struct Setup {
        root: Certificate,
        root_key: SigningKey,
        dept_key: SigningKey,
        dept: Certificate,
    }

    fn setup(root_seed: u8) -> Setup {
        let root_key = SigningKey::from_bytes(&[root_seed; 32]);
        let root_der =
            issue_root_certificate(&root_key, &request("省根", "11350000M00000000", 1)).unwrap();
        let root = Certificate::parse(&root_der).unwrap();
        let dept_key = SigningKey::from_bytes(&[9; 32]);
        let dept_der = issue_department_certificate(
            &root_key,
            &root,
            &dept_key.verifying_key().into(),
            &request("市场监管局", "11350100M00010000", 2),
            &["YYZZ".parse().unwrap()],
        )
        .unwrap();
        Setup {
            dept: Certificate::parse(&dept_der).unwrap(),
            root,
            root_key,
            dept_key,
        }
    }

    fn check(
        s: &Setup,
        root: Option<&Certificate>,
        issuer: &OrgCode,
        ty: &str,
        day: Date,
    ) -> Result<(), IssuanceError> {
        check_issuing_certificate(
            &s.dept,
            root,
            &s.dept_key.verifying_key().into(),
            issuer,
            &ty.parse().unwrap(),
            day,
        )
    }

    #[test]
    fn a_good_certificate_passes_and_every_refusal_a_verifier_makes_is_made() {
        let s = setup(1);
        let org = s.dept.org_code().unwrap().clone();
        let day = date!(2025 - 06 - 01);
        assert_eq!(check(&s, Some(&s.root), &org, "YYZZ", day), Ok(()));
        // Another department's organisation code.
        let foreign = OrgCode::with_check("11440300M00010000").unwrap();
        assert!(matches!(
            check(&s, Some(&s.root), &foreign, "YYZZ", day),
            Err(IssuanceError::Refused(Reason::IssuerNotSigner { .. }))
        ));
        // A type the certificate does not permit.
        assert!(matches!(
            check(&s, None, &org, "JSZ", day),
            Err(IssuanceError::Refused(Reason::TypeNotPermitted { .. }))
        ));
        // A day after the certificate expired.
        assert!(matches!(
            check(&s, None, &org, "YYZZ", date!(2028 - 01 - 01)),
            Err(IssuanceError::Refused(Reason::CertificateExpired { .. }))
        ));
        // Another key than the certificate's.
        assert_eq!(
            check_issuing_certificate(
                &s.dept,
                None,
                &SigningKey::from_bytes(&[10; 32]).verifying_key().into(),
                &org,
                &"YYZZ".parse().unwrap(),
                day
            ),
            Err(IssuanceError::WrongKey)
        );
        // A rogue root of the same name did not issue it.
        let rogue = setup(2);
        assert!(matches!(
            check(&s, Some(&rogue.root), &org, "YYZZ", day),
            Err(IssuanceError::Certificate(CertError::BadSignature(_)))
        ));
    }

    #[test]
    fn attestations_and_roots_are_checked_too() {
        let s = setup(1);
        let org = s.dept.org_code().unwrap().clone();
        let issuing = IssuingCertificate::check(
            &s.dept,
            Some(&s.root),
            &s.dept_key.verifying_key().into(),
            &org,
        )
        .unwrap();
        assert_eq!(issuing.covers(datetime!(2025-06-01 10:00 +8)), Ok(()));
        assert!(matches!(
            issuing.covers(datetime!(2027-06-01 10:00 +8)),
            Err(IssuanceError::Refused(Reason::CertificateExpired { .. }))
        ));
        assert_eq!(
            check_root_certificate(&s.root, &s.root_key.verifying_key().into()),
            Ok(())
        );
        assert_eq!(
            check_root_certificate(&s.root, &s.dept_key.verifying_key().into()),
            Err(IssuanceError::WrongKey)
        );
        assert!(matches!(
            check_root_certificate(&s.dept, &s.dept_key.verifying_key().into()),
            Err(IssuanceError::Certificate(CertError::NotRoot(_)))
        ));
    }

    #[test]
    fn a_ca_certificate_is_never_a_signing_certificate() {
        let s = setup(1);
        let org = s.root.org_code().unwrap().clone();
        assert!(matches!(
            check_issuing_certificate(
                &s.root,
                None,
                &s.root_key.verifying_key().into(),
                &org,
                &"YYZZ".parse().unwrap(),
                date!(2025 - 06 - 01)
            ),
            Err(IssuanceError::Certificate(CertError::NotDepartment(_)))
        ));
    }
}
