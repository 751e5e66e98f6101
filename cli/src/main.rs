//! `elicense`: the command-line tool for departments and window staff.
//!
//! This first version has only `demo`; the department and staff commands arrive with the CLI
//! issue. All logic lives in `elicense-core`; this binary only parses arguments and prints.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use elicense::{verify, ErrorCorrection, Input, QrMatrix, Verdict};
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Demo { no_qr: false }) {
        Command::Demo { no_qr } => demo(no_qr),
    }
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
