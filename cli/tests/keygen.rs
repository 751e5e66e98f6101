//! `elicense keygen`: encrypted key files with mode 0600, never overwritten; plain keys only with
//! the explicit flag.

use std::process::Command;

use elicense::{
    keys::{public_key_from_pem, signing_key_from_pem},
    KeyError, KeyProtection,
};

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("elicense-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn elicense() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_elicense"));
    c.env_remove("ELICENSE_PASSPHRASE");
    c
}

#[test]
fn keygen_writes_an_encrypted_owner_only_key() {
    let dir = scratch("keygen");
    let pass = dir.join("pass.txt");
    std::fs::write(&pass, "部门口令 correct horse\n").unwrap();
    let out = dir.join("dept.key.pem");
    let run = elicense()
        .args(["keygen", "--out"])
        .arg(&out)
        .arg("--passphrase-file")
        .arg(&pass)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(stdout.contains("key id:"), "{stdout}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "private key file mode");
    }
    let pem = std::fs::read_to_string(&out).unwrap();
    assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let key =
        signing_key_from_pem(&pem, KeyProtection::Passphrase("部门口令 correct horse")).unwrap();
    let public = std::fs::read_to_string(dir.join("dept.key.pem.pub.pem")).unwrap();
    assert_eq!(
        public_key_from_pem(&public).unwrap(),
        key.verifying_key().into()
    );
    assert_eq!(
        signing_key_from_pem(&pem, KeyProtection::PlainForTestsOnly).unwrap_err(),
        KeyError::PassphraseNeeded
    );

    // Never overwrites an existing key.
    let again = elicense()
        .args(["keygen", "--out"])
        .arg(&out)
        .arg("--passphrase-file")
        .arg(&pass)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        pem,
        "the key is untouched"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn keygen_plain_only_with_the_flag_and_no_passphrase_without_a_terminal() {
    let dir = scratch("keygen-plain");
    let out = dir.join("test.key.pem");
    // No passphrase source and no terminal: a clear usage error, no file.
    let run = elicense()
        .args(["keygen", "--out"])
        .arg(&out)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("passphrase"));
    assert!(!out.exists());
    let run = elicense()
        .args(["keygen", "--plain-for-tests", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success());
    assert!(String::from_utf8_lossy(&run.stdout).contains("NOT ENCRYPTED"));
    let pem = std::fs::read_to_string(&out).unwrap();
    assert!(signing_key_from_pem(&pem, KeyProtection::PlainForTestsOnly).is_ok());
    let _ = std::fs::remove_dir_all(&dir);
}
