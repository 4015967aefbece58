use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The 9-digit code a customer reads out to an expert.
///
/// On the wire it is 9 ASCII digits with no separators; people see it grouped
/// as `123 456 789` (the [`Display`](fmt::Display) form). Parsing accepts the
/// grouped form too, with spaces or dashes, because that is what people type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionCode([u8; 9]);

/// Why a text is not a session code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionCodeError {
    /// The text holds something other than digits, spaces and dashes.
    InvalidCharacter,
    /// The text does not hold exactly nine digits.
    WrongLength(usize),
}

impl fmt::Display for SessionCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidCharacter => f.write_str("a session code holds only digits"),
            Self::WrongLength(n) => write!(f, "a session code has 9 digits, not {n}"),
        }
    }
}

impl std::error::Error for SessionCodeError {}

impl SessionCode {
    /// Number of digits in a code.
    pub const LEN: usize = 9;

    /// Parses `123456789`, `123 456 789` or `123-456-789`.
    pub fn parse(text: &str) -> Result<Self, SessionCodeError> {
        let mut digits = [b'0'; Self::LEN];
        let mut count = 0;
        for byte in text.trim().bytes() {
            match byte {
                b'0'..=b'9' => {
                    if count < Self::LEN {
                        digits[count] = byte;
                    }
                    count += 1;
                }
                b' ' | b'-' => {}
                _ => return Err(SessionCodeError::InvalidCharacter),
            }
        }
        if count != Self::LEN {
            return Err(SessionCodeError::WrongLength(count));
        }
        Ok(Self(digits))
    }

    /// Builds the code of a number below 10^9 (leading zeros kept); `None` above.
    pub fn from_number(n: u32) -> Option<Self> {
        if n >= 1_000_000_000 {
            return None;
        }
        let mut digits = [b'0'; Self::LEN];
        let mut rest = n;
        for slot in digits.iter_mut().rev() {
            *slot = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        Some(Self(digits))
    }

    /// The wire form: nine digits, no separators.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The form shown to people: `123 456 789`.
    pub fn grouped(&self) -> String {
        let s = self.as_str();
        format!("{} {} {}", &s[0..3], &s[3..6], &s[6..9])
    }
}

impl fmt::Display for SessionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

impl FromStr for SessionCode {
    type Err = SessionCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for SessionCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SessionCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for SessionCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::text_schema::session_code()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for SessionCode {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_displayed_in_groups_of_three_and_sent_bare() {
        let code = SessionCode::parse("123456789").expect("nine digits parse");
        assert_eq!(code.to_string(), "123 456 789");
        assert_eq!(code.as_str(), "123456789");
        assert_eq!(
            serde_json::to_string(&code).expect("serializes"),
            "\"123456789\""
        );
    }

    #[test]
    fn grouped_and_dashed_forms_parse_to_the_same_code() {
        let bare = SessionCode::parse("123456789").expect("bare");
        assert_eq!(SessionCode::parse(" 123 456 789 ").expect("grouped"), bare);
        assert_eq!(SessionCode::parse("123-456-789").expect("dashed"), bare);
    }

    #[test]
    fn wrong_lengths_and_letters_are_refused() {
        assert_eq!(
            SessionCode::parse("12345678"),
            Err(SessionCodeError::WrongLength(8))
        );
        assert_eq!(
            SessionCode::parse("1234567890"),
            Err(SessionCodeError::WrongLength(10))
        );
        assert_eq!(
            SessionCode::parse("12345678a"),
            Err(SessionCodeError::InvalidCharacter)
        );
        assert_eq!(
            SessionCode::parse("１２３４５６７８９"),
            Err(SessionCodeError::InvalidCharacter)
        );
        assert!(serde_json::from_str::<SessionCode>("\"12\"").is_err());
    }

    #[test]
    fn numbers_keep_their_leading_zeros() {
        assert_eq!(
            SessionCode::from_number(42).expect("small").as_str(),
            "000000042"
        );
        assert_eq!(
            SessionCode::from_number(999_999_999).expect("max").as_str(),
            "999999999"
        );
        assert_eq!(SessionCode::from_number(1_000_000_000), None);
    }
}
