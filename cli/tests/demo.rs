//! The README's main job: `elicense demo` runs the whole workflow with no set-up.

use std::process::Command;

fn demo(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_elicense"))
        .args(args)
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn demo_runs_the_workflow() {
    let (ok, stdout) = demo(&["demo"]);
    assert!(ok, "{stdout}");
    // Three licenses and the version-2 presentation verify; the tampered one and the revoked one
    // do not.
    assert_eq!(stdout.matches("✓ 有效 VALID").count(), 4, "{stdout}");
    assert!(
        stdout.contains("公民身份号码 Resident identity number: 未出示 / not shown"),
        "{stdout}"
    );
    assert!(stdout.contains("QR version 10"), "{stdout}");
    assert_eq!(stdout.matches("✗ 无效 INVALID").count(), 2, "{stdout}");
    assert!(stdout.contains("[revoked]"), "{stdout}");
    assert!(
        stdout.contains("trusted through 演示省电子证照根CA"),
        "{stdout}"
    );
    assert!(stdout.contains("QR code of the driving permit"), "{stdout}");
    assert!(stdout.contains('█'), "the QR code is drawn");
    assert!(
        stdout.contains("Every step behaved as expected"),
        "{stdout}"
    );
}

#[test]
fn no_arguments_runs_the_demo_and_no_qr_hides_the_code() {
    let (ok, stdout) = demo(&[]);
    assert!(ok);
    assert_eq!(stdout.matches("✓ 有效 VALID").count(), 4);
    let (ok, stdout) = demo(&["demo", "--no-qr"]);
    assert!(ok);
    assert!(!stdout.contains('█'));
}
