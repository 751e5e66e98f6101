//! What the CLI's integration tests share: a scratch directory that runs the real `elicense`
//! binary in it. Each test file adds its own set-up methods to `Env`.

#![allow(dead_code)] // each test file uses its own part

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The passphrase of the test keys, in `pass.txt` of every `Env`.
pub const PASS: &str = "测试口令 correct horse battery";

/// A fresh directory under the system's temporary one, with `pass.txt` holding [`PASS`].
pub struct Env {
    pub dir: PathBuf,
}

impl Env {
    /// A new, empty `elicense-<prefix>-<name>-<pid>` directory (removed first if left over).
    pub fn new(prefix: &str, name: &str) -> Env {
        let dir =
            std::env::temp_dir().join(format!("elicense-{prefix}-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("pass.txt"), format!("{PASS}\n")).unwrap();
        Env { dir }
    }

    /// A path inside the directory.
    pub fn p(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Run `elicense args` in the directory, with no passphrase in the environment and no input.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_elicense"))
            .args(args)
            .current_dir(&self.dir)
            .env_remove("ELICENSE_PASSPHRASE")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Run it and require success; its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "elicense {args:?} failed ({:?}):\n{}\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Run it and require exit code 2 (refused); its message.
    pub fn refused(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "elicense {args:?}: {stderr}");
        stderr
    }

    /// Run one OpenSSL command in the directory and require success.
    pub fn openssl(&self, args: &[&str]) {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(&self.dir)
            .output()
            .expect("the openssl command is needed for this test (apt-get install openssl)");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The set-up steps most tests share, each one `elicense` command with the passphrase file.
impl Env {
    /// `init root` of a root authority in `dir`; its output.
    pub fn init_root(&self, dir: &str, name: &str, org: &str) -> String {
        self.ok(&[
            "init",
            "root",
            "--dir",
            dir,
            "--name",
            name,
            "--org-code",
            org,
            "--passphrase-file",
            "pass.txt",
        ])
    }

    /// `cert issue` by the root in `root` for the request `csr`, of license `types`, to `out`.
    pub fn cert_issue(&self, root: &str, csr: &str, types: &str, out: &str) -> String {
        self.ok(&[
            "cert",
            "issue",
            "--root-dir",
            root,
            "--csr",
            csr,
            "--types",
            types,
            "--out",
            out,
            "--passphrase-file",
            "pass.txt",
        ])
    }

    /// `trust build` by the root in `root` of the one certificate `cert`, to `out`.
    pub fn trust_build(&self, root: &str, cert: &str, out: &str) -> String {
        self.ok(&[
            "trust",
            "build",
            "--root-dir",
            root,
            "--cert",
            cert,
            "--out",
            out,
            "--passphrase-file",
            "pass.txt",
        ])
    }

    /// A root `root` named 测试根CA and a department `dept` named `name` with organisation code
    /// `org`, both with encrypted keys; the department certified by the root for `types`, and the
    /// root's trust list of it in `list.cose`.
    pub fn root_and_department(&self, name: &str, org: &str, types: &str) {
        self.init_root("root", "测试根CA", "11350000MB0000001W");
        self.ok(&[
            "init",
            "department",
            "--dir",
            "dept",
            "--name",
            name,
            "--org-code",
            org,
            "--root",
            "root/root.cert.pem",
            "--passphrase-file",
            "pass.txt",
        ]);
        self.cert_issue(
            "root",
            "dept/request.csr.pem",
            types,
            "dept/certificate.pem",
        );
        self.trust_build("root", "dept/certificate.pem", "list.cose");
    }
}
