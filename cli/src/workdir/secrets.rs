//! Passphrases and private key files: the only I/O around keys at rest (the format is in core's
//! `keys` module).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use zeroize::Zeroizing;

use crate::error::CliError;

/// Environment variable that may hold the passphrase (for scripts).
pub const PASSPHRASE_ENV: &str = "ELICENSE_PASSPHRASE";

/// Where the passphrase comes from, in order: a file, the environment, a prompt.
pub fn passphrase(file: Option<&Path>, confirm: bool) -> Result<Zeroizing<String>, CliError> {
    if let Some(path) = file {
        return read_passphrase_file(path);
    }
    if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
        return Ok(Zeroizing::new(p));
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Err(CliError::NoPassphrase {
            env: PASSPHRASE_ENV,
            prompt: None,
        });
    }
    let first = Zeroizing::new(
        rpassword::prompt_password("Passphrase 口令: ").map_err(|e| CliError::NoPassphrase {
            env: PASSPHRASE_ENV,
            prompt: Some(e),
        })?,
    );
    if confirm {
        let again = Zeroizing::new(
            rpassword::prompt_password("Repeat passphrase 再次输入口令: ")
                .map_err(CliError::PassphrasePrompt)?,
        );
        if *first != *again {
            return Err(CliError::PassphrasesDiffer);
        }
    }
    Ok(first)
}

/// The first line of a passphrase file.
pub fn read_passphrase_file(path: &Path) -> Result<Zeroizing<String>, CliError> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path).map_err(|e| CliError::io("read passphrase file", path, e))?,
    );
    let line = text.lines().next().unwrap_or_default();
    Ok(Zeroizing::new(line.to_owned()))
}

/// Write a secret to a new file readable only by its owner (mode 0600 on Unix). Never
/// overwrites: an existing file is an error, so a key is never lost.
pub fn write_secret_file(path: &Path, contents: &[u8]) -> Result<(), CliError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| CliError::io("create", path, e))?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| CliError::io("write", path, e))
}
