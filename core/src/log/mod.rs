//! The issuance log's formats (`docs/LOG.md`): RFC 9162 Merkle trees and proofs, C2SP signed
//! notes, checkpoints, tiles and offline proofs. Builds on `suite` and `limits` only; a log
//! entry is a model type (`model/log_entry.rs`) and checking a proof against a document is in
//! `verify`.

pub(crate) mod checkpoint;
pub(crate) mod merkle;
pub(crate) mod note;
pub(crate) mod proof;
pub(crate) mod tile;
