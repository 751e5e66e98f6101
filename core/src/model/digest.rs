//! File digests: the SHA-256 and size that identify an attached or attested file, computed in
//! pieces so that no file is ever held whole in memory.

use sha2::Digest;

use crate::limits::HASH_BLOCK;

/// The SHA-256 and size of a file, computed without holding it in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileDigest {
    /// SHA-256 of the bytes.
    pub sha256: [u8; 32],
    /// Number of bytes.
    pub size: u64,
}

/// Incremental SHA-256 and byte count: feed a file in pieces of any size with
/// [`FileHasher::update`], then [`FileHasher::finish`]. The browser feeds it slices of a dropped
/// file; the CLI reads files in large blocks.
#[derive(Debug, Clone, Default)]
pub struct FileHasher {
    hasher: sha2::Sha256,
    size: u64,
}

impl FileHasher {
    /// A hasher with nothing fed yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feed the next piece of the file.
    pub fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.size += bytes.len() as u64;
    }

    /// The digest of everything fed.
    pub fn finish(self) -> FileDigest {
        FileDigest {
            sha256: self.hasher.finalize().into(),
            size: self.size,
        }
    }
}

/// Hash everything `reader` yields, in [`HASH_BLOCK`] pieces (never the whole file at once).
pub fn hash_reader(mut reader: impl std::io::Read) -> std::io::Result<FileDigest> {
    let mut hasher = FileHasher::new();
    let mut buf = vec![0u8; HASH_BLOCK];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok(hasher.finish()),
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

impl FileDigest {
    /// The SHA-256 in lowercase hex, as `sha256sum` prints it.
    pub fn sha256_hex(&self) -> String {
        self.sha256.iter().map(|b| format!("{b:02x}")).collect()
    }
}
