//! The rules every text in a signed document or certificate follows: not empty, bounded in
//! length, and free of control, bidirectional-formatting and invisible characters that could
//! disguise what is displayed.

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
    /// A control, bidirectional-formatting or invisible character (`docs/FORMAT.md` §1).
    #[error(
        "{field} contains the control or invisible formatting character U+{code:04X} at character {position}"
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

/// Whether `c` may not appear in any text: a control character (Unicode category Cc), or an
/// invisible character that could make a displayed name differ from its bytes: the soft hyphen,
/// the Arabic letter mark (U+061C), the Mongolian vowel separator (U+180E), zero-width characters
/// (U+200B–U+200D, U+2060–U+2064), direction marks and bidi controls (U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069), line and paragraph separators (U+2028, U+2029), deprecated
/// format controls (U+206A–U+206F), the byte order mark (U+FEFF), interlinear annotation controls
/// (U+FFF9–U+FFFB) and tag characters (U+E0000–U+E007F).
pub(crate) fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// Check a text entry: non-empty, at most `max` bytes, no character [`is_forbidden`].
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
    if let Some((i, c)) = text.chars().enumerate().find(|&(_, c)| is_forbidden(c)) {
        return Err(TextError::ForbiddenChar {
            field: field.to_string(),
            code: c as u32,
            position: i + 1,
        });
    }
    Ok(())
}
