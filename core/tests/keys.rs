//! Keys at rest: encrypted PKCS#8 round trips, weak passphrases and plain keys are refused
//! unless explicitly allowed.

#![cfg(feature = "issuance")]

use elicense::keys::*;
use elicense::{KeyError, KeyProtection, SigningKey};
use rand_chacha::rand_core::SeedableRng;

#[test]
fn encrypted_round_trip_and_unique_salts() {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
    let key = SigningKey::from_bytes(&[11; 32]);
    let a = signing_key_to_pem(&key, KeyProtection::Passphrase("correct horse"), &mut rng).unwrap();
    let b = signing_key_to_pem(&key, KeyProtection::Passphrase("correct horse"), &mut rng).unwrap();
    assert_ne!(*a, *b, "fresh salt and IV every time");
    assert!(!a.contains(&format!("{:?}", key.to_bytes())));
    for pem in [a, b] {
        let back = signing_key_from_pem(&pem, KeyProtection::Passphrase("correct horse")).unwrap();
        assert_eq!(back.to_bytes(), key.to_bytes());
    }
}

#[test]
fn weak_passphrase_and_garbage_are_refused() {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(2);
    let key = SigningKey::from_bytes(&[11; 32]);
    assert_eq!(
        signing_key_to_pem(&key, KeyProtection::Passphrase("short"), &mut rng).unwrap_err(),
        KeyError::WeakPassphrase
    );
    assert!(matches!(
        signing_key_from_pem("not a key", KeyProtection::PlainForTestsOnly),
        Err(KeyError::Malformed(_))
    ));
}

#[test]
fn public_key_pem_round_trips() {
    let key: elicense::PublicKey = SigningKey::from_bytes(&[11; 32]).verifying_key().into();
    let pem = public_key_to_pem(&key).unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
    assert_eq!(public_key_from_pem(&pem).unwrap(), key);
}

#[test]
fn keys_of_any_suite_are_read_by_their_algorithm() {
    use elicense::suites::default_suite;
    use elicense::Signer;
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
    // A generated key of the default suite (Ed25519) reads back through the suite-neutral path
    // and through the Ed25519 one, as the same key.
    let (pem, signer) = generate_key(
        default_suite(),
        KeyProtection::Passphrase("correct horse"),
        &mut rng,
    )
    .unwrap();
    let back = signer_from_pem(&pem, KeyProtection::Passphrase("correct horse")).unwrap();
    assert_eq!(back.public_key(), signer.public_key());
    assert_eq!(back.suite().alg(), -8);
    let dalek = signing_key_from_pem(&pem, KeyProtection::Passphrase("correct horse")).unwrap();
    assert_eq!(signer.public_key(), dalek.verifying_key().into());
    assert_eq!(back.sign(b"m"), Signer::sign(&dalek, b"m"));

    // A PKCS#8 key of an algorithm no suite has (X25519, 1.3.101.110) is named as such.
    let mut x25519 = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04,
        0x20,
    ];
    x25519.extend_from_slice(&[9; 32]);
    let x25519 = der::pem::encode_string("PRIVATE KEY", der::pem::LineEnding::LF, &x25519).unwrap();
    assert_eq!(
        signer_from_pem(&x25519, KeyProtection::PlainForTestsOnly).err(),
        Some(KeyError::UnsupportedAlgorithm("1.3.101.110".into()))
    );
}

#[test]
fn public_key_pem_has_one_der_form() {
    let key: elicense::PublicKey = SigningKey::from_bytes(&[12; 32]).verifying_key().into();
    let der = elicense::suites::spki_der(&key);
    assert_eq!(
        &der[..12],
        &[0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]
    );
    // The same key with NULL parameters in its AlgorithmIdentifier: valid DER, but RFC 8410 says
    // the parameters are absent, and a second encoding of one key is refused.
    let mut with_null = vec![
        0x30, 0x2c, 0x30, 0x07, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x05, 0x00,
    ];
    with_null.extend_from_slice(&der[9..]);
    let pem = der::pem::encode_string("PUBLIC KEY", der::pem::LineEnding::LF, &with_null).unwrap();
    assert_eq!(
        public_key_from_pem(&pem).err(),
        Some(elicense::KeyError::NonCanonicalPublicKey)
    );
}

/// Importing a key made elsewhere (`elicense init --key`): plain or encrypted PKCS#8, each only
/// as it is; a wrong passphrase is `Decrypt`. The key comes back stored under the importer's
/// own protection.
#[test]
fn imported_keys_are_read_plain_or_encrypted_and_stored_again() {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(4);
    let key = SigningKey::from_bytes(&[12; 32]);
    let public: elicense::PublicKey = key.verifying_key().into();
    let plain = signing_key_to_pem(&key, KeyProtection::PlainForTestsOnly, &mut rng).unwrap();
    let encrypted =
        signing_key_to_pem(&key, KeyProtection::Passphrase("the CA's own"), &mut rng).unwrap();
    let ours = KeyProtection::Passphrase("our own passphrase");
    for (pem, passphrase) in [(&plain, None), (&encrypted, Some("the CA's own"))] {
        let (stored, signer) = import_key(pem, passphrase, ours, &mut rng).unwrap();
        assert_eq!(signer.public_key(), public);
        assert!(stored.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        let back = signer_from_pem(&stored, ours).unwrap();
        assert_eq!(back.public_key(), public);
    }
    let err = |pem: &str, passphrase| {
        import_key(
            pem,
            passphrase,
            ours,
            &mut rand_chacha::ChaCha20Rng::seed_from_u64(5),
        )
        .err()
    };
    assert_eq!(err(&encrypted, Some("wrong one")), Some(KeyError::Decrypt));
    assert_eq!(err(&encrypted, None), Some(KeyError::PassphraseNeeded));
    assert_eq!(
        err(&plain, Some("the CA's own")),
        Some(KeyError::PlainNotAllowed)
    );
}
