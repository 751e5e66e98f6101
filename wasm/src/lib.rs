//! WebAssembly bindings of `elicense-core` for the browser verifier.
//!
//! Placeholder: the wasm-bindgen layer, QR decoding and the web page arrive with the web verifier
//! issue. Until then this crate only re-exports the core library, so the workspace shape is final.

#![forbid(unsafe_code)]

pub use elicense;
