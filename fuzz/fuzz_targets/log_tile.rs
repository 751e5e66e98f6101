//! Tiles (`docs/LOG.md` §5): the first byte picks a mode, the rest is the input.
//!
//! - mode 0: UTF-8 → `TileId::parse_path`. Property: a parsed path prints back as the input.
//! - mode 1: width (2 bytes) + bytes → `parse_tile`. Property: accepted exactly when the length
//!   is 32 × a width of 1 to 256, and the hashes concatenate back to the input.
//! - mode 2: a tree size (8 bytes) → `tiles_for_size`: the first 16 tiles, and all the tiles of
//!   the size modulo 8192. Property: each path parses back to its tile; widths 1 to 256; no
//!   level above the limit; the widths of each level add up to the hashes at that height.
#![no_main]

use elicense::limits::MAX_TILE_LEVEL;
use elicense::tlog::{tiles_for_size, TILE_WIDTH};
use elicense::TileId;
use elicense_fuzz::mode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((mode, input)) = mode(data, 3) else {
        return;
    };
    match mode {
        0 => {
            if let Ok(path) = std::str::from_utf8(input) {
                if let Ok(id) = TileId::parse_path(path) {
                    assert_eq!(id.path(), path);
                }
            }
        }
        1 => {
            let Some((w, rest)) = input.split_first_chunk::<2>() else {
                return;
            };
            let width = u16::from_be_bytes(*w);
            let ok = (1..=TILE_WIDTH).contains(&width) && rest.len() == usize::from(width) * 32;
            match elicense::tlog::parse_tile(rest, width) {
                Ok(hashes) => {
                    assert!(ok);
                    assert_eq!(hashes.concat(), rest);
                }
                Err(_) => assert!(!ok),
            }
        }
        _ => {
            let Some(size) = input.first_chunk::<8>() else {
                return;
            };
            let size = u64::from_be_bytes(*size);
            let check = |tile: TileId| {
                assert!((1..=TILE_WIDTH).contains(&tile.width));
                assert!(tile.level <= MAX_TILE_LEVEL);
                assert_eq!(TileId::parse_path(&tile.path()), Ok(tile));
            };
            tiles_for_size(size).take(16).for_each(check);
            // A small tree whole: its tiles cover each level's hashes exactly.
            let small = size % 8192;
            let tiles: Vec<TileId> = tiles_for_size(small).collect();
            tiles.iter().copied().for_each(check);
            for level in 0..=MAX_TILE_LEVEL {
                let width: u64 = tiles
                    .iter()
                    .filter(|t| t.level == level)
                    .map(|t| u64::from(t.width))
                    .sum();
                assert_eq!(width, small >> (8 * u32::from(level)));
            }
        }
    }
});
