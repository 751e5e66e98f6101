//! `elicense`: the command-line tool for departments and window staff. All format, signature and
//! trust logic lives in `elicense-core`; this binary parses arguments, reads and writes files and
//! prints. This file holds the command line and the dispatch to one function per command in
//! `cmd/`. Exit codes (`error.rs`, docs/CLI.md): 0 valid / done, 1 invalid verdict, 2 any other
//! error.

#![forbid(unsafe_code)]

#[macro_use]
mod say;

mod args;
mod clock;
mod cmd;
mod error;
mod files;
mod input;
mod output;
mod workdir;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::args::{
    AttestationSource, ImportArgs, IssueArgs, KeyArgs, Paper, Source, StatementArg, TrustArgs,
};
use crate::error::CliError;

#[derive(Parser)]
#[command(
    name = "elicense",
    version,
    about = "电子证照 Electronic licenses: issue, print and verify offline",
    after_help = "Run `elicense demo` for a tour.\n\n\
Exit codes (docs/CLI.md):\n  \
0  done; the license is valid, every file matches, every row was issued\n  \
1  invalid: the license, an attested file, batch rows or a demo step (the output says why)\n  \
2  error: usage; a file that cannot be read or written; input that is not what it should be\n     \
(not a license, a malformed certificate, key, template or list, a wrong passphrase);\n     \
a refusal before signing; a closed output pipe"
)]
struct Cli {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Option<Command>,
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
    /// Root authority: certify departments. Department: install the certificate.
    #[command(subcommand)]
    Cert(CertCommand),
    /// Root authority: publish and inspect trust lists.
    #[command(subcommand)]
    Trust(TrustCommand),
    /// Department: the issuance log (docs/LOG.md) — publish it as static tiles, prove a
    /// license is in it.
    #[command(subcommand)]
    Log(LogCommand),
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
        source: Source,
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
        source: Source,
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
        source: Source,
        #[command(flatten)]
        trust: TrustArgs,
        /// Require revocation checked against current lists: a license whose status or trust
        /// list is past its next update (`revocation_stale`), or that no list covers
        /// (`revocation_unknown`), is invalid (exit code 1).
        #[arg(long)]
        require_status: bool,
        /// Also check this inclusion proof (`elicense log prove`): that the license is in its
        /// department's issuance log. Exit code 1 if it does not show that.
        #[arg(long)]
        proof: Option<PathBuf>,
        /// With --proof, for a log no trust list names (lists that name logs set their own
        /// witnesses and quorum): a witness's root certificate; the proof's checkpoint shows
        /// which of them cosigned it. Repeat for several.
        #[arg(long = "witness", requires = "proof")]
        witnesses: Vec<PathBuf>,
        /// With --proof: how many of the --witness roots must have cosigned (exit code 1 if
        /// fewer).
        #[arg(long, default_value_t = 0, requires = "proof")]
        witness_quorum: usize,
        /// Print a resident identity number in full (it is masked by default, as
        /// 3502**********1233; --json always carries the full value beside the masked one).
        #[arg(long)]
        reveal_id: bool,
    },
    /// Holder: from the holder's copy of a version-2 license (`issue --format 2`), a
    /// presentation that shows only the items chosen; the others print as "未出示 / not shown"
    /// where it is verified. Prints the presentation text (EL2…); --qr writes its QR code.
    ///
    /// Examples:
    ///   elicense present --file issued/ID.txt --list
    ///   elicense present --file issued/ID.txt --show holder_name --qr shown.png
    Present {
        #[command(flatten)]
        source: Source,
        /// Items to show, comma-separated (holder_name, holder_id or field keys; see --list).
        /// An item shows the whole disclosure unit it belongs to; items that are never hidden
        /// are always shown.
        #[arg(
            long,
            value_delimiter = ',',
            required_unless_present = "list",
            conflicts_with = "list"
        )]
        show: Vec<String>,
        /// List the license type's disclosure units (the items shown or hidden together) and
        /// which every presentation must show, instead of presenting.
        #[arg(long)]
        list: bool,
        /// Also write the presentation's QR code to this file (.png or .svg).
        #[arg(long, conflicts_with = "list")]
        qr: Option<PathBuf>,
    },
    /// Show a license's structure WITHOUT verifying it (for support staff).
    ///
    /// Example: elicense inspect --file issued/ID.txt
    Inspect {
        #[command(flatten)]
        source: Source,
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
        statement: StatementArg,
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
        source: AttestationSource,
        #[command(flatten)]
        trust: TrustArgs,
    },
}

#[derive(Subcommand)]
enum InitCommand {
    /// A root authority: key and self-signed root certificate, new or imported (`--cert`,
    /// `--key`: an existing CA's, docs/CLI.md shows the OpenSSL commands).
    ///
    /// Examples:
    ///   elicense init root --dir root --name 福建省电子证照根CA --org-code 11350000MB0000001W
    ///   elicense init root --dir root --cert root.pem --key root.key --key-passphrase-file old.txt
    Root {
        /// Working directory to create.
        #[arg(long)]
        dir: PathBuf,
        /// Authority name.
        #[arg(long, required_unless_present = "cert", conflicts_with = "cert")]
        name: Option<String>,
        /// Its organisation code (统一社会信用代码).
        #[arg(long, required_unless_present = "cert", conflicts_with = "cert")]
        org_code: Option<String>,
        /// Years of validity of the root certificate.
        #[arg(long, default_value_t = 20, conflicts_with = "cert")]
        years: u16,
        #[command(flatten)]
        import: ImportArgs,
        #[command(flatten)]
        key: KeyArgs,
        /// Store the key UNENCRYPTED (tests and demos only).
        #[arg(long)]
        plain_for_tests: bool,
    },
    /// A department: key and certification request (`request.csr.pem`) for its root; or an
    /// existing department certificate and key imported (`--cert`, `--key`, with `--root`).
    ///
    /// Examples:
    ///   elicense init department --dir dept --name 福州市市场监督管理局 --org-code 11350100MB0312345H --root fujian-root.cert.pem
    ///   elicense init department --dir dept --cert dept.pem --key dept.key --root fujian-root.cert.pem
    Department {
        /// Working directory to create.
        #[arg(long)]
        dir: PathBuf,
        /// Department name.
        #[arg(long, required_unless_present = "cert", conflicts_with = "cert")]
        name: Option<String>,
        /// Its organisation code (统一社会信用代码).
        #[arg(long, required_unless_present = "cert", conflicts_with = "cert")]
        org_code: Option<String>,
        /// The root certificate of the authority that certifies it (kept as `root.cert.pem`:
        /// `issue` refuses a certificate that this root did not issue). Else give it to `cert
        /// install`. Required with `--cert`.
        #[arg(long)]
        root: Option<PathBuf>,
        #[command(flatten)]
        import: ImportArgs,
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
    /// Department: install the certificate the root authority issued, with the root
    /// certificate it must be issued by. Both are checked as verifiers check them (a department
    /// certificate for this directory's key and organisation code, issued by that root) before
    /// anything is written.
    ///
    /// Example: elicense cert install --dir dept --cert certificate.pem --root fujian-root.cert.pem
    Install {
        /// Department directory.
        #[arg(long)]
        dir: PathBuf,
        /// The department certificate (PEM or DER).
        #[arg(long)]
        cert: PathBuf,
        /// The root certificate (PEM or DER); default: the one already in the directory.
        #[arg(long)]
        root: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum LogCommand {
    /// Sign a checkpoint and write the log as C2SP tlog-tiles files (checkpoint, tile/…,
    /// tile/entries/…) for any static web server; only new files are added.
    ///
    /// Example: elicense log publish --dir dept --out public/log
    Publish {
        /// Department directory.
        #[arg(long)]
        dir: PathBuf,
        /// Folder to write (served as the log's URL prefix).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Write the inclusion proof of one license (c2sp.org/tlog-proof@v1) against the latest
    /// published checkpoint; check it with `elicense verify --proof`.
    ///
    /// Example: elicense log prove --dir dept --id YYZZ-11350100M000100Y4-000001 --out ID.tlog-proof
    Prove {
        /// Department directory.
        #[arg(long)]
        dir: PathBuf,
        /// The license identifier.
        #[arg(long)]
        id: String,
        /// Proof file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Root authority as witness: check a department's published checkpoint (signed by a
    /// department the trust material vouches for, consistent with the last checkpoint this
    /// root cosigned, by the published tiles) and write it with this root's cosignature
    /// (c2sp.org/tlog-cosignature). A split view or rollback prints both checkpoints, exit 1.
    ///
    /// Example: elicense log witness --root-dir shanghai-root --log fuzhou-log/ --root fujian-root.pem --trust fujian.cose --out cosigned.checkpoint
    Witness {
        /// Root authority directory (its key cosigns; it keeps the last checkpoint cosigned per
        /// log in witnessed/).
        #[arg(long)]
        root_dir: PathBuf,
        /// The department's published log folder (`log publish --out`).
        #[arg(long)]
        log: PathBuf,
        #[command(flatten)]
        trust: TrustArgs,
        /// The cosigned checkpoint to write.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Department or monitor: check that the registry and the log agree (every issued license
    /// logged once, with its digest, within --max-delay-days of its issue date), that the stored
    /// checkpoints match the entries, that the published folder serves the same tree, and that
    /// an older checkpoint is consistent with the latest. Findings (a split view prints both
    /// checkpoints) give exit code 1.
    ///
    /// Example: elicense log audit --dir dept --published public/log --old kept.checkpoint
    Audit {
        /// Department directory.
        #[arg(long)]
        dir: PathBuf,
        /// The published log folder to check.
        #[arg(long)]
        published: Option<PathBuf>,
        /// An older checkpoint (kept by a verifier or witness) to check for consistency.
        #[arg(long)]
        old: Option<PathBuf>,
        /// Days after its issue date within which a license must be logged.
        #[arg(long, default_value_t = 1)]
        max_delay_days: u64,
    },
    /// Department: add witnesses' cosignatures (from `log witness`) to the stored checkpoint,
    /// so that proofs and the published checkpoint carry them.
    ///
    /// Example: elicense log cosigned --dir dept --checkpoint cosigned.checkpoint
    Cosigned {
        /// Department directory.
        #[arg(long)]
        dir: PathBuf,
        /// A cosigned checkpoint.
        #[arg(long)]
        checkpoint: PathBuf,
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
        /// Days until the next trust list is due (its next-update time); verifiers show the list
        /// as stale after it (1 to 366).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u16).range(1..=366))]
        next_update_days: u16,
        /// A witness of the departments' issuance logs: a root certificate (this or another
        /// region's root) whose cosignatures on their checkpoints count. Repeat for several.
        /// The list names each department's log (docs/LOG.md §9).
        #[arg(long = "log-witness")]
        log_witnesses: Vec<PathBuf>,
        /// How many of the --log-witness roots must have cosigned a checkpoint for a proof of
        /// logging to be accepted.
        #[arg(long, default_value_t = 0)]
        log_quorum: usize,
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
        /// With --root: also check this inclusion proof (`elicense log prove --dir ROOT`): that
        /// the list is in its root's log. Exit code 1 if it does not show that.
        #[arg(long, requires = "root")]
        proof: Option<PathBuf>,
        /// With --proof: a witness's root certificate whose cosignature counts. Repeat for
        /// several.
        #[arg(long = "witness", requires = "proof")]
        witnesses: Vec<PathBuf>,
        /// With --proof: how many of the --witness roots must have cosigned.
        #[arg(long, default_value_t = 0, requires = "proof")]
        witness_quorum: usize,
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
        /// Days until the next status list is due (its next-update time); verifiers show the
        /// list as stale after it (1 to 366).
        #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u16).range(1..=366))]
        next_update_days: u16,
        #[command(flatten)]
        key: KeyArgs,
    },
}

/// What `init` imports (`--cert` with `--key`), if anything.
fn imported(a: &ImportArgs) -> Option<cmd::init::Import<'_>> {
    match (&a.cert, &a.key) {
        (Some(cert), Some(key)) => Some(cmd::init::Import {
            cert,
            key,
            key_passphrase_file: a.key_passphrase_file.as_deref(),
        }),
        _ => None,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    let result = match cli.command.unwrap_or(Command::Demo { no_qr: false }) {
        Command::Demo { no_qr } => cmd::demo::run(no_qr),
        Command::Keygen {
            out,
            key,
            plain_for_tests,
        } => cmd::keygen::run(&out, key.passphrase_file.as_deref(), plain_for_tests),
        Command::Init(InitCommand::Root {
            dir,
            name,
            org_code,
            years,
            import,
            key,
            plain_for_tests,
        }) => match (imported(&import), name, org_code) {
            (Some(import), _, _) => cmd::init::import_root(
                &dir,
                &import,
                key.passphrase_file.as_deref(),
                plain_for_tests,
            ),
            (None, Some(name), Some(org_code)) => cmd::init::root(
                &dir,
                &name,
                &org_code,
                years,
                key.passphrase_file.as_deref(),
                plain_for_tests,
            ),
            _ => Err(CliError::Usage(
                "give --name and --org-code, or --cert and --key".into(),
            )),
        },
        Command::Init(InitCommand::Department {
            dir,
            name,
            org_code,
            root,
            import,
            key,
            plain_for_tests,
        }) => match (imported(&import), name, org_code, root) {
            (Some(import), _, _, Some(root)) => cmd::init::import_department(
                &dir,
                &import,
                &root,
                key.passphrase_file.as_deref(),
                plain_for_tests,
            ),
            (Some(_), _, _, None) => Err(CliError::Usage(
                "--cert needs --root: the root certificate that issued it".into(),
            )),
            (None, Some(name), Some(org_code), root) => cmd::init::department(
                &dir,
                &name,
                &org_code,
                root.as_deref(),
                key.passphrase_file.as_deref(),
                plain_for_tests,
            ),
            _ => Err(CliError::Usage(
                "give --name and --org-code, or --cert and --key".into(),
            )),
        },
        Command::Cert(CertCommand::Issue {
            root_dir,
            csr,
            types,
            days,
            out,
            key,
        }) => cmd::cert::issue(
            &root_dir,
            &csr,
            &types,
            days,
            &out,
            key.passphrase_file.as_deref(),
        ),
        Command::Cert(CertCommand::Install { dir, cert, root }) => {
            cmd::cert::install(&dir, &cert, root.as_deref())
        }
        Command::Trust(TrustCommand::Build {
            root_dir,
            certs,
            revoked,
            out,
            next_update_days,
            log_witnesses,
            log_quorum,
            key,
        }) => cmd::trust::build(
            &root_dir,
            &certs,
            &revoked,
            &out,
            next_update_days,
            (&log_witnesses, log_quorum),
            key.passphrase_file.as_deref(),
        ),
        Command::Trust(TrustCommand::Show {
            list,
            root,
            proof,
            witnesses,
            witness_quorum,
        }) => cmd::trust::show(
            &list,
            root.as_deref(),
            proof
                .as_deref()
                .map(|p| (p, witnesses.as_slice(), witness_quorum)),
            json,
        ),
        Command::Log(LogCommand::Publish { dir, out, key }) => {
            cmd::log::publish(&dir, &out, key.passphrase_file.as_deref(), json)
        }
        Command::Log(LogCommand::Prove { dir, id, out }) => cmd::log::prove(&dir, &id, &out, json),
        Command::Log(LogCommand::Witness {
            root_dir,
            log,
            trust,
            out,
            key,
        }) => cmd::log::witness(
            &root_dir,
            &log,
            &trust,
            &out,
            key.passphrase_file.as_deref(),
            json,
        ),
        Command::Log(LogCommand::Audit {
            dir,
            published,
            old,
            max_delay_days,
        }) => cmd::log::audit(
            &dir,
            published.as_deref(),
            old.as_deref(),
            max_delay_days,
            json,
        ),
        Command::Log(LogCommand::Cosigned { dir, checkpoint }) => {
            cmd::log::cosigned(&dir, &checkpoint, json)
        }
        Command::Issue(args) => cmd::issue::run(&args, json),
        Command::Qr {
            source,
            format,
            out,
        } => cmd::qr::run(&source, &format, out.as_deref()),
        Command::Card {
            source,
            format,
            paper,
            out,
            template,
        } => cmd::card::run(&source, &format, paper, &out, template.as_deref()),
        Command::Verify {
            source,
            trust,
            require_status,
            proof,
            witnesses,
            witness_quorum,
            reveal_id,
        } => cmd::verify::run(
            &source,
            &trust,
            require_status,
            proof
                .as_deref()
                .map(|p| (p, witnesses.as_slice(), witness_quorum)),
            reveal_id,
            json,
        ),
        Command::Present {
            source,
            show,
            list,
            qr,
        } => cmd::present::run(&source, &show, list, qr.as_deref(), json),
        Command::Inspect { source } => cmd::inspect::run(&source, json),
        Command::Revoke { dir, id } => cmd::revoke::run(&dir, &id, json),
        Command::Status(StatusCommand::Build {
            dir,
            out,
            next_update_days,
            key,
        }) => cmd::status::build(
            &dir,
            &out,
            next_update_days,
            key.passphrase_file.as_deref(),
            json,
        ),
        Command::Attest {
            dir,
            file,
            officer_id,
            officer_name,
            statement,
            license,
            key,
        } => cmd::attest::run(&cmd::attest::Request {
            dir: &dir,
            file: &file,
            officer_id: &officer_id,
            officer_name: officer_name.as_deref(),
            statement,
            license: license.as_deref(),
            passphrase_file: key.passphrase_file.as_deref(),
            json,
        }),
        Command::VerifyAttachment {
            file,
            dir,
            source,
            trust,
        } => cmd::verify_attachment::run(file.as_deref(), dir.as_deref(), &source, &trust, json),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}
