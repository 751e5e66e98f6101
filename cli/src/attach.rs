//! `elicense attest` and `elicense verify-attachment`: signed statements that a scan matches its
//! paper original, and checking files against them. Files are hashed by streaming.

use std::path::{Path, PathBuf};

use elicense::AttachmentVerdictView;
use elicense::{hash_reader, verify_attachment, Attestation, FileDigest, Statement};
use elicense::{transport::encode, Compression, Encoding};
use elicense::{ErrorCorrection, Input, QrMatrix};
use time::OffsetDateTime;

use crate::check::{self, TrustArgs};
use crate::store::{self, Role};
use crate::{output, KeyArgs};

/// Suffix of a detached attestation next to its file.
pub const ATTESTATION_SUFFIX: &str = ".elatt";
/// Suffix of a stamp text next to its file.
pub const STAMP_SUFFIX: &str = ".stamp.txt";

/// What an officer attests.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum StatementArg {
    /// 经与原件核对无误.
    MatchesOriginal,
    /// 复印件与原件一致.
    CertifiedCopy,
}

/// Hash a file by streaming it.
pub fn hash_file(path: &Path) -> Result<FileDigest, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    hash_reader(std::io::BufReader::with_capacity(1 << 20, file))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
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
pub struct AttestArgs<'a> {
    pub dir: &'a Path,
    pub file: &'a Path,
    pub officer_id: &'a str,
    pub officer_name: Option<&'a str>,
    pub statement: StatementArg,
    pub license: Option<&'a str>,
    pub key: &'a KeyArgs,
    pub json: bool,
}

/// Sign an attestation for a file: writes `<file>.elatt` (detached) and `<file>.stamp.txt` plus
/// `<file>.stamp.png` (the stamp QR code to print on the paper copy).
pub fn attest(a: &AttestArgs<'_>) -> Result<(), String> {
    let config = store::load(a.dir, Role::Department)?;
    let digest = hash_file(a.file)?;
    let license = a
        .license
        .map(|l| l.parse().map_err(|e| format!("--license: {e}")))
        .transpose()?;
    let att = Attestation {
        file: digest,
        statement: match a.statement {
            StatementArg::MatchesOriginal => Statement::MatchesOriginal,
            StatementArg::CertifiedCopy => Statement::CertifiedCopy,
        },
        attested_at: OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .map_err(|e| e.to_string())?,
        officer_id: a.officer_id.to_owned(),
        officer_name: a.officer_name.map(str::to_owned),
        media_type: Some(media_type(a.file).to_owned()),
        file_name: a.file.file_name().map(|n| n.to_string_lossy().into_owned()),
        license,
    };
    let key = store::signing_key(a.dir, &config, a.key.passphrase_file.as_deref())?;
    let detached = att.sign(&key).map_err(|e| e.to_string())?;
    let stamp = encode(
        &att.stamp().sign(&key).map_err(|e| e.to_string())?,
        Encoding::Base45,
        Compression::Auto,
    );
    let out = crate::secrets::with_suffix(a.file, ATTESTATION_SUFFIX);
    store::write(&out, &detached)?;
    let stamp_txt = crate::secrets::with_suffix(a.file, STAMP_SUFFIX);
    store::write(&stamp_txt, format!("{stamp}\n").as_bytes())?;
    let qr = QrMatrix::new(&stamp, ErrorCorrection::Medium).map_err(|e| e.to_string())?;
    let stamp_png = crate::secrets::with_suffix(a.file, ".stamp.png");
    output::write_png(&stamp_png, &qr, output::PNG_MODULE_PX)?;
    if a.json {
        say!(
            "{}",
            serde_json::json!({
                "sha256": digest.sha256.iter().map(|b| format!("{b:02x}")).collect::<String>(),
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

/// Where the attestation of one file comes from.
#[derive(Debug, Clone, clap::Args)]
pub struct AttestationSource {
    /// The detached attestation (default: `<file>.elatt`).
    #[arg(long, conflicts_with_all = ["stamp", "stamp_image"])]
    pub attestation: Option<PathBuf>,
    /// The stamp text (`EL1…`).
    #[arg(long, conflicts_with = "stamp_image")]
    pub stamp: Option<String>,
    /// A photo (PNG/JPEG) of the stamp QR code.
    #[arg(long)]
    pub stamp_image: Option<PathBuf>,
}

fn verify_one(
    file: &Path,
    src: &AttestationSource,
    store: &elicense::TrustStore,
    now: OffsetDateTime,
) -> Result<AttachmentVerdictView, String> {
    let digest = hash_file(file)?;
    let verdict = if let Some(text) = &src.stamp {
        verify_attachment(&digest, Input::Text(text), store, now)
    } else if let Some(photo) = &src.stamp_image {
        let text = check::decode_photo(&store::read(photo)?)?;
        verify_attachment(&digest, Input::Text(&text), store, now)
    } else {
        let path = src
            .attestation
            .clone()
            .unwrap_or_else(|| crate::secrets::with_suffix(file, ATTESTATION_SUFFIX));
        let bytes = store::read(&path)?;
        verify_attachment(&digest, Input::sniff(&bytes), store, now)
    };
    Ok(AttachmentVerdictView::new(&verdict, &digest))
}

fn print(file: &Path, v: &AttachmentVerdictView) {
    match v.outcome {
        "match" => say!(
            "✓ 一致 MATCH  {} — {}，{}",
            file.display(),
            v.statement.unwrap_or(""),
            v.signer.as_deref().unwrap_or("")
        ),
        "mismatch" => {
            say!("✗ 不一致 MISMATCH  {}", file.display());
            say!(
                "  attested SHA-256 {} ({} bytes)",
                v.attested_sha256.as_deref().unwrap_or(""),
                v.attested_size.unwrap_or(0)
            );
            say!(
                "  this file        {} ({} bytes)",
                v.actual_sha256,
                v.actual_size
            );
        }
        _ => say!(
            "✗ 无效 INVALID  {} — {} [{}]",
            file.display(),
            v.reason_zh.as_deref().unwrap_or(""),
            v.code.unwrap_or("")
        ),
    }
}

/// Verify one file, or every attested file in a folder; returns whether all match.
pub fn run_verify(
    file: Option<&Path>,
    dir: Option<&Path>,
    src: &AttestationSource,
    trust: &TrustArgs,
    json: bool,
) -> Result<bool, String> {
    let now = check::now(trust)?;
    let store = check::load_trust(trust, now)?;
    if store.is_empty() {
        return Err("no trusted departments: give --root and --trust".into());
    }
    let files: Vec<PathBuf> = match (file, dir) {
        (Some(f), None) => vec![f.to_path_buf()],
        (None, Some(d)) => {
            let mut v: Vec<PathBuf> = std::fs::read_dir(d)
                .map_err(|e| format!("cannot read {}: {e}", d.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file() && crate::secrets::with_suffix(p, ATTESTATION_SUFFIX).exists()
                })
                .collect();
            v.sort();
            if v.is_empty() {
                return Err(format!(
                    "no file in {} has a {ATTESTATION_SUFFIX} attestation next to it",
                    d.display()
                ));
            }
            v
        }
        _ => return Err("give --file FILE or --dir FOLDER".into()),
    };
    let progress = if json || files.len() < 2 {
        indicatif::ProgressBar::hidden()
    } else {
        let pb = indicatif::ProgressBar::new(files.len() as u64);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} files · {per_sec} · ETA {eta}",
            )
            .map_err(|e| e.to_string())?,
        );
        pb
    };
    let mut results = vec![];
    for f in &files {
        let v = verify_one(f, src, &store, now)?;
        progress.inc(1);
        results.push((f.clone(), v));
    }
    progress.finish_and_clear();
    let all = results.iter().all(|(_, v)| v.outcome == "match");
    if json {
        let list: Vec<_> = results
            .iter()
            .map(|(f, v)| serde_json::json!({ "file": f, "verdict": v }))
            .collect();
        say!(
            "{}",
            serde_json::to_string_pretty(&list).map_err(|e| e.to_string())?
        );
    } else {
        for (f, v) in &results {
            print(f, v);
        }
    }
    Ok(all)
}
