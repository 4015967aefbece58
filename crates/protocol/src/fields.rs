//! Text fields with rules. Each is a newtype whose only constructor checks the
//! rule, and whose `Deserialize` runs the same check.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::limits::{
    CUSTOMER_NAME_MAX_CHARS, DESCRIPTION_MAX_CHARS, DEVICE_FIELD_MAX_CHARS, EMAIL_MAX_CHARS,
    IDEMPOTENCY_KEY_MAX_LEN, MESSAGE_MAX_CHARS, SHORT_TEXT_MAX_CHARS,
};

/// Why a field value was refused; the message is meant for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError(String);

impl FieldError {
    fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FieldError {}

fn check_chars(text: &str, max: usize, allow_newlines: bool) -> Result<(), FieldError> {
    let count = text.chars().count();
    if count > max {
        return Err(FieldError::new(format!("at most {max} characters")));
    }
    let bad_control = text
        .chars()
        .any(|c| c.is_control() && !(allow_newlines && matches!(c, '\n' | '\r' | '\t')));
    if bad_control {
        return Err(FieldError::new("control characters are not allowed"));
    }
    Ok(())
}

/// Declares a length-limited text newtype: `parse`, `as_str`, serde through `String`.
macro_rules! limited_text {
    ($(#[doc = $doc:literal])* $name:ident, max = $max:expr, non_empty = $non_empty:expr, newlines = $newlines:expr) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                crate::text_schema::limited($max, $non_empty, $newlines, concat!($($doc),*).trim())
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl $name {
            /// Longest accepted value, in characters.
            pub const MAX_CHARS: usize = $max;

            /// Checks the rule and wraps the text.
            pub fn parse(text: impl Into<String>) -> Result<Self, FieldError> {
                let text = text.into();
                if $non_empty && text.trim().is_empty() {
                    return Err(FieldError::new("must not be empty"));
                }
                check_chars(&text, $max, $newlines)?;
                Ok(Self(text))
            }

            /// The text itself.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = FieldError;
            fn try_from(text: String) -> Result<Self, FieldError> {
                Self::parse(text)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

limited_text!(
    /// A customer's name, at most 100 characters.
    CustomerName, max = CUSTOMER_NAME_MAX_CHARS, non_empty = true, newlines = false
);
limited_text!(
    /// What the customer needs help with, at most 4000 characters; may be empty.
    Description, max = DESCRIPTION_MAX_CHARS, non_empty = false, newlines = true
);
limited_text!(
    /// One field of the device description, at most 200 characters.
    DeviceField, max = DEVICE_FIELD_MAX_CHARS, non_empty = false, newlines = false
);
limited_text!(
    /// A name given by an admin (group, expert display name, deployment), at most 200 characters.
    ShortText, max = SHORT_TEXT_MAX_CHARS, non_empty = true, newlines = false
);

/// An email address: at most 254 characters, one `@` between a local part and a
/// dotted domain, no spaces. Stored as given; compared case-insensitively by servers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Email {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::text_schema::email()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Email {}

impl Email {
    /// Checks the shape and wraps the address.
    pub fn parse(text: impl Into<String>) -> Result<Self, FieldError> {
        let text = text.into();
        check_chars(&text, EMAIL_MAX_CHARS, false)?;
        let shaped = match text.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !text.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if !shaped {
            return Err(FieldError::new("not an email address"));
        }
        Ok(Self(text))
    }

    /// The address as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = FieldError;
    fn try_from(text: String) -> Result<Self, FieldError> {
        Self::parse(text)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> String {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The text of a chat message: trimmed of surrounding whitespace, then 1 to
/// [`MESSAGE_MAX_CHARS`] characters. Line breaks and tabs inside are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
pub struct ChatText(String);

impl ChatText {
    /// Longest accepted text after trimming, in characters.
    pub const MAX_CHARS: usize = MESSAGE_MAX_CHARS;

    /// Trims the text, checks the rule and wraps it.
    pub fn parse(text: impl Into<String>) -> Result<Self, FieldError> {
        let text = text.into();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(FieldError::new("must not be empty"));
        }
        if trimmed.chars().count() > MESSAGE_MAX_CHARS {
            return Err(FieldError::new(format!(
                "at most {MESSAGE_MAX_CHARS} characters"
            )));
        }
        // Only allocate again when there was something to trim.
        Ok(Self(if trimmed.len() == text.len() {
            text
        } else {
            trimmed.to_owned()
        }))
    }

    /// The text itself, trimmed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ChatText {
    type Error = FieldError;
    fn try_from(text: String) -> Result<Self, FieldError> {
        Self::parse(text)
    }
}

impl From<ChatText> for String {
    fn from(value: ChatText) -> String {
        value.0
    }
}

impl fmt::Display for ChatText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The client's key for one help request: 1–255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Checks the rule and wraps the key.
    pub fn parse(text: impl Into<String>) -> Result<Self, FieldError> {
        let text = text.into();
        if text.is_empty() || text.len() > IDEMPOTENCY_KEY_MAX_LEN {
            return Err(FieldError::new(format!(
                "1 to {IDEMPOTENCY_KEY_MAX_LEN} characters"
            )));
        }
        if !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(FieldError::new("visible ASCII characters only"));
        }
        Ok(Self(text))
    }

    /// A fresh random key (a UUID v7), as clients make one per help request.
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7().to_string())
    }

    /// The key itself.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for IdempotencyKey {
    type Error = FieldError;
    fn try_from(text: String) -> Result<Self, FieldError> {
        Self::parse(text)
    }
}

impl From<IdempotencyKey> for String {
    fn from(value: IdempotencyKey) -> String {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_limited_by_characters_not_bytes() {
        assert!(
            Description::parse("é".repeat(4000)).is_ok(),
            "4000 two-byte chars fit"
        );
        let err = Description::parse("a".repeat(4001)).expect_err("4001 chars is too long");
        assert_eq!(err.to_string(), "at most 4000 characters");
        assert!(
            Description::parse("line one\nline two").is_ok(),
            "newlines are fine"
        );
    }

    #[test]
    fn names_must_hold_something_and_no_control_characters() {
        assert!(CustomerName::parse("  ").is_err());
        assert!(CustomerName::parse("Luis\u{7}").is_err());
        assert!(CustomerName::parse("Luis").is_ok());
    }

    #[test]
    fn emails_must_look_like_emails() {
        for good in ["luis@example.com", "a.b+c@sub.example.org"] {
            assert!(Email::parse(good).is_ok(), "{good} should parse");
        }
        for bad in [
            "",
            "luis",
            "luis@",
            "@example.com",
            "luis@example",
            "lu is@example.com",
            "a@b@c.d",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn idempotency_keys_are_visible_ascii_up_to_255() {
        assert!(IdempotencyKey::parse("k".repeat(255)).is_ok());
        assert!(IdempotencyKey::parse("k".repeat(256)).is_err());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("has space").is_err());
        assert!(IdempotencyKey::parse("ñ").is_err());
    }

    #[test]
    fn chat_text_is_trimmed_and_holds_one_to_2000_characters() {
        let text = ChatText::parse("  hello\nthere \t").expect("a message with words is fine");
        assert_eq!(text.as_str(), "hello\nthere", "surrounding whitespace goes");
        assert_eq!(
            ChatText::parse(" \n\t ").map_err(|e| e.to_string()),
            Err("must not be empty".to_owned())
        );
        assert!(
            ChatText::parse(format!(" {} ", "é".repeat(2000))).is_ok(),
            "2000 characters fit, counted after trimming and by characters not bytes"
        );
        assert_eq!(
            ChatText::parse("x".repeat(2001)).map_err(|e| e.to_string()),
            Err("at most 2000 characters".to_owned())
        );
    }

    #[test]
    fn deserializing_runs_the_same_checks() {
        assert!(serde_json::from_str::<ChatText>("\"   \"").is_err());
        assert_eq!(
            serde_json::from_str::<ChatText>("\" hi \"")
                .map(String::from)
                .ok(),
            Some("hi".to_owned()),
            "deserializing trims like parse"
        );
        let too_long = format!("\"{}\"", "x".repeat(201));
        assert!(serde_json::from_str::<DeviceField>(&too_long).is_err());
    }
}
