//! Reading and writing files, saying which one on failure.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// Write a file, creating its folder, saying which one on failure.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| CliError::io("create", parent, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| CliError::io("write", path, e))
}

/// The folder a file is in (`.` for a bare name).
fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Random characters in a temporary file's name (`.<name>.<random>.tmp`).
const TEMP_RANDOM_LEN: usize = 6;

/// Replace `path` with `bytes` atomically, owner-only (mode 0600 whatever the umask): a
/// temporary file `.<name>.<random>.tmp` in the same folder (which must exist), written and
/// synced, then renamed over `path`. A reader sees the old file or the whole new one. The rename
/// is durable once the folder is synced ([`sync_dir`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = folder(path);
    let name = path
        .file_name()
        .ok_or_else(|| CliError::Internal(format!("{} is not a file name", path.display())))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{}.", name.to_string_lossy()))
        .suffix(".tmp")
        .rand_bytes(TEMP_RANDOM_LEN)
        .tempfile_in(dir)
        .map_err(|e| CliError::io("create a temporary file in", dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| CliError::io("protect", tmp.path(), e))?;
    }
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| CliError::io("write", tmp.path(), e))?;
    match tmp.persist(path) {
        Ok(_) => Ok(()),
        // Another run removed this temporary file after it had written the same bytes
        // (`remove_stale_temps`).
        Err(e)
            if e.error.kind() == std::io::ErrorKind::NotFound
                && std::fs::read(path).is_ok_and(|b| b == bytes) =>
        {
            Ok(())
        }
        Err(e) => Err(CliError::io("write", path, e.error)),
    }
}

/// Make `path` hold `bytes`: leave it if it already does, else [`write_atomic`]. Returns
/// whether it wrote.
pub fn ensure(path: &Path, bytes: &[u8]) -> Result<bool, CliError> {
    match std::fs::read(path) {
        Ok(old) if old == bytes => Ok(false),
        _ => write_atomic(path, bytes).map(|()| true),
    }
}

/// Sync a folder, making the renames into it durable.
pub fn sync_dir(dir: &Path) -> Result<(), CliError> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| CliError::io("sync", dir, e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Create folder `dir` (and its parents) if missing; a folder this creates is owner-only (mode
/// 0700 whatever the umask). An existing folder is left as it is.
pub fn create_private_dir(dir: &Path) -> Result<(), CliError> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| CliError::io("create", dir, e))?;
    protect_dir(dir)
}

/// Make folder `dir` owner-only (mode 0700).
pub fn protect_dir(dir: &Path) -> Result<(), CliError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| CliError::io("protect", dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Remove the temporary files ([`write_atomic`]) that a killed process left in `dir` for the
/// files `written`, which now hold their final bytes. A live writer whose temporary file this
/// removes finds the same bytes in place and succeeds.
pub fn remove_stale_temps(dir: &Path, written: &HashSet<String>) -> Result<(), CliError> {
    let entries = std::fs::read_dir(dir).map_err(|e| CliError::io("read", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| CliError::io("read", dir, e))?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let target = name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(".tmp"))
            .and_then(|n| n.get(..n.len().checked_sub(TEMP_RANDOM_LEN + 1)?));
        if target.is_some_and(|t| written.contains(t)) {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(CliError::io("remove", entry.path(), e)),
            }
        }
    }
    Ok(())
}

/// Write a file that may exist already, replacing it whole ([`write_atomic`], creating its
/// folder first and syncing it after), so a reader never sees half a file.
pub fn write_replacing(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = folder(path);
    std::fs::create_dir_all(dir).map_err(|e| CliError::io("create", dir, e))?;
    write_atomic(path, bytes)?;
    sync_dir(dir)
}

/// Read a file, saying which one on failure.
pub fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::io("read", path, e))
}

/// `path` with `suffix` appended to its file name.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
