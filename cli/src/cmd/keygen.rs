//! `elicense keygen`: a key pair outside a working directory.

use std::path::Path;

use elicense::Kid;

use crate::error::CliError;
use crate::{files, workdir};

/// Create `out` (the private key, never overwritten) and `<out>.pub.pem`.
pub fn run(out: &Path, passphrase_file: Option<&Path>, plain: bool) -> Result<(), CliError> {
    let pub_path = files::with_suffix(out, ".pub.pem");
    let key = workdir::create_key(out, &pub_path, plain, passphrase_file)?;
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
    say!("key id:      {}", Kid::of(&key.public_key()));
    Ok(())
}
