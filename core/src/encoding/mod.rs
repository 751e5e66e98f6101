//! The bottom layer: bytes and texts. Deterministic CBOR and the one map reader, the COSE_Sign1
//! envelope with the [`cose::Payload`] trait, the `EL1` transport text, and QR codes. Nothing
//! here knows what a license is.

pub(crate) mod cbor;
pub(crate) mod cose;
pub(crate) mod dictionary;
pub(crate) mod qr;
pub(crate) mod transport;
