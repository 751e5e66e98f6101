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
    let key = SigningKey::from_bytes(&[11; 32]).verifying_key();
    let pem = public_key_to_pem(&key).unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
    assert_eq!(public_key_from_pem(&pem).unwrap(), key);
}
