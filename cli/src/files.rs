//! Reading and writing files, saying which one on failure.

use std::path::{Path, PathBuf};

use crate::error::CliError;

/// Write a file, creating its folder, saying which one on failure.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| CliError::io("create", parent, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| CliError::io("write", path, e))
}

/// Write a file that may exist already, replacing it whole: the bytes go to a temporary file in
/// the same folder, which is then renamed over `path`, so a reader never sees half a file.
pub fn write_replacing(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| CliError::io("create", parent, e))?;
    let mut file =
        tempfile::NamedTempFile::new_in(parent).map_err(|e| CliError::io("create", parent, e))?;
    std::io::Write::write_all(&mut file, bytes).map_err(|e| CliError::io("write", path, e))?;
    file.persist(path)
        .map_err(|e| CliError::io("write", path, e.error))?;
    Ok(())
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
