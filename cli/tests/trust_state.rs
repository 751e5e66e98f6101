//! `--trust-state FILE`: the highest trust-list sequence seen per root is remembered between
//! runs, so the pre-revocation list a fraudster hands the window clerk is refused as stale
//! (docs/TRUST.md, "Rollback"); and `verify` says where its trust comes from.

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

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_elicense"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `elicense verify` of a trust fixture license with the 福建 root, one list and `extra`.
fn verify(license: &str, list: &str, extra: &[&str]) -> Output {
    let (root, list, file) = (
        fixture("roots/fujian-root.cert.pem"),
        fixture(&format!("lists/{list}.cose")),
        fixture(&format!("licenses/{license}.qr.txt")),
    );
    let mut args = vec![
        "verify", "--at", AT, "--root", &root, "--trust", &list, "--file", &file,
    ];
    args.extend(extra);
    run(&args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn an_older_list_is_refused_in_every_later_run() {
    let dir = std::env::temp_dir().join(format!("elicense-trust-state-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let state = dir.join("state/trust-state.json");
    let state = state.to_str().unwrap();
    let with_state = ["--trust-state", state];

    // Monday: the clerk verifies with the current list (v2 revokes the compromised key).
    let out = verify("revoked-certificate", "fujian-v2", &with_state);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("certificate_revoked"));
    let saved = std::fs::read_to_string(state).expect("the state file is written");
    assert!(saved.contains(r#""sequence":2"#), "{saved}");

    // Tuesday: the fraudster's older genuine list is refused, naming the file and why.
    let out = verify("revoked-certificate", "fujian-v1", &with_state);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(
        err.contains("fujian-v1.cose") && err.contains("stale"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(state).unwrap(), saved);
    // (Without the state file, one run alone cannot know a newer list exists.)
    assert_eq!(
        verify("revoked-certificate", "fujian-v1", &[])
            .status
            .code(),
        Some(0)
    );

    // The current list still works with the state, and the verdict says where trust comes from.
    let out = verify("good-chain", "fujian-v2", &with_state);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("given with --root"));
    let out = verify(
        "good-chain",
        "fujian-v2",
        &["--trust-state", state, "--json"],
    );
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(view["trust_origin"], "given");
    assert_eq!(view["root_fingerprint"].as_str().map(str::len), Some(64));

    // A damaged state file is an error naming it, never a silent fresh start.
    std::fs::write(state, "{\"version\":1,\"roots\":").unwrap();
    let out = verify("good-chain", "fujian-v2", &with_state);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("trust-state.json"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
