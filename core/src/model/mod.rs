//! The license model: text rules, identifiers, time, file digests, the license and its
//! templates. Builds on `encoding` and `limits` only.

pub(crate) mod digest;
pub(crate) mod identifier;
pub(crate) mod license;
pub(crate) mod license_v2;
pub(crate) mod log_entry;
pub(crate) mod template;
pub(crate) mod text;
pub(crate) mod time;
