//! Verification: the one envelope path that opens any signed document ([`envelope`]), the
//! trust store of keys, roots and lists ([`trust`]), licenses ([`license`]) and files
//! ([`files`]), offline proofs that a document was logged ([`log`]), the issuer's own certificate check before signing ([`issuance`]), and the reasons a document is not valid ([`reason`]).

pub(crate) mod envelope;
pub(crate) mod files;
pub(crate) mod issuance;
pub(crate) mod license;
pub(crate) mod log;
pub(crate) mod reason;
pub(crate) mod trust;
pub(crate) mod witness;
