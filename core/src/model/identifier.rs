//! Identifiers with built-in check characters: organisation codes (统一社会信用代码, GB 32100),
//! resident identity numbers (公民身份号码, GB 11643), license type codes and license identifiers.
//!
//! A license identifier follows the idea of GB/T 36904 (电子证照标识): it is the license type code,
//! the issuing organisation's 18-character code, a 10-digit sequence number and one check
//! character (ISO/IEC 7064 MOD 37,36), written without separators. Because the organisation code,
//! sequence and check character have fixed widths, the type code is whatever precedes them.
//!
//! ```
//! use elicense::{LicenseId, LicenseTypeCode, OrgCode};
//! let org: OrgCode = "91350100M000100Y43".parse()?;
//! let id = LicenseId::new("YYZZ".parse::<LicenseTypeCode>()?, org, 42)?;
//! let text = id.to_string();
//! assert_eq!(text.parse::<LicenseId>()?, id);
//! # Ok::<(), elicense::IdentifierError>(())
//! ```

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// Why a code or identifier is not valid.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum IdentifierError {
    /// The text has the wrong number of characters.
    #[error("{what} must be {expected} characters long, found {found}")]
    WrongLength {
        /// Which kind of identifier.
        what: &'static str,
        /// The allowed length or range, as text.
        expected: &'static str,
        /// The length found.
        found: usize,
    },
    /// A character outside the identifier's alphabet.
    #[error("{what} has an invalid character {found:?} at position {position}")]
    InvalidChar {
        /// Which kind of identifier.
        what: &'static str,
        /// 1-based character position.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// The check character does not match the rest.
    #[error("{what} check character is {found:?} but should be {expected:?}: the code is mistyped or altered")]
    CheckMismatch {
        /// Which kind of identifier.
        what: &'static str,
        /// The check character the other characters require.
        expected: char,
        /// The check character present.
        found: char,
    },
    /// The sequence number does not fit the identifier's 10 digits.
    #[error("sequence number {0} is larger than {max}", max = MAX_SEQUENCE)]
    SequenceTooLarge(u64),
}

// ---------------------------------------------------------------------------------------------
// 统一社会信用代码 (GB 32100-2015)

/// The 31 characters of an organisation code, in the order of their values (GB 32100).
pub(crate) const ORG_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const ORG_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const ORG: &str = "organisation code (统一社会信用代码)";

/// An 18-character unified social credit code (统一社会信用代码, GB 32100) with a valid check
/// character. Identifies departments and organisations.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrgCode(String);

impl OrgCode {
    /// Complete the first 17 characters of a code with its check character.
    pub fn with_check(first17: &str) -> Result<Self, IdentifierError> {
        let values = org_values(first17, 17, "17")?;
        let mut code = first17.to_owned();
        code.push(ORG_ALPHABET[org_check(&values)] as char);
        Ok(OrgCode(code))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn org_values(s: &str, len: usize, expected: &'static str) -> Result<Vec<usize>, IdentifierError> {
    let n = s.chars().count();
    if n != len {
        return Err(IdentifierError::WrongLength {
            what: ORG,
            expected,
            found: n,
        });
    }
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            ORG_ALPHABET
                .iter()
                .position(|&a| a as char == c)
                .ok_or(IdentifierError::InvalidChar {
                    what: ORG,
                    position: i + 1,
                    found: c,
                })
        })
        .collect()
}

fn org_check(values: &[usize]) -> usize {
    let sum: u32 = values
        .iter()
        .zip(ORG_WEIGHTS)
        .map(|(&v, w)| v as u32 * w)
        .sum();
    ((31 - sum % 31) % 31) as usize
}

impl FromStr for OrgCode {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let values = org_values(s, 18, "18")?;
        let expected = ORG_ALPHABET[org_check(&values[..17])] as char;
        let found = ORG_ALPHABET[values[17]] as char;
        if expected != found {
            return Err(IdentifierError::CheckMismatch {
                what: ORG,
                expected,
                found,
            });
        }
        Ok(OrgCode(s.to_owned()))
    }
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl OrgCode {
    /// The administrative division (行政区划代码, GB/T 2260) of the registering authority: the
    /// code's characters 3 to 8. `None` when they are not six digits (GB 32100 requires digits,
    /// but the check character does not).
    pub fn division(&self) -> Option<Division> {
        self.0.get(2..8).and_then(|d| d.parse().ok())
    }
}

/// A 6-digit administrative division code (行政区划代码, GB/T 2260): two digits of province,
/// two of prefecture, two of county. A code ending in `0000` stands for the whole province, one
/// ending in `00` for the whole prefecture ([`Division::covers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Division([u8; 6]);

impl Division {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Six ASCII digits, checked when parsed.
        std::str::from_utf8(&self.0).unwrap_or("000000")
    }

    /// The significant prefix: the province (`35`) for `350000`, the prefecture (`3501`) for
    /// `350100`, the whole code otherwise.
    fn prefix(&self) -> &[u8] {
        if self.0[2..] == *b"0000" {
            &self.0[..2]
        } else if self.0[4..] == *b"00" {
            &self.0[..4]
        } else {
            &self.0
        }
    }

    /// Whether `other` lies within this division: `350000` covers `350000`, `350100` and
    /// `350102`; `350100` covers `350100` and `350102` but not `350200`; a county covers only
    /// itself.
    pub fn covers(&self, other: &Division) -> bool {
        other.0.starts_with(self.prefix())
    }
}

impl FromStr for Division {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const WHAT: &str = "administrative division code (行政区划代码)";
        let n = s.chars().count();
        if n != 6 {
            return Err(IdentifierError::WrongLength {
                what: WHAT,
                expected: "6",
                found: n,
            });
        }
        if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(IdentifierError::InvalidChar {
                what: WHAT,
                position: i + 1,
                found: c,
            });
        }
        let mut out = [0u8; 6];
        out.copy_from_slice(s.as_bytes());
        Ok(Division(out))
    }
}

impl fmt::Display for Division {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------------------------------------
// 公民身份号码 (GB 11643-1999)

const RESIDENT: &str = "resident identity number (公民身份号码)";
const RESIDENT_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_CHECK: &[u8; 11] = b"10X98765432";

/// An 18-character resident identity number (公民身份号码, GB 11643) with a valid check character.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResidentId(String);

impl ResidentId {
    /// Complete the first 17 digits of a number with its check character.
    pub fn with_check(first17: &str) -> Result<Self, IdentifierError> {
        let digits = resident_digits(first17, 17, "17")?;
        let mut code = first17.to_owned();
        code.push(resident_check(&digits));
        Ok(ResidentId(code))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn resident_digits(
    s: &str,
    len: usize,
    expected: &'static str,
) -> Result<Vec<u32>, IdentifierError> {
    let n = s.chars().count();
    if n != len {
        return Err(IdentifierError::WrongLength {
            what: RESIDENT,
            expected,
            found: n,
        });
    }
    s.chars()
        .take(17)
        .enumerate()
        .map(|(i, c)| {
            c.to_digit(10).ok_or(IdentifierError::InvalidChar {
                what: RESIDENT,
                position: i + 1,
                found: c,
            })
        })
        .collect()
}

fn resident_check(digits: &[u32]) -> char {
    let sum: u32 = digits
        .iter()
        .zip(RESIDENT_WEIGHTS)
        .map(|(d, w)| d * w)
        .sum();
    RESIDENT_CHECK[(sum % 11) as usize] as char
}

impl FromStr for ResidentId {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = resident_digits(s, 18, "18")?;
        let expected = resident_check(&digits);
        let found = s.chars().last().unwrap_or(' ');
        if found != expected {
            if !(found.is_ascii_digit() || found == 'X') {
                return Err(IdentifierError::InvalidChar {
                    what: RESIDENT,
                    position: 18,
                    found,
                });
            }
            return Err(IdentifierError::CheckMismatch {
                what: RESIDENT,
                expected,
                found,
            });
        }
        Ok(ResidentId(s.to_owned()))
    }
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---------------------------------------------------------------------------------------------
// License type codes and license identifiers

/// Shortest license type code.
pub const MIN_TYPE_CODE_LEN: usize = 2;
/// Longest license type code.
pub const MAX_TYPE_CODE_LEN: usize = 16;
/// Digits of the sequence number in a license identifier.
pub const SEQUENCE_DIGITS: usize = 10;
/// Largest sequence number a license identifier can carry.
pub const MAX_SEQUENCE: u64 = 9_999_999_999;

const TYPE_CODE: &str = "license type code";
const LICENSE_ID: &str = "license identifier";
const ALNUM36: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// A license type code: 2 to 16 characters from `0-9A-Z` (for example `YYZZ` for 营业执照).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LicenseTypeCode(String);

impl LicenseTypeCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for LicenseTypeCode {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let n = s.chars().count();
        if !(MIN_TYPE_CODE_LEN..=MAX_TYPE_CODE_LEN).contains(&n) {
            return Err(IdentifierError::WrongLength {
                what: TYPE_CODE,
                expected: "2 to 16",
                found: n,
            });
        }
        if let Some((i, c)) = s
            .chars()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_digit() || c.is_ascii_uppercase()))
        {
            return Err(IdentifierError::InvalidChar {
                what: TYPE_CODE,
                position: i + 1,
                found: c,
            });
        }
        Ok(LicenseTypeCode(s.to_owned()))
    }
}

impl fmt::Display for LicenseTypeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A license identifier: type code + issuer's organisation code + 10-digit sequence + check
/// character. Its parts are typed, so an identifier always has a correct check character.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LicenseId {
    type_code: LicenseTypeCode,
    issuer: OrgCode,
    sequence: u64,
}

impl LicenseId {
    /// Build an identifier; fails only when `sequence` exceeds [`MAX_SEQUENCE`].
    pub fn new(
        type_code: LicenseTypeCode,
        issuer: OrgCode,
        sequence: u64,
    ) -> Result<Self, IdentifierError> {
        if sequence > MAX_SEQUENCE {
            return Err(IdentifierError::SequenceTooLarge(sequence));
        }
        Ok(LicenseId {
            type_code,
            issuer,
            sequence,
        })
    }

    /// The license type code part.
    pub fn type_code(&self) -> &LicenseTypeCode {
        &self.type_code
    }

    /// The issuing organisation part.
    pub fn issuer(&self) -> &OrgCode {
        &self.issuer
    }

    /// The sequence number part.
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    fn body(&self) -> String {
        format!(
            "{}{}{:0width$}",
            self.type_code,
            self.issuer,
            self.sequence,
            width = SEQUENCE_DIGITS
        )
    }
}

/// ISO/IEC 7064 MOD 37,36 (hybrid system): the check character for `body` (all in `0-9A-Z`).
fn mod37_36(body: &str) -> char {
    const M: usize = 36;
    let mut p = M;
    for c in body.bytes() {
        let v = ALNUM36.iter().position(|&a| a == c).unwrap_or(0);
        let mut s = (p + v) % M;
        if s == 0 {
            s = M;
        }
        p = (s * 2) % (M + 1);
    }
    ALNUM36[(M + 1 - p) % M] as char
}

impl fmt::Display for LicenseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = self.body();
        write!(f, "{}{}", body, mod37_36(&body))
    }
}

impl FromStr for LicenseId {
    type Err = IdentifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const FIXED: usize = 18 + SEQUENCE_DIGITS + 1;
        let n = s.chars().count();
        if !(FIXED + MIN_TYPE_CODE_LEN..=FIXED + MAX_TYPE_CODE_LEN).contains(&n) {
            return Err(IdentifierError::WrongLength {
                what: LICENSE_ID,
                expected: "31 to 45",
                found: n,
            });
        }
        if let Some((i, c)) = s
            .chars()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_digit() || c.is_ascii_uppercase()))
        {
            return Err(IdentifierError::InvalidChar {
                what: LICENSE_ID,
                position: i + 1,
                found: c,
            });
        }
        // All ASCII from here on, so byte offsets are character offsets.
        let (body, check) = s.split_at(n - 1);
        let expected = mod37_36(body);
        let found = check.chars().next().unwrap_or(' ');
        if expected != found {
            return Err(IdentifierError::CheckMismatch {
                what: LICENSE_ID,
                expected,
                found,
            });
        }
        let type_len = n - FIXED;
        let type_code = body[..type_len].parse()?;
        let issuer = body[type_len..type_len + 18].parse()?;
        let seq_text = &body[type_len + 18..];
        let sequence = match seq_text.parse::<u64>() {
            Ok(v) if seq_text.bytes().all(|b| b.is_ascii_digit()) => v,
            _ => {
                let (i, c) = seq_text
                    .chars()
                    .enumerate()
                    .find(|(_, c)| !c.is_ascii_digit())
                    .unwrap_or((0, ' '));
                return Err(IdentifierError::InvalidChar {
                    what: LICENSE_ID,
                    position: type_len + 18 + i + 1,
                    found: c,
                });
            }
        };
        LicenseId::new(type_code, issuer, sequence)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn divisions_cover_their_provinces_prefectures_and_counties() {
        let d = |s: &str| s.parse::<Division>().unwrap();
        assert!(d("350000").covers(&d("350000")));
        assert!(d("350000").covers(&d("350102")));
        assert!(d("350100").covers(&d("350102")));
        assert!(!d("350100").covers(&d("350200")));
        assert!(!d("350000").covers(&d("310000")));
        assert!(!d("350102").covers(&d("350100")));
        assert!(!d("350100").covers(&d("350000")));
        assert!("35010".parse::<Division>().is_err());
        assert!("35010A".parse::<Division>().is_err());
        let org: OrgCode = "91350100M000100Y43".parse().unwrap();
        assert_eq!(org.division(), Some(d("350100")));
        let letters = OrgCode::with_check("91AB0100M000100Y4").unwrap();
        assert_eq!(letters.division(), None);
    }

    use super::*;

    #[test]
    fn published_org_codes_validate() {
        // Codes printed on public business licenses.
        for code in [
            "9144030071526726XG",
            "91330100799655058B",
            "91110000802100433B",
        ] {
            assert!(code.parse::<OrgCode>().is_ok(), "{code}");
        }
    }

    #[test]
    fn org_code_errors_are_precise() {
        assert!(matches!(
            "9144030071526726XH".parse::<OrgCode>(),
            Err(IdentifierError::CheckMismatch {
                expected: 'G',
                found: 'H',
                ..
            })
        ));
        assert!(matches!(
            "9144030071526726X".parse::<OrgCode>(),
            Err(IdentifierError::WrongLength { found: 17, .. })
        ));
        // I, O, S, V, Z are not in the alphabet.
        assert!(matches!(
            "91440300715267I6XG".parse::<OrgCode>(),
            Err(IdentifierError::InvalidChar {
                position: 15,
                found: 'I',
                ..
            })
        ));
        assert_eq!(
            OrgCode::with_check("9144030071526726X").unwrap().as_str(),
            "9144030071526726XG"
        );
    }

    #[test]
    fn resident_id_check() {
        // The worked example of GB 11643.
        assert!("11010519491231002X".parse::<ResidentId>().is_ok());
        assert!(matches!(
            "110105194912310021".parse::<ResidentId>(),
            Err(IdentifierError::CheckMismatch { expected: 'X', .. })
        ));
        assert!(matches!(
            "11010519491231002Y".parse::<ResidentId>(),
            Err(IdentifierError::InvalidChar { position: 18, .. })
        ));
        assert_eq!(
            ResidentId::with_check("11010519491231002")
                .unwrap()
                .as_str(),
            "11010519491231002X"
        );
    }

    fn sample_id() -> LicenseId {
        LicenseId::new(
            "YYZZ".parse().unwrap(),
            "9144030071526726XG".parse().unwrap(),
            1234,
        )
        .unwrap()
    }

    #[test]
    fn license_id_round_trips() {
        let id = sample_id();
        let text = id.to_string();
        assert_eq!(text.len(), 4 + 18 + 10 + 1);
        assert!(text.starts_with("YYZZ9144030071526726XG0000001234"));
        assert_eq!(text.parse::<LicenseId>().unwrap(), id);
    }

    #[test]
    fn license_id_check_catches_every_single_substitution_and_adjacent_swap() {
        let text = sample_id().to_string();
        let chars: Vec<char> = text.chars().collect();
        for i in 0..chars.len() {
            for &b in ALNUM36 {
                let c = b as char;
                if c == chars[i] {
                    continue;
                }
                let mut altered = chars.clone();
                altered[i] = c;
                let altered: String = altered.into_iter().collect();
                assert!(altered.parse::<LicenseId>().is_err(), "{altered}");
            }
            if i + 1 < chars.len() && chars[i] != chars[i + 1] {
                let mut swapped = chars.clone();
                swapped.swap(i, i + 1);
                let swapped: String = swapped.into_iter().collect();
                assert!(swapped.parse::<LicenseId>().is_err(), "{swapped}");
            }
        }
    }

    #[test]
    fn license_id_limits() {
        let org: OrgCode = "9144030071526726XG".parse().unwrap();
        let code: LicenseTypeCode = "YYZZ".parse().unwrap();
        assert_eq!(
            LicenseId::new(code.clone(), org.clone(), MAX_SEQUENCE + 1),
            Err(IdentifierError::SequenceTooLarge(MAX_SEQUENCE + 1))
        );
        let max = LicenseId::new(code, org, MAX_SEQUENCE).unwrap();
        assert_eq!(max.to_string().parse::<LicenseId>().unwrap(), max);
        assert!(matches!(
            "yyzz".parse::<LicenseTypeCode>(),
            Err(IdentifierError::InvalidChar { position: 1, .. })
        ));
        assert!(matches!(
            "Y".parse::<LicenseTypeCode>(),
            Err(IdentifierError::WrongLength { .. })
        ));
    }
}
