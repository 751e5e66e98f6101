//! `elicense issue`: one license from flags or JSON, or a batch from CSV or JSON Lines, through a
//! license-type template.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use elicense::transport::{encode as encode_transport, encode_v2};
use elicense::{
    parse_date, Compression, Encoding, IssueContext, IssuingCertificate, License, LicenseId,
    LicenseTemplate, LicenseTypeCode, Signer, TemplateError, SEED_LEN,
};
use rand_core::{OsRng, RngCore};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::args::IssueArgs;
use crate::clock::today;
use crate::error::{CliError, Invalid};
use crate::output::{self, Formats};
use crate::workdir::registry::{Pending, Registry, Signed};
use crate::workdir::{self, Config, Role};
use crate::{files, input};

/// Issue one license or a batch. Rejected rows are reported (the others are issued) and give
/// [`Invalid::Rows`] (exit code 1).
pub fn run(args: &IssueArgs, json: bool) -> Result<(), CliError> {
    let config = workdir::load(&args.dir, Role::Department)?;
    let template = input::load_template(args.type_code.as_deref(), args.template.as_deref())?;
    let formats = Formats::parse(&args.formats)?;
    // Version 2 keys fields by their position in the built-in template every verifier has.
    if args.format_version == 2
        && LicenseTemplate::builtin_ref(&template.type_code) != Some(&template)
    {
        return Err(CliError::Usage(format!(
            "--format 2 needs a license type built into every verifier (YYZZ, JSZ, BDCQZ, SPJY, YSZY) with its built-in template: {} {}",
            template.type_code,
            if LicenseTemplate::builtin_ref(&template.type_code).is_some() {
                "is given with another template (--template)"
            } else {
                "is not built in"
            }
        )));
    }
    let today = match &args.today {
        Some(t) => parse_date(t).map_err(|e| CliError::Usage(format!("--today: {e}")))?,
        None => today(),
    };
    if let Some(jobs) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()
            .map_err(|e| CliError::Internal(e.to_string()))?;
    }
    let (records, mut errors, source) = match (&args.batch, &args.record) {
        (Some(path), _) => {
            let bytes = files::read(path)?;
            let (records, errors) = read_records(path, &bytes);
            (records, errors, Some(source_id(&bytes)))
        }
        (None, Some(path)) => {
            let (records, errors) =
                read_records(&PathBuf::from("record.jsonl"), &files::read(path)?);
            if records.len() + errors.len() != 1 {
                return Err(CliError::Usage(format!(
                    "{} must hold exactly one JSON object",
                    path.display()
                )));
            }
            let source = records
                .first()
                .map(|(_, rec)| single_source(&template.type_code, today, rec))
                .transpose()?;
            (records, errors, source)
        }
        (None, None) => {
            let mut rec = BTreeMap::new();
            for pair in &args.set {
                let (k, v) = pair.split_once('=').ok_or_else(|| {
                    CliError::Usage(format!("--set {pair:?} is not column=value"))
                })?;
                rec.insert(k.trim().to_owned(), v.to_owned());
            }
            if rec.is_empty() {
                return Err(CliError::Usage(
                    "give --batch FILE, --record FILE or --set column=value ...".into(),
                ));
            }
            let source = single_source(&template.type_code, today, &rec)?;
            (vec![(1, rec)], vec![], Some(source))
        }
    };
    // The same input issued in version 2 is another source: its rows are new licenses, not
    // the version-1 ones already issued (version 1's sources are as they always were).
    let source = match args.format_version {
        2 => source.map(|s| source_id(format!("{s}\nelicense format version 2").as_bytes())),
        _ => source,
    };
    let key = workdir::signing_key(&args.dir, &config, args.key.passphrase_file.as_deref())?;
    // Before anything is reserved or signed: the certificate and its root, as verifiers check
    // them (core), for this type today; each row's own issue date is checked in `run`.
    let certificate = workdir::issuing_certificate(&args.dir, &config, &key.public_key())?;
    let issuer = Issuer {
        dir: &args.dir,
        config: &config,
        key: &key,
        certificate: &certificate,
        template: &template,
        today,
        out: &args.out,
        formats,
        version: args.format_version,
    };
    issuer.check_certificate()?;
    let mut registry = Registry::open(&args.dir)?;
    let total = records.len() as u64;
    let progress = if json || total < 2 {
        indicatif::ProgressBar::hidden()
    } else {
        let pb = indicatif::ProgressBar::new(total);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} licenses · {per_sec} · ETA {eta}",
            )
            .map_err(|e| CliError::Internal(e.to_string()))?,
        );
        pb
    };
    let mut report = issuer.run(&mut registry, records, source.as_deref(), &progress)?;
    progress.finish_and_clear();
    report.errors.append(&mut errors);
    report.errors.sort_by_key(|e| e.line);
    if let (Some(source), Some(_)) = (&source, &args.batch) {
        write_manifest(&registry, &args.out, source, formats, &report.errors)?;
    }
    if json {
        say!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(CliError::Json)?
        );
    } else {
        say!(
            "issued {} licenses into {}{}",
            report.issued,
            args.out.display(),
            if report.already_issued > 0 {
                format!(
                    " ({} rows were already issued by an earlier run and were not issued again)",
                    report.already_issued
                )
            } else {
                String::new()
            }
        );
        for e in &report.errors {
            eprintln!("  line {}: {}", e.line, e.error);
        }
        if !report.errors.is_empty() {
            eprintln!(
                "{} rows rejected (see errors.jsonl); the others were issued",
                report.errors.len()
            );
        }
    }
    if report.errors.is_empty() {
        Ok(())
    } else {
        Err(Invalid::Rows {
            rejected: report.errors.len(),
        }
        .into())
    }
}

/// Rows reserved, signed and committed together. A crash leaves at most one chunk reserved but
/// not issued, which a re-run of the same batch issues with the numbers reserved.
pub const CHUNK: usize = 512;

/// One input record and the line it came from.
pub type Record = (u64, BTreeMap<String, String>);

/// A rejected row.
#[derive(Debug, Clone, Serialize)]
pub struct RowError {
    /// 1-based line number in the input file.
    pub line: u64,
    /// What is wrong.
    pub error: String,
}

/// What a run did.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// Licenses issued by this run.
    pub issued: usize,
    /// Rows skipped because an earlier run already issued them.
    pub already_issued: usize,
    /// Rows rejected.
    pub errors: Vec<RowError>,
    /// Output directory.
    pub out: PathBuf,
}

/// Read CSV (with a header row) or JSON Lines (one object per line), by file extension.
/// Malformed rows become errors with their line numbers; they do not stop the rest.
pub fn read_records(path: &Path, bytes: &[u8]) -> (Vec<Record>, Vec<RowError>) {
    let is_jsonl = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson"));
    let (mut records, mut errors) = (vec![], vec![]);
    if is_jsonl {
        for (i, line) in String::from_utf8_lossy(bytes).lines().enumerate() {
            let n = i as u64 + 1;
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<BTreeMap<String, serde_json::Value>>(line) {
                Ok(obj) => {
                    let rec = obj
                        .into_iter()
                        .map(|(k, v)| {
                            let text = match v {
                                serde_json::Value::String(s) => s,
                                serde_json::Value::Null => String::new(),
                                other => other.to_string(),
                            };
                            (k, text)
                        })
                        .collect();
                    records.push((n, rec));
                }
                Err(e) => errors.push(RowError {
                    line: n,
                    error: format!("not a JSON object: {e}"),
                }),
            }
        }
    } else {
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                errors.push(RowError {
                    line: 1,
                    error: format!("cannot read the CSV header: {e}"),
                });
                return (records, errors);
            }
        };
        for row in reader.records() {
            match row {
                Ok(r) => {
                    let n = r.position().map_or(0, |p| p.line());
                    let rec = headers
                        .iter()
                        .zip(r.iter())
                        .map(|(h, v)| (h.trim().to_owned(), v.to_owned()))
                        .collect();
                    records.push((n, rec));
                }
                Err(e) => errors.push(RowError {
                    line: e.position().map_or(0, |p| p.line()),
                    error: format!("malformed CSV row: {e}"),
                }),
            }
        }
    }
    (records, errors)
}

/// Everything an issuing run needs.
pub struct Issuer<'a> {
    /// Department directory.
    pub dir: &'a Path,
    /// Its configuration.
    pub config: &'a Config,
    /// Its signing key.
    pub key: &'a (dyn Signer + Send + Sync),
    /// Its certificate, checked against its root ([`workdir::issuing_certificate`]).
    pub certificate: &'a IssuingCertificate,
    /// The license-type template.
    pub template: &'a LicenseTemplate,
    /// Today (UTC+8), the default issue date.
    pub today: elicense::Date,
    /// Output directory and formats.
    pub out: &'a Path,
    /// Which files to write per license.
    pub formats: Formats,
    /// Format version to sign: 1 or 2 (`--format`).
    pub version: u8,
}

impl Issuer<'_> {
    /// Refuse before anything is signed when verifiers would reject this license type, or any
    /// license issued today, under the department's certificate (core runs the same checks as
    /// verification).
    pub fn check_certificate(&self) -> Result<(), CliError> {
        let type_code: LicenseTypeCode = self.template.type_code.parse()?;
        self.certificate
            .permits(&type_code, self.today)
            .map_err(|source| CliError::Issuance {
                path: self.dir.join(workdir::CERT_FILE),
                source,
            })
    }

    /// Sign `license` in the format version asked for; its transport text (base45, compressed
    /// when shorter). Version 2 draws a fresh seed for each license from the operating system's
    /// random generator (used only when the type has personal items: `License::sign_v2`).
    fn sign(&self, line: u64, license: &License) -> Result<String, CliError> {
        let row = |e: elicense::LicenseError| CliError::Row {
            line,
            source: e.into(),
        };
        if self.version == 2 {
            let mut seed = [0u8; SEED_LEN];
            OsRng.try_fill_bytes(&mut seed).map_err(CliError::Random)?;
            let wire = license.sign_v2(self.key, Some(seed)).map_err(row)?;
            return Ok(encode_v2(&wire, Encoding::Base45, Compression::Auto));
        }
        let signed = license.sign(self.key).map_err(row)?;
        Ok(encode_transport(
            &signed,
            Encoding::Base45,
            Compression::Auto,
        ))
    }

    fn context(&self) -> Result<IssueContext, CliError> {
        Ok(IssueContext {
            issuer: self.config.org()?,
            issuer_name: self.config.name.clone(),
            sequence: 0,
            status_index: Some(0),
            today: self.today,
        })
    }

    /// Issue `records` (from `source`, the input's SHA-256 for batches, [`single_source`] for a
    /// single license). Rows already issued from the same source are not issued again; their
    /// files are rewritten where missing or different. Rows an earlier, killed run of the same source reserved are issued with the
    /// numbers it reserved. Each chunk: numbers reserved and committed, licenses signed, texts
    /// committed, files written from the committed texts (`workdir::registry`).
    pub fn run(
        &self,
        registry: &mut Registry,
        records: Vec<Record>,
        source: Option<&str>,
        progress: &indicatif::ProgressBar,
    ) -> Result<Report, CliError> {
        let ctx = self.context()?;
        let mut report = Report {
            out: self.out.to_path_buf(),
            ..Report::default()
        };
        files::create_private_dir(self.out)?;
        let mut writer = FileWriter::new(self.out, self.formats)?;
        let done: BTreeMap<u64, (String, String)> = match source {
            Some(s) => registry
                .issued_from(s)?
                .into_iter()
                .filter_map(|i| i.source_row.map(|r| (r, (i.id, i.text))))
                .collect(),
            None => BTreeMap::new(),
        };
        let (already, pending): (Vec<_>, Vec<_>) = records
            .into_iter()
            .partition(|(line, _)| done.contains_key(line));
        report.already_issued = already.len();
        for chunk in already.chunks(CHUNK) {
            let rows: Vec<(String, String)> =
                chunk.iter().map(|(line, _)| done[line].clone()).collect();
            writer.write(&rows)?;
            progress.inc(chunk.len() as u64);
        }
        let type_code: LicenseTypeCode = self.template.type_code.parse()?;
        let issuer = self.config.org()?;
        for chunk in pending.chunks(CHUNK) {
            let built: Vec<(u64, Result<License, TemplateError>)> = chunk
                .par_iter()
                .map(|(line, rec)| (*line, self.template.build(rec, &ctx)))
                .collect();
            let mut valid = vec![];
            for (line, result) in built {
                // A row dated outside the certificate's validity would be refused by verifiers.
                let result = result.map_err(|e| e.to_string()).and_then(|l| {
                    match self.certificate.permits(&type_code, l.issued_on) {
                        Ok(()) => Ok(l),
                        Err(e) => Err(e.to_string()),
                    }
                });
                match result {
                    Ok(l) => valid.push((line, l)),
                    Err(error) => report.errors.push(RowError { line, error }),
                }
            }
            if valid.is_empty() {
                progress.inc(chunk.len() as u64);
                continue;
            }
            let rows: Vec<Pending> = valid
                .iter()
                .map(|(line, l)| Pending {
                    line: *line,
                    holder_id: l.holder.id.as_str().to_owned(),
                    holder_name: l.holder.name.clone(),
                    issued_on: l.issued_on.to_string(),
                })
                .collect();
            let make_id = |sequence| -> Result<LicenseId, CliError> {
                Ok(LicenseId::new(type_code.clone(), issuer.clone(), sequence)?)
            };
            let reserved = registry.reserve(&self.template.type_code, source, &rows, |s| {
                make_id(s).map(|id| id.to_string())
            })?;
            let n = valid.len();
            // Every row's files are written, those a concurrent run of the batch issued too.
            let ids: Vec<String> = reserved.iter().map(|r| r.id.clone()).collect();
            let signed = valid
                .into_par_iter()
                .zip(rows)
                .zip(reserved)
                .filter(|(_, reserved)| !reserved.issued)
                .map(|(((line, mut license), pending), reserved)| {
                    license.id = make_id(reserved.sequence)?;
                    if license.id.to_string() != reserved.id {
                        return Err(CliError::ReservedForAnotherType {
                            line,
                            id: reserved.id,
                        });
                    }
                    license.status_index = Some(reserved.status_index);
                    let text = self.sign(line, &license)?;
                    Ok(Signed {
                        id: reserved.id,
                        text,
                        pending,
                    })
                })
                .collect::<Result<Vec<_>, CliError>>()?;
            let issued = registry.finish(&signed)?;
            writer.write(&registry.texts(&ids)?)?;
            report.issued += issued;
            report.already_issued += n - issued;
            progress.inc(chunk.len() as u64);
        }
        writer.finish()?;
        report.errors.sort_by_key(|e| e.line);
        Ok(report)
    }
}

/// Threads writing license files: each mostly waits for its file's sync, so more of them than
/// cores keep the disk busy.
const WRITE_THREADS: usize = 8;

/// Writes the files of committed licenses into the output folder: contents made on the signing
/// threads, each file replaced atomically ([`files::ensure`]) unless it already holds them, the
/// folder synced after each chunk.
struct FileWriter<'a> {
    out: &'a Path,
    formats: Formats,
    pool: rayon::ThreadPool,
    written: HashSet<String>,
}

impl<'a> FileWriter<'a> {
    fn new(out: &'a Path, formats: Formats) -> Result<Self, CliError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(WRITE_THREADS)
            .build()
            .map_err(|e| CliError::Internal(e.to_string()))?;
        Ok(FileWriter {
            out,
            formats,
            pool,
            written: HashSet::new(),
        })
    }

    /// Write the files of `rows` (identifier, committed text).
    fn write(&mut self, rows: &[(String, String)]) -> Result<(), CliError> {
        let contents: Vec<(String, Vec<u8>)> = rows
            .par_iter()
            .map(|(id, text)| output::license_files(id, text, self.formats))
            .collect::<Result<Vec<_>, CliError>>()?
            .into_iter()
            .flatten()
            .collect();
        let out = self.out;
        self.pool.install(|| {
            contents
                .par_iter()
                .try_for_each(|(name, bytes)| files::ensure(&out.join(name), bytes).map(|_| ()))
        })?;
        files::sync_dir(out)?;
        self.written
            .extend(contents.into_iter().map(|(name, _)| name));
        Ok(())
    }

    /// Remove what a killed run left half-written for the files this run wrote.
    fn finish(self) -> Result<(), CliError> {
        files::remove_stale_temps(self.out, &self.written)
    }
}

/// The source of a single license (`--set`, `--record`): SHA-256 of its type, the day and its
/// record. Like a batch file's, it identifies the license across runs, so that a run killed
/// after the registry committed the license (or after it reserved its numbers) and run again
/// the same day writes the same license's files (or signs it with the numbers reserved), never
/// a second number. On another day the same record is a new license.
pub fn single_source(
    type_code: &str,
    today: elicense::Date,
    record: &BTreeMap<String, String>,
) -> Result<String, CliError> {
    let record = serde_json::to_string(record).map_err(CliError::Json)?;
    Ok(source_id(
        format!("elicense single license\n{type_code}\n{today}\n{record}").as_bytes(),
    ))
}

/// SHA-256 of a batch input, identifying it across runs.
pub fn source_id(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Write `manifest.jsonl` (every license issued from `source`, by line) and `errors.jsonl`.
pub fn write_manifest(
    registry: &Registry,
    out: &Path,
    source: &str,
    formats: Formats,
    errors: &[RowError],
) -> Result<(), CliError> {
    let mut manifest = String::new();
    for i in registry.issued_from(source)? {
        let files = output::file_names(&i.id, formats);
        let line = serde_json::json!({
            "line": i.source_row,
            "id": i.id,
            "status_index": i.status_index,
            "files": files,
            "revoked": i.revoked_at.is_some(),
        });
        manifest.push_str(&format!("{line}\n"));
    }
    files::write_atomic(&out.join("manifest.jsonl"), manifest.as_bytes())?;
    let mut errs = String::new();
    for e in errors {
        errs.push_str(&serde_json::to_string(e).map_err(CliError::Json)?);
        errs.push('\n');
    }
    files::write_atomic(&out.join("errors.jsonl"), errs.as_bytes())?;
    files::sync_dir(out)
}
