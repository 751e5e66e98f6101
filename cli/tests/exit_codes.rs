//! The exit codes documented in docs/CLI.md and `elicense --help`: 1 for an invalid verdict, with
//! nothing added on standard error; 2 for every error, with one `elicense: …` line naming the
//! file when a file is at fault.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("elicense-exit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_elicense"))
            .args(args)
            .current_dir(&self.0)
            .env_remove("ELICENSE_PASSPHRASE")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Exit code and standard error.
    fn fails(&self, args: &[&str]) -> (Option<i32>, String) {
        let out = self.run(args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn write(&self, name: &str, contents: &str) {
        std::fs::write(self.0.join(name), contents).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn help_lists_the_exit_codes() {
    let help = Scratch::new("help").ok(&["--help"]);
    for line in ["0  done", "1  invalid", "2  error"] {
        assert!(help.contains(line), "{line:?} missing from:\n{help}");
    }
}

#[test]
fn invalid_verdicts_exit_1_quietly_and_errors_exit_2_naming_the_file() {
    let s = Scratch::new("codes");
    for (kind, dir, name) in [
        ("root", "root", "测试根CA"),
        ("root", "other", "另一个根CA"),
        ("department", "dept", "福州市市场监督管理局"),
    ] {
        let code = if kind == "root" {
            "11990000MB0000001M"
        } else {
            "11350100MB0312345H"
        };
        s.ok(&[
            "init",
            kind,
            "--dir",
            dir,
            "--name",
            name,
            "--org-code",
            code,
            "--plain-for-tests",
        ]);
    }
    s.ok(&[
        "cert",
        "issue",
        "--root-dir",
        "root",
        "--csr",
        "dept/request.csr.pem",
        "--types",
        "YYZZ",
        "--out",
        "dept/certificate.pem",
    ]);
    s.ok(&[
        "trust",
        "build",
        "--root-dir",
        "root",
        "--cert",
        "dept/certificate.pem",
        "--out",
        "list.cose",
    ]);

    // 1: an invalid verdict; the verdict is the output and standard error stays empty.
    let (code, stderr) = s.fails(&[
        "verify",
        "--root",
        "root/root.cert.pem",
        "--trust",
        "list.cose",
        "EL1:not-a-license",
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(stderr, "");

    // 2: input files that are not what they should be, named in the one-line message.
    s.write("garbage.pem", "not a certificate\n");
    s.write("bad-template.json", "{");
    let trust_list_of_another_root = [
        "trust",
        "show",
        "list.cose",
        "--root",
        "other/root.cert.pem",
    ];
    for (args, says) in [
        (
            &[
                "trust",
                "build",
                "--root-dir",
                "root",
                "--cert",
                "garbage.pem",
                "--out",
                "l.cose",
            ][..],
            "elicense: garbage.pem: ",
        ),
        (
            &[
                "issue",
                "--dir",
                "dept",
                "--template",
                "bad-template.json",
                "--set",
                "holder_name=x",
                "--out",
                "out",
            ][..],
            "elicense: bad-template.json: ",
        ),
        (&trust_list_of_another_root[..], "elicense: NOT VERIFIED: "),
        (
            &["qr", "EL1:not-a-license"][..],
            "elicense: not a license text: ",
        ),
    ] {
        let (code, stderr) = s.fails(args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with(says), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
}
