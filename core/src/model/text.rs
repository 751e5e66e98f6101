//! The rules every text in a signed document follows: not empty, bounded in length, and free of
//! control and bidirectional-formatting characters that could disguise what is displayed.

use std::fmt;

use thiserror::Error;

/// Why a text is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TextError {
    /// Empty where text is required.
    #[error("{0} must not be empty")]
    Empty(String),
    /// Longer than its limit.
    #[error("{field} is {len} bytes long, more than the limit of {max}")]
    TooLong {
        /// Which text.
        field: String,
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A control or bidirectional-formatting character.
    #[error(
        "{field} contains the control or formatting character U+{code:04X} at character {position}"
    )]
    ForbiddenChar {
        /// Which text.
        field: String,
        /// The code point.
        code: u32,
        /// 1-based character position.
        position: usize,
    },
}

/// Check a text entry: non-empty, at most `max` bytes, no control or bidi formatting characters.
pub(crate) fn check_text(
    field: impl fmt::Display,
    text: &str,
    max: usize,
) -> Result<(), TextError> {
    if text.is_empty() {
        return Err(TextError::Empty(field.to_string()));
    }
    if text.len() > max {
        return Err(TextError::TooLong {
            field: field.to_string(),
            len: text.len(),
            max,
        });
    }
    let forbidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if let Some((i, c)) = text.chars().enumerate().find(|&(_, c)| forbidden(c)) {
        return Err(TextError::ForbiddenChar {
            field: field.to_string(),
            code: c as u32,
            position: i + 1,
        });
    }
    Ok(())
}
