//! OpenAPI schemas of the text fields, stating exactly the rules their
//! `parse` enforces, so a client (or a fuzzer) can tell a valid value from
//! the document alone.
//!
//! Lengths are counted in characters, as JSON Schema counts them (code points,
//! like `str::chars`). Patterns are ECMA-262 and use only `\xHH`/`\uHHHH`
//! escapes in classes, which every regex dialect reads the same way.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use crate::limits::{EMAIL_MAX_CHARS, IDEMPOTENCY_KEY_MAX_LEN};

/// What `char::is_control` is true for (Unicode category Cc).
const CONTROL: &str = r"\x00-\x1f\x7f-\x9f";
/// The control characters but tab, line feed and carriage return.
const CONTROL_BUT_LINE_BREAKS: &str = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f";
/// Control characters and what `char::is_whitespace` is true for (Unicode
/// White_Space): neither may stand where a visible character must.
const CONTROL_OR_SPACE: &str =
    r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// What `char::is_whitespace` is true for, which `str::trim` removes.
const WHITE_SPACE: &str =
    r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

fn string(max_chars: usize, pattern: String, description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(max_chars))
        .pattern(Some(pattern))
        .description(Some(description))
}

/// A length-limited text: no control characters (but line breaks where
/// `newlines`), and when `non_empty` at least one character that is not
/// white space.
pub(crate) fn limited(
    max_chars: usize,
    non_empty: bool,
    newlines: bool,
    description: &str,
) -> RefOr<Schema> {
    let allowed = if newlines {
        format!("[^{CONTROL_BUT_LINE_BREAKS}]")
    } else {
        format!("[^{CONTROL}]")
    };
    let pattern = if non_empty {
        format!("^{allowed}*[^{CONTROL_OR_SPACE}]{allowed}*$")
    } else {
        format!("^{allowed}*$")
    };
    let schema = string(max_chars, pattern, description);
    if non_empty {
        schema.min_length(Some(1)).into()
    } else {
        schema.into()
    }
}

/// [`crate::Email`]: a non-empty local part, one `@`, a domain holding a dot
/// neither first nor last; no white space nor control characters.
pub(crate) fn email() -> RefOr<Schema> {
    let part = format!("[^@{CONTROL_OR_SPACE}]");
    let edge = format!("[^.@{CONTROL_OR_SPACE}]");
    string(
        EMAIL_MAX_CHARS,
        format!("^{part}+@{edge}{part}*\\.{part}*{edge}$"),
        "An email address: at most 254 characters, one `@` between a local part and a dotted domain, \
         no spaces. Stored as given; compared case-insensitively.",
    )
    .into()
}

/// [`crate::SessionCode`]: 9 digits; spaces and dashes between them, and white
/// space around them, are ignored.
pub(crate) fn session_code() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(format!(
            "^[{WHITE_SPACE}]*(?:[ -]*[0-9]){{9}}[ -]*[{WHITE_SPACE}]*$"
        )))
        .description(Some(
            "9 ASCII digits, as servers send it; shown to people as `123 456 789`. On input, spaces and \
             dashes between the digits and white space around them are ignored.",
        ))
        .into()
}

/// The `Idempotency-Key` header: 1–255 visible ASCII characters.
pub fn idempotency_key() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(IDEMPOTENCY_KEY_MAX_LEN))
        .pattern(Some(r"^[\x21-\x7e]+$"))
        .into()
}

/// A deployment's `server_url`: `http://` or `https://` and then at least one
/// character, none of them white space or control characters.
pub(crate) fn server_url() -> RefOr<Schema> {
    string(
        crate::limits::SHORT_TEXT_MAX_CHARS,
        format!("^https?://[^{CONTROL_OR_SPACE}]+$"),
        "The address the app will reach the server at: `http://` or `https://`, no spaces.",
    )
    .into()
}

#[cfg(test)]
mod tests {
    //! Each schema accepts exactly what its type's `parse` accepts.

    use proptest::prelude::*;
    use utoipa::PartialSchema;

    use super::*;
    use crate::{
        CustomerName, Description, DeviceField, Email, IdempotencyKey, SessionCode, ShortText,
    };

    /// Whether `text` obeys the schema's pattern and lengths.
    fn obeys(schema: &RefOr<Schema>, text: &str) -> bool {
        let RefOr::T(Schema::Object(object)) = schema else {
            panic!("a text schema is an inline object");
        };
        let chars = text.chars().count();
        let pattern = object
            .pattern
            .as_deref()
            .expect("every text schema has a pattern");
        let regex = regex::Regex::new(pattern).expect("the pattern is a valid regex");
        regex.is_match(text)
            && object.max_length.is_none_or(|max| chars <= max)
            && object.min_length.is_none_or(|min| chars >= min)
    }

    /// Texts rich in the characters the rules are about.
    fn texts() -> impl Strategy<Value = String> {
        let tricky = prop_oneof![
            Just(' '),
            Just('\t'),
            Just('\n'),
            Just('\r'),
            Just('\u{0}'),
            Just('\u{7}'),
            Just('\u{7f}'),
            Just('\u{85}'),
            Just('\u{a0}'),
            Just('\u{3000}'),
            Just('\u{feff}'),
            Just('@'),
            Just('.'),
            Just('-'),
            Just('7'),
            Just('a'),
            Just('é'),
            any::<char>(),
        ];
        proptest::collection::vec(tricky, 0..14).prop_map(String::from_iter)
    }

    fn agree(schema: &RefOr<Schema>, text: &str, parses: bool) -> Result<(), TestCaseError> {
        prop_assert_eq!(obeys(schema, text), parses, "text {:?}", text);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn text_schemas_accept_what_parse_accepts(text in texts()) {
            agree(&CustomerName::schema(), &text, CustomerName::parse(text.as_str()).is_ok())?;
            agree(&Description::schema(), &text, Description::parse(text.as_str()).is_ok())?;
            agree(&DeviceField::schema(), &text, DeviceField::parse(text.as_str()).is_ok())?;
            agree(&ShortText::schema(), &text, ShortText::parse(text.as_str()).is_ok())?;
            agree(&Email::schema(), &text, Email::parse(text.as_str()).is_ok())?;
            agree(&SessionCode::schema(), &text, SessionCode::parse(&text).is_ok())?;
            agree(&idempotency_key(), &text, IdempotencyKey::parse(text.as_str()).is_ok())?;
        }

        #[test]
        fn codes_and_emails_that_parse_obey_their_schemas(
            digits in "[0-9]{9}",
            gaps in proptest::collection::vec("[ -]{0,2}", 10),
            local in "[a-z.+]{1,8}",
            domain in "[a-z]{1,6}(\\.[a-z]{1,4}){1,2}",
        ) {
            let code: String = digits.chars().zip(&gaps).flat_map(|(d, g)| g.chars().chain([d])).collect();
            agree(&SessionCode::schema(), &code, SessionCode::parse(&code).is_ok())?;
            let email = format!("{local}@{domain}");
            agree(&Email::schema(), &email, Email::parse(email.as_str()).is_ok())?;
        }
    }

    #[test]
    fn lengths_are_counted_in_characters() {
        for (schema, max) in [
            (CustomerName::schema(), CustomerName::MAX_CHARS),
            (Description::schema(), Description::MAX_CHARS),
            (DeviceField::schema(), DeviceField::MAX_CHARS),
        ] {
            assert!(obeys(&schema, &"é".repeat(max)));
            assert!(!obeys(&schema, &"é".repeat(max + 1)));
        }
        assert!(obeys(&idempotency_key(), &"k".repeat(255)));
        assert!(!obeys(&idempotency_key(), &"k".repeat(256)));
    }

    #[test]
    fn server_urls_need_a_scheme_and_no_spaces() {
        let schema = server_url();
        for (url, valid) in [
            ("https://help.example.com", true),
            ("http://127.0.0.1:8080", true),
            ("https://", false),
            ("ftp://x", false),
            ("https://a b", false),
        ] {
            assert_eq!(obeys(&schema, url), valid, "{url}");
        }
    }
}
