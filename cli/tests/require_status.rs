//! `elicense verify` says how current the revocation check is (checked with the list's date and
//! age, stale, unknown), and `--require-status` makes stale and unknown invalid (exit code 1);
//! `status build` and `trust build` take `--next-update-days` (docs/CLI.md, docs/TRUST.md §4).

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The fixtures' verification time (`elicense_fixtures::VERIFY_AT`).
const AT: &str = "2025-06-01T10:00:00+08:00";

fn fixture(rel: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/trust")
        .join(rel);
    path.to_str().unwrap().to_owned()
}

/// `elicense verify` of a trust fixture license with both roots, their lists and both status
/// lists, at `at`, with `extra` arguments.
fn verify(license: &str, at: &str, extra: &[&str]) -> Output {
    let files = [
        "--root",
        "roots/fujian-root.cert.pem",
        "--root",
        "roots/shanghai-root.cert.pem",
        "--trust",
        "lists/fujian-v2.cose",
        "--trust",
        "lists/shanghai-v1.cose",
        "--status",
        "status/fuzhou-amr.cose",
        "--status",
        "status/xiamen-traffic-stale.cose",
    ];
    let mut args: Vec<String> = vec!["verify".into(), "--at".into(), at.into()];
    for pair in files.chunks(2) {
        args.push(pair[0].into());
        args.push(fixture(pair[1]));
    }
    args.push("--file".into());
    args.push(fixture(&format!("licenses/{license}.qr.txt")));
    args.extend(extra.iter().map(|s| s.to_string()));
    Command::new(env!("CARGO_BIN_EXE_elicense"))
        .args(&args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn checked_is_valid_with_the_list_s_date_and_age() {
    for extra in [&[][..], &["--require-status"][..]] {
        let out = verify("good-chain", AT, extra);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{extra:?}: {stdout}");
        assert!(
            stdout.contains("注销状态已核对") && stdout.contains("2025-05-20"),
            "{stdout}"
        );
        assert!(stdout.contains("12 days old"), "{stdout}");
    }
}

#[test]
fn stale_is_valid_but_flagged_and_invalid_when_status_is_required() {
    let out = verify("driving-permit", AT, &[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("⚠ STALE"), "{stdout}");
    assert!(stdout.contains("已过更新时间"), "{stdout}");

    let out = verify("driving-permit", AT, &["--require-status"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("[revocation_stale]"), "{stdout}");
}

#[test]
fn unknown_is_valid_but_flagged_and_invalid_when_status_is_required() {
    let out = verify("status-beyond-list", AT, &[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("⚠ NOT CHECKED"), "{stdout}");

    let out = verify("status-beyond-list", AT, &["--require-status", "--json"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["code"], "revocation_unknown");

    // A year later every list has expired: the valid license is unknown, with the list's age.
    let out = verify("good-chain", "2026-06-01T10:00:00+08:00", &["--json"]);
    let json: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json["revocation"], "unknown");
    assert_eq!(json["status_list"]["state"], "unknown");
    assert_eq!(
        json["status_list"]["issued_at"],
        "2025-05-20T09:00:00+08:00"
    );
    // And a revoked license is revoked however old the list.
    let out = verify(
        "revoked-license",
        "2026-06-01T10:00:00+08:00",
        &["--require-status"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("[revoked]"));
}

#[test]
fn lists_show_their_next_update_and_the_interval_is_bounded() {
    let out = Command::new(env!("CARGO_BIN_EXE_elicense"))
        .args(["--json", "trust", "show", &fixture("lists/fujian-v2.cose")])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    // Issued 2025-05-01 09:00 (UTC+8), due 61 days later.
    assert_eq!(json["next_update"], "2025-07-01T01:00:00Z");
    // `--next-update-days` is 1 to 366 (a list cannot declare itself current for longer).
    for days in ["0", "367"] {
        let out = Command::new(env!("CARGO_BIN_EXE_elicense"))
            .args(["status", "build", "--dir", "nowhere", "--out", "x.cose"])
            .args(["--next-update-days", days])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{days}");
        assert!(text(&out.stderr).contains("--next-update-days"), "{days}");
    }
}
