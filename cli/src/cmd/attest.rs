//! `elicense attest`: a signed statement that a scan matches its paper original. Files are hashed
//! by streaming.

use std::path::Path;

use elicense::transport::encode as encode_transport;
use elicense::{
    hash_reader, Attestation, Compression, Encoding, ErrorCorrection, FileDigest, LicenseId,
    QrMatrix, Statement,
};

use crate::args::StatementArg;
use crate::clock::now_whole_seconds;
use crate::error::CliError;
use crate::workdir::{self, Role};
use crate::{files, output};

/// Suffix of a detached attestation next to its file.
pub const ATTESTATION_SUFFIX: &str = ".elatt";
/// Suffix of a stamp text next to its file.
pub const STAMP_SUFFIX: &str = ".stamp.txt";

/// Hash a file by streaming it.
pub fn hash_file(path: &Path) -> Result<FileDigest, CliError> {
    let file = std::fs::File::open(path).map_err(|e| CliError::io("read", path, e))?;
    hash_reader(std::io::BufReader::with_capacity(1 << 20, file))
        .map_err(|e| CliError::io("read", path, e))
}

fn media_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("pdf") => "application/pdf",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("tif" | "tiff") => "image/tiff",
        _ => "application/octet-stream",
    }
}

/// Arguments of `attest`.
pub struct Request<'a> {
    /// Department directory.
    pub dir: &'a Path,
    /// The scanned file.
    pub file: &'a Path,
    /// The officer's staff number.
    pub officer_id: &'a str,
    /// The officer's name.
    pub officer_name: Option<&'a str>,
    /// What is attested.
    pub statement: StatementArg,
    /// The license the file belongs to (`--license`, checked here).
    pub license: Option<&'a str>,
    /// Where the key's passphrase is.
    pub passphrase_file: Option<&'a Path>,
    /// Print JSON.
    pub json: bool,
}

/// Sign an attestation for a file: writes `<file>.elatt` (detached) and `<file>.stamp.txt` plus
/// `<file>.stamp.png` (the stamp QR code to print on the paper copy).
pub fn run(a: &Request<'_>) -> Result<(), CliError> {
    let config = workdir::load(a.dir, Role::Department)?;
    let digest = hash_file(a.file)?;
    let license = a
        .license
        .map(|l| {
            l.parse::<LicenseId>()
                .map_err(|e| CliError::flag("--license", e))
        })
        .transpose()?;
    let att = Attestation {
        file: digest,
        statement: match a.statement {
            StatementArg::MatchesOriginal => Statement::MatchesOriginal,
            StatementArg::CertifiedCopy => Statement::CertifiedCopy,
        },
        attested_at: now_whole_seconds(),
        officer_id: a.officer_id.to_owned(),
        officer_name: a.officer_name.map(str::to_owned),
        media_type: Some(media_type(a.file).to_owned()),
        file_name: a.file.file_name().map(|n| n.to_string_lossy().into_owned()),
        license,
    };
    let key = workdir::signing_key(a.dir, &config, a.passphrase_file)?;
    // Verifiers check that the signer's certificate covers the attestation day: so does core
    // here, with the certificate checked against the department's root, before signing.
    workdir::issuing_certificate(a.dir, &config, &key.public_key())?
        .covers(att.attested_at)
        .map_err(|source| CliError::Issuance {
            path: a.dir.join(workdir::CERT_FILE),
            source,
        })?;
    let detached = att.sign(&key)?;
    let stamp_signed = att.stamp().sign(&key)?;
    // Both are logged before they are written out (docs/LOG.md §3).
    crate::workdir::log::record(
        crate::workdir::registry::Registry::open(a.dir)?.conn(),
        &[
            (
                elicense::ContentType::Attestation,
                crate::workdir::log::digest_id("ATT", &detached),
                &detached,
            ),
            (
                elicense::ContentType::Attestation,
                crate::workdir::log::digest_id("STAMP", &stamp_signed),
                &stamp_signed,
            ),
        ],
    )?;
    let stamp = encode_transport(&stamp_signed, Encoding::Base45, Compression::Auto);
    let out = files::with_suffix(a.file, ATTESTATION_SUFFIX);
    files::write(&out, &detached)?;
    let stamp_txt = files::with_suffix(a.file, STAMP_SUFFIX);
    files::write(&stamp_txt, format!("{stamp}\n").as_bytes())?;
    let qr = QrMatrix::new(&stamp, ErrorCorrection::Medium)?;
    let stamp_png = files::with_suffix(a.file, ".stamp.png");
    output::write_png(&stamp_png, &qr, output::PNG_MODULE_PX)?;
    if a.json {
        say!(
            "{}",
            serde_json::json!({
                "sha256": digest.sha256_hex(),
                "size": digest.size,
                "attestation": out, "stamp": stamp_txt, "stamp_png": stamp_png,
                "stamp_qr_version": qr.version(),
            })
        );
    } else {
        say!("{} — {}", a.file.display(), att.statement.zh());
        say!("  attestation: {}", out.display());
        say!(
            "  stamp QR (version {}): {} and {}",
            qr.version(),
            stamp_txt.display(),
            stamp_png.display()
        );
    }
    Ok(())
}
