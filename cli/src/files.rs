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
