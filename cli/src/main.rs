//! `elicense`: the command-line tool for departments and window staff.
//!
//! This first version has only `demo`; the department and staff commands arrive with the CLI
//! issue. All logic lives in `elicense-core`; this binary only parses arguments and prints.

#![forbid(unsafe_code)]

mod secrets;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use elicense::keys::{public_key_to_pem, signing_key_to_pem, KeyProtection};
use elicense::{verify, ErrorCorrection, Input, QrMatrix, Verdict};
use elicense::{Kid, SigningKey};
use elicense_fixtures::{samples, trust_store, VERIFY_AT};

#[derive(Parser)]
#[command(
    name = "elicense",
    version,
    about = "Electronic licenses (电子证照): issue and verify"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Sign the sample licenses with the built-in TEST-ONLY keys, show one as a QR code, verify
    /// them, and show that a one-character change is caught.
    ///
    /// Example: elicense demo
    Demo {
        /// Do not print the QR code.
        #[arg(long)]
        no_qr: bool,
    },
    /// Create an Ed25519 signing key for a department or root authority: writes the private key
    /// as passphrase-encrypted PKCS#8 PEM (file mode 0600, never overwritten) and the public key
    /// next to it (`<out>.pub.pem`).
    ///
    /// Example: elicense keygen --out fuzhou-amr.key.pem --passphrase-file pass.txt
    Keygen {
        /// Private key file to create.
        #[arg(long)]
        out: PathBuf,
        /// Read the passphrase from the first line of this file (else $ELICENSE_PASSPHRASE, else
        /// a prompt).
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
        /// Write the private key UNENCRYPTED. Only for tests and throwaway demos.
        #[arg(long)]
        plain_for_tests: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Demo { no_qr: false }) {
        Command::Demo { no_qr } => demo(no_qr),
        Command::Keygen {
            out,
            passphrase_file,
            plain_for_tests,
        } => match keygen(&out, passphrase_file.as_deref(), plain_for_tests) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("elicense keygen: {e}");
                ExitCode::from(2)
            }
        },
    }
}

fn keygen(out: &Path, passphrase_file: Option<&Path>, plain: bool) -> Result<(), String> {
    let mut seed = zeroize::Zeroizing::new([0u8; 32]);
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, seed.as_mut());
    let key = SigningKey::from_bytes(&seed);
    let passphrase;
    let protection = if plain {
        KeyProtection::PlainForTestsOnly
    } else {
        passphrase = secrets::passphrase(passphrase_file, true)?;
        KeyProtection::Passphrase(&passphrase)
    };
    let pem =
        signing_key_to_pem(&key, protection, &mut rand_core::OsRng).map_err(|e| e.to_string())?;
    let public = public_key_to_pem(&key.verifying_key()).map_err(|e| e.to_string())?;
    let pub_path = secrets::with_suffix(out, ".pub.pem");
    secrets::write_secret_file(out, pem.as_bytes())?;
    std::fs::write(&pub_path, public)
        .map_err(|e| format!("cannot write {}: {e}", pub_path.display()))?;
    println!(
        "private key: {}{}",
        out.display(),
        if plain {
            " (NOT ENCRYPTED: tests only)"
        } else {
            ""
        }
    );
    println!("public key:  {}", pub_path.display());
    println!("key id:      {}", Kid::of(&key.verifying_key()));
    Ok(())
}

fn demo(no_qr: bool) -> ExitCode {
    println!(
        "elicense demo — TEST-ONLY keys, checked as of {} {:02}:{:02} (UTC+8)\n",
        VERIFY_AT.date(),
        VERIFY_AT.hour(),
        VERIFY_AT.minute()
    );
    let trust = trust_store();
    let mut all_ok = true;
    for (i, sample) in samples().iter().enumerate() {
        let text = sample.qr_text();
        let l = &sample.license;
        println!("━━ {} {} ━━", l.type_name, l.id);
        println!("   issued by {} ({})", l.issuer_name, l.issuer_code());
        println!("   QR text: {} characters, {}…", text.len(), &text[..32]);
        if i == 1 && !no_qr {
            match QrMatrix::new(&text, ErrorCorrection::Medium) {
                Ok(qr) => println!("   QR version {}:\n{}", qr.version(), qr.to_terminal()),
                Err(e) => println!("   cannot draw QR: {e}"),
            }
        }
        match verify(Input::Text(&text), &trust, VERIFY_AT) {
            Verdict::Valid(ok) => {
                println!("   ✓ VALID 有效 — signed by {}", ok.signer.name);
                let v = ok.license.validity;
                let until = v
                    .last_day()
                    .map_or("长期 (perpetual)".to_owned(), |d| d.to_string());
                println!(
                    "     holder  {} ({})",
                    ok.license.holder.name,
                    ok.license.holder.id.as_str()
                );
                println!("     valid   {} – {until}", v.from());
                for f in &ok.license.fields {
                    println!("     {:<22}{}", f.key, f.value);
                }
                for a in &ok.license.attachments {
                    println!(
                        "     attachment {} ({}, {} bytes)",
                        a.file_name, a.media_type, a.size
                    );
                }
            }
            Verdict::Invalid(bad) => {
                all_ok = false;
                println!("   ✗ INVALID 无效 — {}", bad.reason);
            }
        }
        // Change one character in the middle of the text.
        let mut altered = text.clone().into_bytes();
        let mid = altered.len() / 2;
        altered[mid] = if altered[mid] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8_lossy(&altered);
        match verify(Input::Text(&altered), &trust, VERIFY_AT) {
            Verdict::Valid(_) => {
                all_ok = false;
                println!("   !! a one-character change was NOT caught");
            }
            Verdict::Invalid(bad) => println!(
                "   one character changed → ✗ INVALID 无效 [{}]: {}",
                bad.reason.code(),
                bad.reason
            ),
        }
        println!();
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
