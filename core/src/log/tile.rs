//! C2SP tiled logs (`c2sp.org/tlog-tiles`): the tree as files of up to 256 hashes. Tile `N` at
//! level `L` holds the hashes of the complete subtrees of height `8L` numbered `256N` to
//! `256N + 255`; the rightmost tiles of a tree are partial (`.p/W`). Paths and tile bytes are
//! parsed strictly (`docs/LOG.md` §5).

use super::merkle::{node_hash, Hash, NodeSource};
use crate::limits::MAX_TILE_LEVEL;

/// Hashes in a full tile.
pub const TILE_WIDTH: u16 = 256;

/// Why a tile or its path was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TileError {
    /// The tile's length is not 32 times its width.
    #[error("a tile of width {width} is {expected} bytes, found {found}")]
    Length {
        /// Width expected.
        width: u16,
        /// Bytes expected.
        expected: usize,
        /// Bytes found.
        found: usize,
    },
    /// A path that is not `tile/<L>/<N>[.p/<W>]` in its canonical form.
    #[error("not a tile path")]
    Path,
}

/// A tile's coordinates: level, index, and width (256 for a full tile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TileId {
    /// Tile level (merkle height `8 * level`).
    pub level: u8,
    /// Index within the level.
    pub index: u64,
    /// Hashes in the tile: 1 to 256.
    pub width: u16,
}

impl TileId {
    /// The path under the log's prefix, e.g. `tile/0/x001/x234/067.p/8`.
    pub fn path(&self) -> String {
        let mut out = format!("tile/{}/{}", self.level, index_path(self.index));
        if self.width < TILE_WIDTH {
            out.push_str(&format!(".p/{}", self.width));
        }
        out
    }

    /// The entry bundle path of a level-0 tile, e.g. `tile/entries/x001/067`.
    pub fn entries_path(&self) -> String {
        let mut out = format!("tile/entries/{}", index_path(self.index));
        if self.width < TILE_WIDTH {
            out.push_str(&format!(".p/{}", self.width));
        }
        out
    }

    /// Parses a tile path (not entry bundles) in its one canonical form.
    pub fn parse_path(path: &str) -> Result<TileId, TileError> {
        let rest = path.strip_prefix("tile/").ok_or(TileError::Path)?;
        let (level, rest) = rest.split_once('/').ok_or(TileError::Path)?;
        let level: u8 = canonical_number(level)
            .filter(|l| *l <= u64::from(MAX_TILE_LEVEL))
            .and_then(|l| u8::try_from(l).ok())
            .ok_or(TileError::Path)?;
        let (index_part, width) = match rest.split_once(".p/") {
            Some((i, w)) => {
                let w = canonical_number(w)
                    .filter(|w| (1..u64::from(TILE_WIDTH)).contains(w))
                    .ok_or(TileError::Path)?;
                (i, w as u16)
            }
            None => (rest, TILE_WIDTH),
        };
        let parts: Vec<&str> = index_part.split('/').collect();
        if parts.len() > 7 {
            return Err(TileError::Path);
        }
        let mut index: u64 = 0;
        for (i, part) in parts.iter().enumerate() {
            let digits = if i + 1 < parts.len() {
                part.strip_prefix('x').ok_or(TileError::Path)?
            } else {
                part
            };
            if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(TileError::Path);
            }
            let d: u64 = digits.parse().map_err(|_| TileError::Path)?;
            index = index
                .checked_mul(1000)
                .and_then(|x| x.checked_add(d))
                .ok_or(TileError::Path)?;
        }
        let id = TileId {
            level,
            index,
            width,
        };
        // Only the canonical spelling (no superfluous leading `x000/` elements).
        if id.path() != path {
            return Err(TileError::Path);
        }
        Ok(id)
    }
}

fn canonical_number(s: &str) -> Option<u64> {
    super::checkpoint::parse_decimal(s)
}

/// `1234067` → `x001/x234/067`.
fn index_path(index: u64) -> String {
    let mut groups = vec![index % 1000];
    let mut n = index / 1000;
    while n > 0 {
        groups.push(n % 1000);
        n /= 1000;
    }
    let mut out = String::new();
    for (i, g) in groups.iter().rev().enumerate() {
        if i + 1 < groups.len() {
            out.push_str(&format!("x{g:03}/"));
        } else {
            out.push_str(&format!("{g:03}"));
        }
    }
    out
}

/// Splits tile bytes into hashes, checking the length against the width.
pub fn parse_tile(bytes: &[u8], width: u16) -> Result<Vec<Hash>, TileError> {
    let expected = usize::from(width) * 32;
    if width == 0 || width > TILE_WIDTH || bytes.len() != expected {
        return Err(TileError::Length {
            width,
            expected,
            found: bytes.len(),
        });
    }
    Ok(bytes
        .chunks_exact(32)
        .map(|c| {
            let mut h = [0u8; 32];
            h.copy_from_slice(c);
            h
        })
        .collect())
}

/// The tiles a tree of `size` entries is served as: every full tile and the partial tile of
/// each level, level by level, lazily (a tree of 2^64 entries has 2^56 level-0 tiles).
pub fn tiles_for_size(size: u64) -> impl Iterator<Item = TileId> {
    (0..=MAX_TILE_LEVEL).flat_map(move |level| {
        // Hashes at this tile level's height: size / 256^level.
        let count = size.checked_shr(8 * u32::from(level)).unwrap_or(0);
        let full = (0..count / 256).map(move |index| TileId {
            level,
            index,
            width: TILE_WIDTH,
        });
        let partial = (!count.is_multiple_of(256)).then_some(TileId {
            level,
            index: count / 256,
            width: (count % 256) as u16,
        });
        full.chain(partial)
    })
}

/// The root of 256 tile hashes (the hash one level-`L+1` tile holds for a full level-`L` tile),
/// or of any power-of-two count of them.
pub fn subtree_root(hashes: &[Hash]) -> Hash {
    let mut layer = hashes.to_vec();
    while layer.len() > 1 {
        layer = layer
            .chunks(2)
            .map(|p| {
                if p.len() == 2 {
                    node_hash(&p[0], &p[1])
                } else {
                    p[0]
                }
            })
            .collect();
    }
    layer.first().copied().unwrap_or(super::merkle::EMPTY_ROOT)
}

/// A [`NodeSource`] over hashes stored at tile heights (0, 8, 16, …): any complete subtree is
/// hashed up from at most 128 stored hashes of the tile height below it. `stored(level, first,
/// count)` returns `count` hashes of tile level `level` starting at `first`.
pub struct TileHeights<F>(pub F);

impl<E, F> NodeSource for TileHeights<F>
where
    F: FnMut(u8, u64, u64) -> Result<Vec<Hash>, E>,
{
    type Error = E;
    fn node(&mut self, level: u8, index: u64) -> Result<Hash, E> {
        let tile_level = level / 8;
        let below = u32::from(level % 8);
        let count = 1u64 << below;
        let hashes = (self.0)(tile_level, index << below, count)?;
        Ok(subtree_root(&hashes))
    }
}
