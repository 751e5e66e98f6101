//! `elicense status build`: a department publishes its signed revocation status list.

use std::path::Path;

use elicense::{ContentType, StatusList};

use crate::clock::{days_after, now_whole_seconds, rfc3339};
use crate::error::CliError;
use crate::files;
use crate::workdir::log;
use crate::workdir::registry::Registry;
use crate::workdir::{self, Role};

/// Sign the department's status list from its registry and write it to `out`.
pub fn build(
    dir: &Path,
    out: &Path,
    next_update_days: u16,
    passphrase_file: Option<&Path>,
    json: bool,
) -> Result<(), CliError> {
    let config = workdir::load(dir, Role::Department)?;
    let mut registry = Registry::open(dir)?;
    let (allocated, revoked) = registry.status()?;
    let signing = workdir::signing_key(dir, &config, passphrase_file)?;
    let sequence = registry.next_status_sequence()?;
    let entries = allocated.max(1).next_multiple_of(8 * 1024);
    let now = now_whole_seconds();
    let next_update = days_after(now, next_update_days.into());
    let mut list = StatusList::new(config.org()?, sequence, now, next_update, entries)?;
    for i in &revoked {
        list.revoke(*i)?;
    }
    let signed = list.sign(&signing)?;
    // Logged before it is written out (docs/LOG.md §3).
    let id = format!("STATUS-{}-{sequence}", config.org_code);
    log::record(registry.conn(), &[(ContentType::StatusList, id, &signed)])?;
    files::write(out, &signed)?;
    if json {
        say!(
            "{}",
            serde_json::json!({"sequence": sequence, "next_update": rfc3339(next_update), "entries": entries, "revoked": revoked.len(), "bytes": signed.len()})
        );
    } else {
        say!(
            "status list {sequence}: {entries} entries, {} revoked, next update {}, {} bytes, written to {}",
            revoked.len(),
            rfc3339(next_update),
            signed.len(),
            out.display()
        );
    }
    Ok(())
}
