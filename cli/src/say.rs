//! `say!`: printing a line to standard output without panicking when the reader has gone away.

/// Print a line to standard output. When the reader has gone away (`elicense verify | head`),
/// exit quietly with code 2 instead of panicking as `println!` would.
macro_rules! say {
    () => {
        $crate::say::line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::say::line(format_args!($($arg)*))
    };
}

/// The body of `say!`.
pub fn line(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{line}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(i32::from(crate::error::EXIT_ERROR));
        }
    }
}
