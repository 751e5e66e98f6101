//! X.509 certificates and certification requests, DER and PEM: the first byte picks a mode, the
//! rest is the input.
//!
//! - mode 0: the rest as given (DER, or PEM when it starts with `-----BEGIN`);
//! - mode 1: the rest wrapped as a well-formed PEM `CERTIFICATE` block, so that the PEM path
//!   reaches the DER parser with arbitrary contents.
//!
//! Each input goes through `Certificate::parse`, the root and department checks,
//! `verify_issued_by` (the fixture 福建 root), `TrustStore::add_root` and
//! `parse_certification_request`. Properties: a parsed certificate re-parses from its own DER and
//! from that DER as PEM to an equal certificate; `add_root` succeeds exactly when the certificate
//! parses and passes `check_root`; a certificate the fixture root's key verifies is one the
//! fixtures issued.
#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use elicense::cert::{certificate_to_pem, parse_certification_request};
use elicense::{Certificate, TrustStore};
use elicense_fixtures::trust::{department_certificates, root_certificate};
use elicense_fuzz::mode;
use libfuzzer_sys::fuzz_target;

struct Fixture {
    root: Certificate,
    /// DER of every certificate the fixtures' 福建 root signed (itself and its departments).
    issued_by_root: HashSet<Vec<u8>>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let root_der = root_certificate("fujian-root");
        let root = Certificate::parse(&root_der).expect("fixture root");
        let mut issued_by_root: HashSet<Vec<u8>> = department_certificates()
            .into_values()
            .filter(|der| Certificate::parse(der).is_ok_and(|c| c.verify_issued_by(&root).is_ok()))
            .collect();
        issued_by_root.insert(root_der);
        Fixture {
            root,
            issued_by_root,
        }
    })
}

fn check(bytes: &[u8]) {
    let fixture = fixture();
    let parsed = Certificate::parse(bytes);
    let added = TrustStore::new().add_root(bytes);
    let _ = parse_certification_request(bytes);
    let Ok(cert) = parsed else {
        assert!(added.is_err(), "add_root accepted what parse rejects");
        return;
    };
    assert_eq!(added.is_ok(), cert.check_root().is_ok());
    let _ = cert.check_department();
    let _ = (
        cert.name(),
        cert.issuer_name(),
        cert.serial(),
        cert.org_code(),
    );
    let _ = (cert.not_before(), cert.not_after(), cert.license_types());
    if cert.verify_issued_by(&fixture.root).is_ok() {
        assert!(
            fixture.issued_by_root.contains(cert.der()),
            "a certificate the fixture root never issued verifies under its key"
        );
    }
    let again = Certificate::parse(cert.der()).expect("a certificate's own DER parses");
    assert_eq!(again, cert);
    let pem = certificate_to_pem(cert.der());
    let from_pem = Certificate::parse(pem.as_bytes()).expect("its PEM parses");
    assert_eq!(from_pem, cert);
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, input)) = mode(data, 2) else {
        return;
    };
    match mode {
        0 => check(input),
        _ => check(certificate_to_pem(input).as_bytes()),
    }
});
