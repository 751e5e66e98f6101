//! The other signed documents and the certificates behind the keys: attestations, X.509
//! department and root certificates, trust lists and status lists. Each payload kind implements
//! [`crate::Payload`] in its own file, with its map keys named once beside its decoder.

pub(crate) mod attestation;
pub(crate) mod cert;
pub(crate) mod status_list;
pub(crate) mod trust_list;
