//! What can go wrong in a command, and the exit code it gives (documented in `docs/CLI.md` and in
//! `elicense --help`): 0 valid / done, 1 invalid verdict, 2 any other error.

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use elicense::{
    CertError, CheckpointError, CoseError, IdentifierError, KeyError, LicenseError, LogEntryError,
    LogProofError, OpenError, QrError, Reason, StatusListError, TemplateError, TransportError,
    TrustError, TrustListError,
};

/// Exit code: the license, the files or the rows are invalid (the output says why).
pub const EXIT_INVALID: u8 = 1;
/// Exit code: the command could not do its work (usage, a file, a refusal, ...).
pub const EXIT_ERROR: u8 = 2;

/// An error from `elicense-core`, keeping its type.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoreError {
    /// A certificate or certification request.
    #[error(transparent)]
    Cert(#[from] CertError),
    /// A trust store.
    #[error(transparent)]
    Trust(#[from] TrustError),
    /// A trust list.
    #[error(transparent)]
    TrustList(#[from] TrustListError),
    /// A trust list's envelope.
    #[error(transparent)]
    TrustListEnvelope(#[from] OpenError<TrustListError>),
    /// A status list.
    #[error(transparent)]
    StatusList(#[from] StatusListError),
    /// A private or public key file.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A license-type template.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// An organisation code, license type code or license identifier.
    #[error(transparent)]
    Identifier(#[from] IdentifierError),
    /// A license or attestation.
    #[error(transparent)]
    License(#[from] LicenseError),
    /// A COSE_Sign1 envelope.
    #[error(transparent)]
    Cose(#[from] CoseError),
    /// A QR code.
    #[error(transparent)]
    Qr(#[from] QrError),
    /// A transport text (`EL1…`).
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// Why a license cannot be read or is not valid.
    #[error(transparent)]
    Reason(#[from] Reason),
    /// An issuance log entry.
    #[error(transparent)]
    LogEntry(#[from] LogEntryError),
    /// A log checkpoint.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// An inclusion proof that does not show a document was logged.
    #[error(transparent)]
    LogProof(#[from] LogProofError),
}

/// Why a command ends with exit code 1. What is invalid has been printed already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Invalid {
    /// `verify`: the license is not valid.
    #[error("the license is not valid")]
    License,
    /// `verify-attachment`: some files do not match their attestations, or an attestation is
    /// invalid.
    #[error("{failed} of {checked} files do not match a valid attestation")]
    Attachments {
        /// Files that do not match.
        failed: usize,
        /// Files checked.
        checked: usize,
    },
    /// `issue`: rows were rejected (the others were issued).
    #[error("{rejected} rows rejected")]
    Rows {
        /// Rows rejected.
        rejected: usize,
    },
    /// `demo`: a step did not behave as expected.
    #[error("a step of the demo did not behave as expected")]
    Demo,
    /// `verify --proof`: the license is valid, but the proof does not show it was logged.
    #[error("the proof does not show that the license was logged")]
    LogProof,
}

/// What went wrong in a command.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// The license, files or rows are invalid: exit code 1.
    #[error(transparent)]
    Invalid(Invalid),

    /// Arguments that are missing, conflicting or not understood.
    #[error("{0}")]
    Usage(String),
    /// A flag's value that core rejects (an organisation code, license type or identifier).
    #[error("{flag}: {source}")]
    BadFlag {
        /// The flag, with the value when that helps (`--types "X"`).
        flag: String,
        /// Why.
        source: CoreError,
    },
    /// No passphrase: no file, no environment variable, and no terminal to ask at.
    #[error(
        "no passphrase: use --passphrase-file{}",
        match prompt {
            None => format!(" or set {env} (standard input is not a terminal, so there is no prompt)"),
            Some(e) => format!(", set {env}, or run in a terminal ({e})"),
        }
    )]
    NoPassphrase {
        /// The environment variable that may hold it.
        env: &'static str,
        /// Why the prompt failed, when there was a terminal.
        #[source]
        prompt: Option<io::Error>,
    },
    /// The passphrase could not be read at the prompt.
    #[error("cannot read passphrase: {0}")]
    PassphrasePrompt(#[source] io::Error),
    /// The passphrase and its repetition differ.
    #[error("the passphrases differ")]
    PassphrasesDiffer,

    /// A file or folder that cannot be read, created or written.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// `read`, `write`, `create`, ...
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Standard input cannot be read.
    #[error("cannot read standard input: {0}")]
    Stdin(#[source] io::Error),
    /// An input file over the size limit.
    #[error("{} is larger than {max} bytes", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit in bytes.
        max: usize,
    },
    /// A folder to create a working directory in that already holds files.
    #[error("{} exists and is not empty; refusing to overwrite", .0.display())]
    NotEmpty(PathBuf),
    /// A working directory without a readable `elicense.json`.
    #[error("cannot read {}: {source} (create it with `elicense init`)", path.display())]
    NoWorkdir {
        /// Its `elicense.json`.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// An `elicense.json` that is not a valid configuration.
    #[error("{}: {source}", path.display())]
    BadConfig {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// A root authority's directory where a department's is needed, or the other way round.
    #[error("{} belongs to a {found}, not a {expected}", dir.display())]
    WrongRole {
        /// The working directory.
        dir: PathBuf,
        /// What it belongs to.
        found: &'static str,
        /// What the command needs.
        expected: &'static str,
    },
    /// The department's issuance registry (`registry.sqlite`).
    #[error("issuance registry: {0}")]
    Registry(#[source] rusqlite::Error),
    /// A batch row that an earlier, killed run of the same file reserved for another license
    /// type.
    #[error("line {line} of this batch was reserved as {id} by an earlier run with another license type; finish that run with its type first")]
    ReservedForAnotherType {
        /// The row's line in the input.
        line: u64,
        /// The identifier reserved.
        id: String,
    },
    /// A license identifier the department's registry does not hold.
    #[error("no license {0} in this department's registry")]
    UnknownLicense(String),

    /// A file whose contents core rejects (a certificate, request, key, template or list).
    #[error("{}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        source: CoreError,
    },
    /// A core error not tied to one file or flag.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// Signing the license of one input row failed.
    #[error("line {line}: {source}")]
    Row {
        /// The row's line in the input.
        line: u64,
        /// Why.
        source: CoreError,
    },
    /// A text file (a template) that is not UTF-8.
    #[error("{}: {source}", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Where the first invalid byte is.
        source: std::string::FromUtf8Error,
    },
    /// Input that is not UTF-8 text where a license text is needed.
    #[error("the input is not a license text")]
    NotText,
    /// Text that is not a license text (for `qr` and `card`).
    #[error("not a license text: {0}")]
    NotALicense(#[source] CoreError),
    /// A version-1 license (or another document) where `present` needs a version-2 one.
    #[error("not a version-2 license: a presentation is made from the holder's copy (EL2…) of a license issued with `elicense issue --format 2`")]
    NotVersion2,
    /// A version-2 license given to a command that reads version 1 only (`inspect`, `card`).
    #[error("`elicense {0}` does not read version-2 licenses (EL2…) yet; use `elicense verify`")]
    Version2Unsupported(&'static str),
    /// A version-2 license of a type without personal items: nothing to hide (`present`).
    #[error("license type {0} has no items a presentation can hide: show the license itself")]
    NothingToHide(String),
    /// A presentation that cannot be made (an unknown item, below the type's minimum set, not
    /// a holder's copy), or a version-2 license that cannot be read.
    #[error("cannot make the presentation: {0}")]
    Present(#[source] LicenseError),
    /// Input whose structure cannot be read at all (for `inspect`), with the reason's code.
    #[error("{0} [{code}]", code = .0.code())]
    Unreadable(#[source] Reason),
    /// A license whose envelope reads but whose content does not decode.
    #[error("the license cannot be decoded: {0}")]
    Undecodable(#[source] LicenseError),
    /// A PNG or JPEG that cannot be decoded.
    #[error("cannot read the image: {0}")]
    Image(#[source] image::ImageError),
    /// A PNG that cannot be written.
    #[error("cannot write {}: {source}", path.display())]
    WriteImage {
        /// The file.
        path: PathBuf,
        /// Why.
        source: image::ImageError,
    },
    /// An image without a QR code.
    #[error("no QR code found in the image")]
    NoQrCode,
    /// A trust list that does not verify against the root given (`trust show --root`).
    #[error("NOT VERIFIED: {0}")]
    NotVerified(#[source] TrustError),
    /// A folder without attested files (`verify-attachment --dir`).
    #[error("no file in {} has a {suffix} attestation next to it", dir.display())]
    NothingAttested {
        /// The folder.
        dir: PathBuf,
        /// The attestation suffix looked for.
        suffix: &'static str,
    },

    /// The department's certificate would make verifiers refuse what it signs (checked before
    /// signing by core's `IssuingCertificate`, the same checks as verification).
    #[error("{}: the certificate does not permit signing this, verifiers would refuse it ({source}); nothing was signed", path.display())]
    Issuance {
        /// The certificate file.
        path: PathBuf,
        /// Why.
        source: elicense::IssuanceError,
    },

    /// A department directory without its certificate: nothing it signs would verify.
    #[error("{dir} has no department certificate ({cert}); install the one your root authority issued: elicense cert install --dir {dir} --cert CERTIFICATE.pem --root ROOT.pem; nothing was signed", dir = .dir.display())]
    NoCertificate {
        /// The department directory.
        dir: PathBuf,
        /// The certificate's file name in it.
        cert: &'static str,
    },
    /// A department directory with a certificate but without the root certificate it must be
    /// issued by (made before issue 17): a rogue issuer's certificate would pass.
    #[error("{dir} has no root certificate ({root}), so who issued its certificate cannot be checked; add the root certificate your root authority gave you: elicense cert install --dir {dir} --cert {dir}/{cert} --root ROOT.pem; nothing was signed", dir = .dir.display())]
    NoRootCertificate {
        /// The department directory.
        dir: PathBuf,
        /// The root certificate's file name in it.
        root: &'static str,
        /// The department certificate's file name in it.
        cert: &'static str,
    },

    /// The operating system's random generator failed (a version-2 license's seed).
    #[error("the operating system's random generator failed: {0}")]
    Random(rand_core::Error),

    /// Printing JSON failed.
    #[error("{0}")]
    Json(#[source] serde_json::Error),
    /// Something that cannot happen did.
    #[error("internal error: {0}")]
    Internal(String),
}

impl CliError {
    /// A file or folder error.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        CliError::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// A file whose contents core rejects.
    pub fn file(path: impl Into<PathBuf>, source: impl Into<CoreError>) -> Self {
        CliError::File {
            path: path.into(),
            source: source.into(),
        }
    }

    /// A flag's value that core rejects.
    pub fn flag(flag: impl Into<String>, source: impl Into<CoreError>) -> Self {
        CliError::BadFlag {
            flag: flag.into(),
            source: source.into(),
        }
    }

    /// The process exit code: 1 for an invalid verdict, 2 for every other error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Invalid(_) => EXIT_INVALID,
            _ => EXIT_ERROR,
        }
    }

    /// Say what went wrong on standard error (an invalid verdict is already in the output) and
    /// give the exit code.
    pub fn report(&self) -> ExitCode {
        if !matches!(self, CliError::Invalid(_)) {
            eprintln!("elicense: {self}");
        }
        ExitCode::from(self.exit_code())
    }
}

impl From<Invalid> for CliError {
    fn from(invalid: Invalid) -> Self {
        CliError::Invalid(invalid)
    }
}

/// Core errors without more context than their own message become [`CliError::Core`].
macro_rules! from_core {
    ($($t:ty),*) => {$(
        impl From<$t> for CliError {
            fn from(e: $t) -> Self {
                CliError::Core(CoreError::from(e))
            }
        }
    )*};
}
from_core!(
    CertError,
    TrustError,
    TrustListError,
    StatusListError,
    KeyError,
    TemplateError,
    IdentifierError,
    LicenseError,
    CoseError,
    QrError,
    TransportError,
    Reason,
    LogEntryError,
    CheckpointError,
    LogProofError
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_invalid_verdict_exits_1() {
        for invalid in [
            Invalid::License,
            Invalid::Attachments {
                failed: 1,
                checked: 2,
            },
            Invalid::Rows { rejected: 3 },
            Invalid::Demo,
            Invalid::LogProof,
        ] {
            assert_eq!(CliError::from(invalid).exit_code(), 1, "{invalid:?}");
        }
        let not_found = || io::Error::from(io::ErrorKind::NotFound);
        for e in [
            CliError::Usage("give --type or --template".into()),
            CliError::io("read", "x.pem", not_found()),
            CliError::NoWorkdir {
                path: "dept/elicense.json".into(),
                source: not_found(),
            },
            CliError::flag(
                "--org-code",
                "123".parse::<elicense::OrgCode>().unwrap_err(),
            ),
            CliError::from(KeyError::Decrypt),
            CliError::Issuance {
                path: "certificate.pem".into(),
                source: elicense::IssuanceError::WrongKey,
            },
            CliError::NoQrCode,
            CliError::Internal("QR raster size".into()),
        ] {
            assert_eq!(e.exit_code(), 2, "{e:?}");
        }
    }

    #[test]
    fn messages_name_the_file_and_keep_the_cause() {
        let e = CliError::io("read", "nope.pem", io::Error::from(io::ErrorKind::NotFound));
        assert!(e.to_string().starts_with("cannot read nope.pem: "), "{e}");
        assert!(std::error::Error::source(&e).is_some());
        let e = CliError::NoPassphrase {
            env: "ELICENSE_PASSPHRASE",
            prompt: None,
        };
        assert_eq!(
            e.to_string(),
            "no passphrase: use --passphrase-file or set ELICENSE_PASSPHRASE (standard input is not a terminal, so there is no prompt)"
        );
        let e = CliError::NoPassphrase {
            env: "ELICENSE_PASSPHRASE",
            prompt: Some(io::Error::other("no tty")),
        };
        assert_eq!(
            e.to_string(),
            "no passphrase: use --passphrase-file, set ELICENSE_PASSPHRASE, or run in a terminal (no tty)"
        );
    }
}
