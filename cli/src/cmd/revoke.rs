//! `elicense revoke`: a department records that a license is revoked.

use std::path::Path;

use crate::clock::now_whole_seconds;
use crate::error::CliError;
use crate::workdir::registry::Registry;
use crate::workdir::{self, Role};

/// Mark license `id` revoked in the department's registry (publish with `status build`).
pub fn run(dir: &Path, id: &str, json: bool) -> Result<(), CliError> {
    workdir::load(dir, Role::Department)?;
    let mut registry = Registry::open(dir)?;
    let at = now_whole_seconds().to_string();
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
