//! Command-line argument groups that command bodies read whole (flattened into several commands,
//! or passed through to them). `main.rs` holds the rest of the command line and the dispatch; the
//! groups live here so that no command file imports `main.rs`.

use std::path::PathBuf;

/// Where the private key's passphrase comes from.
#[derive(Debug, Clone, clap::Args)]
pub struct KeyArgs {
    /// Read the key passphrase from the first line of this file (else $ELICENSE_PASSPHRASE, else a prompt).
    #[arg(long)]
    pub passphrase_file: Option<PathBuf>,
}

/// A certificate and key made elsewhere (an existing CA's), imported by `init`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// Import this certificate (PEM or DER) instead of making one; needs --key.
    #[arg(long, requires = "import_key")]
    pub cert: Option<PathBuf>,
    /// The certificate's private key (PKCS#8 PEM, as `openssl genpkey -algorithm ed25519`
    /// writes it, encrypted or not); it is stored again under this directory's protection.
    #[arg(long = "key", id = "import_key", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Decrypt an encrypted --key with the first line of this file (its passphrase, such as
    /// OpenSSL's `-pass`; not the one the key is stored under, which is --passphrase-file).
    #[arg(long, requires = "import_key")]
    pub key_passphrase_file: Option<PathBuf>,
}

/// Where the license comes from.
#[derive(Debug, Clone, clap::Args)]
pub struct Source {
    /// The license text (`EL1…`, `EL2…` or a verifier URL). Omit it, or give `-`, to read
    /// standard input.
    pub text: Option<String>,
    /// A file holding the text, the signed bytes, or a PNG/JPEG photo of the QR code.
    #[arg(long, conflicts_with = "text")]
    pub file: Option<PathBuf>,
}

/// Trust material for verification.
#[derive(Debug, Clone, clap::Args)]
pub struct TrustArgs {
    /// A trusted root certificate (PEM or DER); repeat for mutual recognition between regions.
    #[arg(long = "root")]
    pub roots: Vec<PathBuf>,
    /// A signed trust list from one of the roots; repeat for several roots.
    #[arg(long = "trust")]
    pub lists: Vec<PathBuf>,
    /// A department's signed revocation status list; repeat for several departments.
    #[arg(long = "status")]
    pub status: Vec<PathBuf>,
    /// Remember the highest trust-list sequence seen per root in this file (JSON; created when
    /// missing, updated after the lists load), so that an older list is refused as stale in
    /// every later run that gives the same file.
    #[arg(long = "trust-state", value_name = "FILE")]
    pub trust_state: Option<PathBuf>,
    /// Verify as of this time (RFC 3339, such as 2025-06-01T10:00:00+08:00) instead of now.
    #[arg(long)]
    pub at: Option<String>,
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

/// What an officer attests.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum StatementArg {
    /// 经与原件核对无误.
    MatchesOriginal,
    /// 复印件与原件一致.
    CertifiedCopy,
}

/// Paper sizes for cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Paper {
    /// 210 × 297 mm.
    A4,
    /// 148 × 210 mm.
    A5,
}

/// The arguments of `elicense issue`.
#[derive(clap::Args)]
pub struct IssueArgs {
    /// Department directory.
    #[arg(long)]
    pub dir: PathBuf,
    /// A built-in license type (YYZZ, JSZ, BDCQZ, SPJY, YSZY) ...
    #[arg(long = "type", conflicts_with = "template")]
    pub type_code: Option<String>,
    /// ... or a license-type template file (JSON).
    #[arg(long)]
    pub template: Option<PathBuf>,
    /// A CSV (with header) or JSON Lines file of licenses to issue.
    #[arg(long, conflicts_with_all = ["record", "set"])]
    pub batch: Option<PathBuf>,
    /// One license from a JSON object of column → value.
    #[arg(long, conflicts_with = "set")]
    pub record: Option<PathBuf>,
    /// One license from column=value pairs.
    #[arg(long)]
    pub set: Vec<String>,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
    /// Files per license: any of txt, png, svg.
    #[arg(long, default_value = "txt,png,svg")]
    pub formats: String,
    /// Format version of the licenses: 1, or 2 (compact `EL2…` texts; for a type with personal
    /// items, JSZ, BDCQZ or YSZY, the holder's copy, from which `elicense present` makes
    /// presentations that hide them).
    #[arg(long = "format", value_name = "VERSION", default_value_t = 1,
          value_parser = clap::value_parser!(u8).range(1..=2))]
    pub format_version: u8,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Issue date to use instead of today (YYYY-MM-DD).
    #[arg(long)]
    pub today: Option<String>,
    #[command(flatten)]
    pub key: KeyArgs,
}
