//! `elicense`: the command-line tool for departments and window staff. All format, signature and
//! trust logic lives in `elicense-core`; this binary parses arguments, reads and writes files and
//! prints. Exit codes: 0 valid / done, 1 invalid verdict, 2 usage or I/O error.

#![forbid(unsafe_code)]

/// Print a line to standard output. When the reader has gone away (`elicense verify | head`),
/// exit quietly with code 2 instead of panicking as `println!` would.
macro_rules! say {
    () => {
        $crate::say_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::say_line(format_args!($($arg)*))
    };
}

fn say_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{line}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(2);
        }
    }
}

mod attach;
mod check;
mod issue;
mod output;
mod registry;
mod secrets;
mod store;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use elicense::cert::{
    certificate_to_pem, issue_department_certificate, issue_root_certificate,
    make_certification_request, parse_certification_request,
};
use elicense::CertRequest;
use elicense::{Certificate, Kid, LicenseTemplate, LicenseView, StatusList, TrustList};
use time::OffsetDateTime;

use crate::output::{Formats, Paper};
use crate::store::{Config, Role};

#[derive(Parser)]
#[command(
    name = "elicense",
    version,
    about = "电子证照 Electronic licenses: issue, print and verify offline",
    after_help = "Run `elicense demo` for a tour. Exit codes: 0 ok/valid, 1 invalid, 2 usage or I/O error."
)]
struct Cli {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Args, Clone)]
struct KeyArgs {
    /// Read the key passphrase from the first line of this file (else $ELICENSE_PASSPHRASE, else a prompt).
    #[arg(long)]
    passphrase_file: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the whole workflow in a throwaway directory: a root authority and two departments,
    /// certificates, a trust list, sample licenses with QR codes, verification, tampering and
    /// revocation. Needs no set-up.
    ///
    /// Example: elicense demo
    Demo {
        /// Do not print the QR code.
        #[arg(long)]
        no_qr: bool,
    },
    /// Create a key pair (encrypted PKCS#8 PEM, mode 0600) outside a working directory.
    ///
    /// Example: elicense keygen --out my.key.pem --passphrase-file pass.txt
    Keygen {
        /// Private key file to create (never overwritten); the public key goes to `<out>.pub.pem`.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        key: KeyArgs,
        /// Write the private key UNENCRYPTED. Only for tests and throwaway demos.
        #[arg(long)]
        plain_for_tests: bool,
    },
    /// Set up a root authority or a department working directory with a new key.
    #[command(subcommand)]
    Init(InitCommand),
    /// Root authority: certify departments.
    #[command(subcommand)]
    Cert(CertCommand),
    /// Root authority: publish and inspect trust lists.
    #[command(subcommand)]
    Trust(TrustCommand),
    /// Department: issue licenses, one or a batch, writing the signed text, QR PNG and SVG per
    /// license and a manifest.
    ///
    /// Examples:
    ///   elicense issue --dir dept --type YYZZ --batch licenses.csv --out issued/
    ///   elicense issue --dir dept --type YYZZ --set holder_name=某公司 --set holder_id=91350100MA8T2Q3X18 ... --out issued/
    Issue(IssueArgs),
    /// Render a license's QR code as PNG, SVG or in the terminal.
    ///
    /// Example: elicense qr --file issued/ID.txt --format png --out ID.png
    Qr {
        #[command(flatten)]
        source: check::Source,
        /// png, svg or terminal.
        #[arg(long, default_value = "terminal")]
        format: String,
        /// Output file (png, svg).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// A printable license card (HTML or SVG, A4 or A5) with the labelled fields, the issuer and
    /// the QR code.
    ///
    /// Example: elicense card --file issued/ID.txt --format html --paper a4 --out card.html
    Card {
        #[command(flatten)]
        source: check::Source,
        /// html or svg.
        #[arg(long, default_value = "html")]
        format: String,
        /// Paper size.
        #[arg(long, value_enum, default_value = "a4")]
        paper: Paper,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
        /// A license-type template (JSON) for the labels; built-in types need none.
        #[arg(long)]
        template: Option<PathBuf>,
    },
    /// Verify a license: from its text, a file, a PNG/JPEG photo of its QR code, or standard
    /// input. Prints a clear verdict with the reason, or JSON.
    ///
    /// Example: elicense verify --root root.cert.pem --trust fujian.cose --status dept-status.cose --file photo.jpg
    Verify {
        #[command(flatten)]
        source: check::Source,
        #[command(flatten)]
        trust: check::TrustArgs,
    },
    /// Show a license's structure WITHOUT verifying it (for support staff).
    ///
    /// Example: elicense inspect --file issued/ID.txt
    Inspect {
        #[command(flatten)]
        source: check::Source,
    },
    /// Department: record that a license is revoked (publish with `status build`).
    ///
    /// Example: elicense revoke --dir dept --id YYZZ11350100MB0312345H0000000001X
    Revoke {
        /// Department directory.
        #[arg(long)]
        dir: PathBuf,
        /// License identifier.
        #[arg(long)]
        id: String,
    },
    /// Department: publish the signed revocation status list.
    #[command(subcommand)]
    Status(StatusCommand),
    /// Department officer: attest that a scanned file matches its paper original. Writes the
    /// detached attestation `<file>.elatt` and a stamp QR code (`<file>.stamp.txt`,
    /// `<file>.stamp.png`) to print on the paper copy.
    ///
    /// Example: elicense attest --dir dept --file scan.pdf --officer-id FZ-0042 --officer-name 林小红
    Attest {
        /// Department directory.
        #[arg(long)]
        dir: PathBuf,
        /// The scanned file (PDF, JPEG, PNG, TIFF; any size, hashed by streaming).
        #[arg(long)]
        file: PathBuf,
        /// The officer's staff number.
        #[arg(long)]
        officer_id: String,
        /// The officer's name.
        #[arg(long)]
        officer_name: Option<String>,
        /// What is attested.
        #[arg(long, value_enum, default_value = "matches-original")]
        statement: attach::StatementArg,
        /// The license the file belongs to.
        #[arg(long)]
        license: Option<String>,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Check that a file is exactly the attested scan, from its `.elatt`, a stamp text or a photo
    /// of the stamp QR code; or every attested file in a folder.
    ///
    /// Example: elicense verify-attachment --root root.pem --trust fujian.cose --file scan.pdf
    VerifyAttachment {
        /// The file to check.
        #[arg(long, conflicts_with = "dir")]
        file: Option<PathBuf>,
        /// A folder: check every file that has a `.elatt` next to it.
        #[arg(long)]
        dir: Option<PathBuf>,
        #[command(flatten)]
        source: attach::AttestationSource,
        #[command(flatten)]
        trust: check::TrustArgs,
    },
}

#[derive(Subcommand)]
enum InitCommand {
    /// A root authority: key and self-signed root certificate.
    ///
    /// Example: elicense init root --dir root --name 福建省电子证照根CA --org-code 11350000MB0000001W
    Root {
        /// Working directory to create.
        #[arg(long)]
        dir: PathBuf,
        /// Authority name.
        #[arg(long)]
        name: String,
        /// Its organisation code (统一社会信用代码).
        #[arg(long)]
        org_code: String,
        /// Years of validity of the root certificate.
        #[arg(long, default_value_t = 20)]
        years: u16,
        #[command(flatten)]
        key: KeyArgs,
        /// Store the key UNENCRYPTED (tests and demos only).
        #[arg(long)]
        plain_for_tests: bool,
    },
    /// A department: key and certification request (`request.csr.pem`) for its root.
    ///
    /// Example: elicense init department --dir dept --name 福州市市场监督管理局 --org-code 11350100MB0312345H
    Department {
        /// Working directory to create.
        #[arg(long)]
        dir: PathBuf,
        /// Department name.
        #[arg(long)]
        name: String,
        /// Its organisation code (统一社会信用代码).
        #[arg(long)]
        org_code: String,
        #[command(flatten)]
        key: KeyArgs,
        /// Store the key UNENCRYPTED (tests and demos only).
        #[arg(long)]
        plain_for_tests: bool,
    },
}

#[derive(Subcommand)]
enum CertCommand {
    /// Certify a department from its request, for the license types it may sign.
    ///
    /// Example: elicense cert issue --root-dir root --csr dept/request.csr.pem --types YYZZ --out dept/certificate.pem
    Issue {
        /// Root authority directory.
        #[arg(long)]
        root_dir: PathBuf,
        /// The department's certification request.
        #[arg(long)]
        csr: PathBuf,
        /// License type codes it may sign, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        types: Vec<String>,
        /// Days of validity.
        #[arg(long, default_value_t = 1826)]
        days: u32,
        /// Certificate file to write (PEM).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        key: KeyArgs,
    },
}

#[derive(Subcommand)]
enum TrustCommand {
    /// Sign a trust list of department certificates (with the next sequence number).
    ///
    /// Example: elicense trust build --root-dir root --cert dept/certificate.pem --out fujian.cose
    Build {
        /// Root authority directory.
        #[arg(long)]
        root_dir: PathBuf,
        /// Department certificates to vouch for.
        #[arg(long = "cert", required = true)]
        certs: Vec<PathBuf>,
        /// Certificates to mark revoked (keep them in --cert too, so verifiers can name them).
        #[arg(long = "revoke")]
        revoked: Vec<PathBuf>,
        /// Trust list file to write.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Show a trust list's contents; verified when --root is given.
    ///
    /// Example: elicense trust show fujian.cose --root root/root.cert.pem
    Show {
        /// The trust list.
        list: PathBuf,
        /// The root certificate to verify it with.
        #[arg(long)]
        root: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum StatusCommand {
    /// Sign the department's status list from its registry.
    ///
    /// Example: elicense status build --dir dept --out dept-status.cose
    Build {
        /// Department directory.
        #[arg(long)]
        dir: PathBuf,
        /// Status list file to write.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        key: KeyArgs,
    },
}

#[derive(clap::Args)]
struct IssueArgs {
    /// Department directory.
    #[arg(long)]
    dir: PathBuf,
    /// A built-in license type (YYZZ, JSZ, BDCQZ) ...
    #[arg(long = "type", conflicts_with = "template")]
    type_code: Option<String>,
    /// ... or a license-type template file (JSON).
    #[arg(long)]
    template: Option<PathBuf>,
    /// A CSV (with header) or JSON Lines file of licenses to issue.
    #[arg(long, conflicts_with_all = ["record", "set"])]
    batch: Option<PathBuf>,
    /// One license from a JSON object of column → value.
    #[arg(long, conflicts_with = "set")]
    record: Option<PathBuf>,
    /// One license from column=value pairs.
    #[arg(long)]
    set: Vec<String>,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    /// Files per license: any of txt, png, svg.
    #[arg(long, default_value = "txt,png,svg")]
    formats: String,
    /// Worker threads (default: all cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Issue date to use instead of today (YYYY-MM-DD).
    #[arg(long)]
    today: Option<String>,
    #[command(flatten)]
    key: KeyArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    let result = match cli.command.unwrap_or(Command::Demo { no_qr: false }) {
        Command::Demo { no_qr } => demo(no_qr),
        Command::Keygen {
            out,
            key,
            plain_for_tests,
        } => keygen(&out, key.passphrase_file.as_deref(), plain_for_tests).map(|()| true),
        Command::Init(cmd) => init(cmd).map(|()| true),
        Command::Cert(CertCommand::Issue {
            root_dir,
            csr,
            types,
            days,
            out,
            key,
        }) => cert_issue(&root_dir, &csr, &types, days, &out, &key).map(|()| true),
        Command::Trust(TrustCommand::Build {
            root_dir,
            certs,
            revoked,
            out,
            key,
        }) => trust_build(&root_dir, &certs, &revoked, &out, &key).map(|()| true),
        Command::Trust(TrustCommand::Show { list, root }) => {
            trust_show(&list, root.as_deref(), json).map(|()| true)
        }
        Command::Issue(args) => issue_cmd(&args, json),
        Command::Qr {
            source,
            format,
            out,
        } => qr_cmd(&source, &format, out.as_deref()).map(|()| true),
        Command::Card {
            source,
            format,
            paper,
            out,
            template,
        } => card_cmd(&source, &format, paper, &out, template.as_deref()).map(|()| true),
        Command::Verify { source, trust } => check::run_verify(&source, &trust, json),
        Command::Inspect { source } => check::run_inspect(&source, json).map(|()| true),
        Command::Revoke { dir, id } => revoke_cmd(&dir, &id, json).map(|()| true),
        Command::Attest {
            dir,
            file,
            officer_id,
            officer_name,
            statement,
            license,
            key,
        } => attach::attest(&attach::AttestArgs {
            dir: &dir,
            file: &file,
            officer_id: &officer_id,
            officer_name: officer_name.as_deref(),
            statement,
            license: license.as_deref(),
            key: &key,
            json,
        })
        .map(|()| true),
        Command::VerifyAttachment {
            file,
            dir,
            source,
            trust,
        } => attach::run_verify(file.as_deref(), dir.as_deref(), &source, &trust, json),
        Command::Status(StatusCommand::Build { dir, out, key }) => {
            status_build(&dir, &out, &key, json).map(|()| true)
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("elicense: {e}");
            ExitCode::from(2)
        }
    }
}

fn keygen(out: &Path, passphrase_file: Option<&Path>, plain: bool) -> Result<(), String> {
    let pub_path = secrets::with_suffix(out, ".pub.pem");
    let key = store::create_key(out, &pub_path, plain, passphrase_file)?;
    say!(
        "private key: {}{}",
        out.display(),
        if plain {
            " (NOT ENCRYPTED: tests only)"
        } else {
            ""
        }
    );
    say!("public key:  {}", pub_path.display());
    say!("key id:      {}", Kid::of(&key.verifying_key()));
    Ok(())
}

/// Today in China Standard Time.
fn today() -> elicense::Date {
    elicense::license_day(OffsetDateTime::now_utc())
}

fn init(cmd: InitCommand) -> Result<(), String> {
    match cmd {
        InitCommand::Root {
            dir,
            name,
            org_code,
            years,
            key,
            plain_for_tests,
        } => {
            let config = Config::new(Role::Root, &name, &org_code, plain_for_tests)?;
            let org = config.org()?;
            let signing = store::init(&dir, &config, key.passphrase_file.as_deref())?;
            let now = OffsetDateTime::now_utc()
                .replace_nanosecond(0)
                .map_err(|e| e.to_string())?;
            let req = CertRequest {
                name,
                org_code: org,
                not_before: now,
                not_after: now
                    + time::Duration::days(365 * i64::from(years) + i64::from(years / 4)),
                serial: 1,
            };
            let der = issue_root_certificate(&signing, &req).map_err(|e| e.to_string())?;
            store::write(
                &dir.join("root.cert.pem"),
                certificate_to_pem(&der).as_bytes(),
            )?;
            say!("root authority created in {}", dir.display());
            say!(
                "  root certificate: {} (give it to verifiers)",
                dir.join("root.cert.pem").display()
            );
            say!("  key id: {}", Kid::of(&signing.verifying_key()));
            Ok(())
        }
        InitCommand::Department {
            dir,
            name,
            org_code,
            key,
            plain_for_tests,
        } => {
            let config = Config::new(Role::Department, &name, &org_code, plain_for_tests)?;
            let org = config.org()?;
            let signing = store::init(&dir, &config, key.passphrase_file.as_deref())?;
            let csr =
                make_certification_request(&signing, &name, &org).map_err(|e| e.to_string())?;
            let pem = elicense_pem("CERTIFICATE REQUEST", &csr);
            store::write(&dir.join("request.csr.pem"), pem.as_bytes())?;
            registry::Registry::open(&dir)?;
            say!("department created in {}", dir.display());
            say!(
                "  certification request: {} (send it to your root authority)",
                dir.join("request.csr.pem").display()
            );
            say!("  key id: {}", Kid::of(&signing.verifying_key()));
            Ok(())
        }
    }
}

fn elicense_pem(label: &str, der: &[u8]) -> String {
    certificate_to_pem(der).replace("CERTIFICATE", label)
}

fn cert_issue(
    root_dir: &Path,
    csr: &Path,
    types: &[String],
    days: u32,
    out: &Path,
    key: &KeyArgs,
) -> Result<(), String> {
    let mut config = store::load(root_dir, Role::Root)?;
    let root = Certificate::parse(&store::read(&root_dir.join("root.cert.pem"))?)
        .map_err(|e| e.to_string())?;
    let request = parse_certification_request(&store::read(csr)?)
        .map_err(|e| format!("{}: {e}", csr.display()))?;
    let types = types
        .iter()
        .map(|t| t.trim().parse().map_err(|e| format!("--types {t:?}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let signing = store::signing_key(root_dir, &config, key.passphrase_file.as_deref())?;
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .map_err(|e| e.to_string())?;
    let serial = config.next_serial.max(2);
    let req = CertRequest {
        name: request.name.clone(),
        org_code: request.org_code.clone(),
        not_before: now,
        not_after: (now + time::Duration::days(i64::from(days))).min(root.not_after()),
        serial,
    };
    let der = issue_department_certificate(&signing, &root, &request.key, &req, &types)
        .map_err(|e| e.to_string())?;
    config.next_serial = serial + 1;
    store::save(root_dir, &config)?;
    store::write(out, certificate_to_pem(&der).as_bytes())?;
    say!(
        "certified {} ({}) for {} — serial {serial}, written to {}",
        request.name,
        request.org_code,
        types
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        out.display()
    );
    Ok(())
}

fn trust_build(
    root_dir: &Path,
    certs: &[PathBuf],
    revoked: &[PathBuf],
    out: &Path,
    key: &KeyArgs,
) -> Result<(), String> {
    let mut config = store::load(root_dir, Role::Root)?;
    let root = Certificate::parse(&store::read(&root_dir.join("root.cert.pem"))?)
        .map_err(|e| e.to_string())?;
    let mut ders = vec![];
    for path in certs {
        let c = Certificate::parse(&store::read(path)?)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        c.check_department()
            .and_then(|()| c.verify_issued_by(&root))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        ders.push(c.der().to_vec());
    }
    let mut fingerprints = vec![];
    for path in revoked {
        let c = Certificate::parse(&store::read(path)?)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        fingerprints.push(c.fingerprint());
    }
    let signing = store::signing_key(root_dir, &config, key.passphrase_file.as_deref())?;
    let sequence = config.trust_list_sequence + 1;
    let list = TrustList {
        root_name: config.name.clone(),
        sequence,
        issued_at: OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .map_err(|e| e.to_string())?,
        certificates: ders,
        revoked: fingerprints,
    };
    let signed = list.sign(&signing).map_err(|e| e.to_string())?;
    store::write(out, &signed)?;
    config.trust_list_sequence = sequence;
    store::save(root_dir, &config)?;
    say!(
        "trust list {sequence} of {}: {} certificates, {} revoked, written to {}",
        config.name,
        list.certificates.len(),
        list.revoked.len(),
        out.display()
    );
    Ok(())
}

fn trust_show(path: &Path, root: Option<&Path>, json: bool) -> Result<(), String> {
    let bytes = store::read(path)?;
    let cose = elicense::CoseSign1::parse_with_limit(&bytes, elicense::limits::MAX_TRUST_LIST_LEN)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    cose.expect_content_type(elicense::ContentType::TrustList)
        .map_err(|e| e.to_string())?;
    let verified = match root {
        Some(r) => {
            let mut store = elicense::TrustStore::new();
            store
                .add_root(&store::read(r)?)
                .map_err(|e| format!("{}: {e}", r.display()))?;
            store
                .load_trust_list(&bytes, OffsetDateTime::now_utc())
                .map_err(|e| format!("NOT VERIFIED: {e}"))?;
            true
        }
        None => false,
    };
    let list = TrustList::from_cbor(cose.payload()).map_err(|e| e.to_string())?;
    let entries: Vec<serde_json::Value> = list
        .certificates
        .iter()
        .map(|der| match Certificate::parse(der) {
            Ok(c) => serde_json::json!({
                "name": c.name(),
                "org_code": c.org_code().map(|o| o.to_string()),
                "license_types": c.license_types().iter().map(|t| t.to_string()).collect::<Vec<_>>(),
                "not_before": c.not_before().to_string(),
                "not_after": c.not_after().to_string(),
                "serial": c.serial(),
                "kid": Kid::of(c.key()).to_string(),
                "revoked": list.revoked.contains(&c.fingerprint()),
            }),
            Err(e) => serde_json::json!({ "error": e.to_string() }),
        })
        .collect();
    if json {
        let v = serde_json::json!({
            "verified": verified,
            "root": list.root_name,
            "sequence": list.sequence,
            "issued_at": list.issued_at.to_string(),
            "signer_kid": cose.kid().to_string(),
            "departments": entries,
        });
        say!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    say!(
        "{} trust list of {}, sequence {}, issued {}",
        if verified {
            "VERIFIED"
        } else {
            "UNVERIFIED (give --root to verify)"
        },
        list.root_name,
        list.sequence,
        list.issued_at
    );
    for e in entries {
        say!("  {e}");
    }
    Ok(())
}

fn load_template(type_code: Option<&str>, path: Option<&Path>) -> Result<LicenseTemplate, String> {
    match (type_code, path) {
        (_, Some(p)) => {
            let text =
                String::from_utf8(store::read(p)?).map_err(|e| format!("{}: {e}", p.display()))?;
            LicenseTemplate::from_json(&text).map_err(|e| format!("{}: {e}", p.display()))
        }
        (Some(t), None) => LicenseTemplate::builtin_for(t).ok_or_else(|| {
            format!(
                "no built-in template for {t:?} (built in: YYZZ, JSZ, BDCQZ); use --template FILE"
            )
        }),
        (None, None) => Err("give --type or --template".into()),
    }
}

fn issue_cmd(args: &IssueArgs, json: bool) -> Result<bool, String> {
    let config = store::load(&args.dir, Role::Department)?;
    let template = load_template(args.type_code.as_deref(), args.template.as_deref())?;
    let formats = Formats::parse(&args.formats)?;
    let today = match &args.today {
        Some(t) => elicense::parse_date(t).map_err(|e| format!("--today: {e}"))?,
        None => today(),
    };
    if let Some(jobs) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()
            .map_err(|e| e.to_string())?;
    }
    let (records, mut errors, source) = match (&args.batch, &args.record) {
        (Some(path), _) => {
            let bytes = store::read(path)?;
            let (records, errors) = issue::read_records(path, &bytes);
            (records, errors, Some(issue::source_id(&bytes)))
        }
        (None, Some(path)) => {
            let (records, errors) =
                issue::read_records(&PathBuf::from("record.jsonl"), &store::read(path)?);
            if records.len() + errors.len() != 1 {
                return Err(format!(
                    "{} must hold exactly one JSON object",
                    path.display()
                ));
            }
            (records, errors, None)
        }
        (None, None) => {
            let mut rec = BTreeMap::new();
            for pair in &args.set {
                let (k, v) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("--set {pair:?} is not column=value"))?;
                rec.insert(k.trim().to_owned(), v.to_owned());
            }
            if rec.is_empty() {
                return Err("give --batch FILE, --record FILE or --set column=value ...".into());
            }
            (vec![(1, rec)], vec![], None)
        }
    };
    let key = store::signing_key(&args.dir, &config, args.key.passphrase_file.as_deref())?;
    let issuer = issue::Issuer {
        dir: &args.dir,
        config: &config,
        key: &key,
        template: &template,
        today,
        out: &args.out,
        formats,
    };
    issuer.check_certificate()?;
    let mut registry = registry::Registry::open(&args.dir)?;
    let total = records.len() as u64;
    let progress = if json || total < 2 {
        indicatif::ProgressBar::hidden()
    } else {
        let pb = indicatif::ProgressBar::new(total);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} licenses · {per_sec} · ETA {eta}",
            )
            .map_err(|e| e.to_string())?,
        );
        pb
    };
    let mut report = issuer.run(&mut registry, records, source.as_deref(), &progress)?;
    progress.finish_and_clear();
    report.errors.append(&mut errors);
    report.errors.sort_by_key(|e| e.line);
    if let Some(source) = &source {
        issue::write_manifest(&registry, &args.out, source, formats, &report.errors)?;
    }
    if json {
        say!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
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
    Ok(report.errors.is_empty())
}

fn read_text(source: &check::Source) -> Result<String, String> {
    let bytes = check::read_source(source)?;
    String::from_utf8(bytes).map_err(|_| "the input is not a license text".into())
}

fn qr_cmd(source: &check::Source, format: &str, out: Option<&Path>) -> Result<(), String> {
    let text = read_text(source)?;
    let text = text.trim();
    elicense::transport::decode(text).map_err(|e| format!("not a license text: {e}"))?;
    let qr = elicense::QrMatrix::new(text, elicense::ErrorCorrection::Medium)
        .map_err(|e| e.to_string())?;
    match (format, out) {
        ("terminal", _) => {
            say!("{}", qr.to_terminal());
            Ok(())
        }
        ("png", Some(path)) => output::write_png(path, &qr, output::PNG_MODULE_PX),
        ("svg", Some(path)) => store::write(path, qr.to_svg(4).as_bytes()),
        ("png" | "svg", None) => Err("--out is needed for png and svg".into()),
        (other, _) => Err(format!(
            "unknown format {other:?}; use png, svg or terminal"
        )),
    }
}

fn card_cmd(
    source: &check::Source,
    format: &str,
    paper: Paper,
    out: &Path,
    template: Option<&Path>,
) -> Result<(), String> {
    let text = read_text(source)?;
    let text = text.trim();
    let ins = elicense::inspect(elicense::Input::Text(text))
        .map_err(|e| format!("not a license text: {e}"))?;
    let license = ins
        .license
        .map_err(|e| format!("the license cannot be decoded: {e}"))?;
    let template = match template {
        Some(p) => Some(load_template(None, Some(p))?),
        None => None,
    };
    let view = LicenseView::new(&license, template.as_ref());
    let doc = match format {
        "html" => output::card_html(&view, text, paper)?,
        "svg" => output::card_svg(&view, text, paper)?,
        other => return Err(format!("unknown card format {other:?}; use html or svg")),
    };
    store::write(out, doc.as_bytes())?;
    say!("card for {} written to {}", view.id, out.display());
    Ok(())
}

fn revoke_cmd(dir: &Path, id: &str, json: bool) -> Result<(), String> {
    store::load(dir, Role::Department)?;
    let mut registry = registry::Registry::open(dir)?;
    let at = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .map_err(|e| e.to_string())?
        .to_string();
    let rec = registry.revoke(id, &at)?;
    if json {
        say!(
            "{}",
            serde_json::json!({"id": rec.id, "status_index": rec.status_index, "revoked_at": rec.revoked_at})
        );
    } else {
        say!(
            "revoked {} (status index {}); publish it with `elicense status build`",
            rec.id,
            rec.status_index
        );
    }
    Ok(())
}

fn status_build(dir: &Path, out: &Path, key: &KeyArgs, json: bool) -> Result<(), String> {
    let config = store::load(dir, Role::Department)?;
    let mut registry = registry::Registry::open(dir)?;
    let (allocated, revoked) = registry.status()?;
    let signing = store::signing_key(dir, &config, key.passphrase_file.as_deref())?;
    let sequence = registry.next_status_sequence()?;
    let entries = allocated.max(1).next_multiple_of(8 * 1024);
    let mut list = StatusList::new(
        config.org()?,
        sequence,
        OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .map_err(|e| e.to_string())?,
        entries,
    )
    .map_err(|e| e.to_string())?;
    for i in &revoked {
        list.revoke(*i).map_err(|e| e.to_string())?;
    }
    let signed = list.sign(&signing).map_err(|e| e.to_string())?;
    store::write(out, &signed)?;
    if json {
        say!(
            "{}",
            serde_json::json!({"sequence": sequence, "entries": entries, "revoked": revoked.len(), "bytes": signed.len()})
        );
    } else {
        say!(
            "status list {sequence}: {entries} entries, {} revoked, {} bytes, written to {}",
            revoked.len(),
            signed.len(),
            out.display()
        );
    }
    Ok(())
}

mod demo;
use demo::demo;
