//! The README's main job: `elicense demo` runs with no set-up, verifies every sample and catches
//! a one-character change in each.

use std::process::Command;

#[test]
fn demo_verifies_samples_and_catches_tampering() {
    let out = Command::new(env!("CARGO_BIN_EXE_elicense"))
        .arg("demo")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    assert_eq!(stdout.matches("✓ VALID 有效").count(), 3, "{stdout}");
    assert_eq!(
        stdout.matches("one character changed → ✗ INVALID").count(),
        3,
        "{stdout}"
    );
    assert!(stdout.contains("QR version"), "{stdout}");
    assert!(stdout.contains('█'), "the QR code is drawn");
}

#[test]
fn no_arguments_runs_the_demo() {
    let out = Command::new(env!("CARGO_BIN_EXE_elicense"))
        .arg("demo")
        .arg("--no-qr")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8(out.stdout).unwrap().contains('█'));
    let out = Command::new(env!("CARGO_BIN_EXE_elicense"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout)
            .unwrap()
            .matches("✓ VALID")
            .count(),
        3
    );
}
