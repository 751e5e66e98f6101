//! One module per command (a command with subcommands, such as `trust build` / `trust show`, is
//! one module with one function per subcommand). Each takes plain values from `main.rs`'s
//! dispatch or an argument group from `args.rs`, never `main.rs` itself.

pub mod attest;
pub mod card;
pub mod cert;
pub mod demo;
pub mod init;
pub mod inspect;
pub mod issue;
pub mod keygen;
pub mod log;
pub mod present;
pub mod qr;
pub mod revoke;
pub mod status;
pub mod trust;
pub mod verify;
pub mod verify_attachment;
