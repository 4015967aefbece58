//! The catalogue as the window's JavaScript gets it: each message already
//! parsed (by `fluent-syntax`, the one parser) into text, placeholders and
//! selections, so the window formats with a few lines and `Intl.PluralRules`
//! instead of a second Fluent parser. Terms and message references are
//! inlined; anything else (functions, attributes) is refused, and the tests
//! check no message needs it.

use std::collections::{BTreeMap, HashMap};

use fluent_syntax::ast::{self, Entry, Expression, InlineExpression, PatternElement, VariantKey};
use serde::Serialize;

use crate::{Direction, Language};

/// One language's messages for the window.
#[derive(Debug, Clone, Serialize)]
pub struct WindowCatalogue {
    /// The language's tag (`ar`), for `<html lang>` and `Intl.PluralRules`.
    pub language: &'static str,
    /// `ltr` or `rtl`, for `<html dir>`.
    pub dir: &'static str,
    /// Wrap placeholders in Unicode isolation marks, as the Rust side does
    /// for this language.
    pub isolate: bool,
    /// Message id → its parts.
    pub messages: BTreeMap<String, Vec<Part>>,
}

/// A piece of a message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Part {
    /// Text as it is.
    Text(String),
    /// The value of placeholder `var`.
    Variable {
        /// The placeholder's name, without `$`.
        var: String,
    },
    /// One of `variants`, chosen by placeholder `select`: a number matches a
    /// variant with that `number`, else the one keyed by its plural category;
    /// text matches a variant with that `key`; else `variants[default]`.
    Select {
        /// The placeholder's name, without `$`.
        select: String,
        /// The choices.
        variants: Vec<Variant>,
        /// The index of the default choice.
        default: usize,
    },
}

/// One choice of a [`Part::Select`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    /// A plural category (`one`, `few`) or a text value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// An exact number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<f64>,
    /// What it says.
    pub value: Vec<Part>,
}

/// A message the window's formatter cannot take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowCatalogueError {
    /// The language.
    pub language: &'static str,
    /// The message's id.
    pub message: String,
    /// What is wrong.
    pub problem: String,
}

impl std::fmt::Display for WindowCatalogueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} message {}: {}",
            self.language, self.message, self.problem
        )
    }
}

impl std::error::Error for WindowCatalogueError {}

/// The messages of `language`'s catalogue file `file` whose ids start with
/// `prefix`, parsed for a script. References reach every message of `file`.
pub(crate) fn catalogue(
    language: &'static Language,
    file: &str,
    prefix: &str,
) -> Result<WindowCatalogue, WindowCatalogueError> {
    let resources: Vec<ast::Resource<&str>> = language
        .files
        .iter()
        .filter(|(name, _)| *name == file)
        .map(|(_, source)| fluent_syntax::parser::parse(*source).unwrap_or_else(|(r, _)| r))
        .collect();
    let mut messages = HashMap::new();
    let mut terms = HashMap::new();
    for entry in resources.iter().flat_map(|r| &r.body) {
        match entry {
            Entry::Message(message) => {
                if let Some(value) = &message.value {
                    messages.insert(message.id.name, value);
                }
            }
            Entry::Term(term) => {
                terms.insert(term.id.name, &term.value);
            }
            _ => {}
        }
    }
    let flattener = Flattener {
        messages: &messages,
        terms: &terms,
    };
    let mut out = BTreeMap::new();
    for (id, pattern) in messages.iter().filter(|(id, _)| id.starts_with(prefix)) {
        let parts = flattener
            .pattern(pattern, 0)
            .map_err(|problem| WindowCatalogueError {
                language: language.tag,
                message: (*id).to_owned(),
                problem,
            })?;
        out.insert((*id).to_owned(), parts);
    }
    Ok(WindowCatalogue {
        language: language.tag,
        dir: language.direction.as_str(),
        isolate: language.direction == Direction::Rtl,
        messages: out,
    })
}

struct Flattener<'a> {
    messages: &'a HashMap<&'a str, &'a ast::Pattern<&'a str>>,
    terms: &'a HashMap<&'a str, &'a ast::Pattern<&'a str>>,
}

/// References nest at most this deep (a loop would never end).
const MAX_DEPTH: usize = 8;

impl Flattener<'_> {
    fn pattern(&self, pattern: &ast::Pattern<&str>, depth: usize) -> Result<Vec<Part>, String> {
        if depth > MAX_DEPTH {
            return Err("references nest too deep (a loop?)".into());
        }
        let mut parts = Vec::new();
        for element in &pattern.elements {
            match element {
                PatternElement::TextElement { value } => push_text(&mut parts, value),
                PatternElement::Placeable { expression } => {
                    for part in self.expression(expression, depth)? {
                        match part {
                            Part::Text(text) => push_text(&mut parts, &text),
                            other => parts.push(other),
                        }
                    }
                }
            }
        }
        Ok(parts)
    }

    fn expression(&self, expression: &Expression<&str>, depth: usize) -> Result<Vec<Part>, String> {
        match expression {
            Expression::Inline(inline) => self.inline(inline, depth),
            Expression::Select { selector, variants } => {
                let InlineExpression::VariableReference { id } = selector else {
                    return Err("only a placeholder can choose a variant".into());
                };
                let mut choices = Vec::with_capacity(variants.len());
                let mut default = 0;
                for (index, variant) in variants.iter().enumerate() {
                    if variant.default {
                        default = index;
                    }
                    let (key, number) = match &variant.key {
                        VariantKey::Identifier { name } => (Some((*name).to_owned()), None),
                        VariantKey::NumberLiteral { value } => {
                            let number = value
                                .parse::<f64>()
                                .map_err(|_| format!("{value} is not a number"))?;
                            (None, Some(number))
                        }
                    };
                    choices.push(Variant {
                        key,
                        number,
                        value: self.pattern(&variant.value, depth + 1)?,
                    });
                }
                Ok(vec![Part::Select {
                    select: id.name.to_owned(),
                    variants: choices,
                    default,
                }])
            }
        }
    }

    fn inline(&self, inline: &InlineExpression<&str>, depth: usize) -> Result<Vec<Part>, String> {
        match inline {
            InlineExpression::StringLiteral { value } => Ok(vec![Part::Text(
                fluent_syntax::unicode::unescape_unicode_to_string(value).into_owned(),
            )]),
            InlineExpression::NumberLiteral { value } => Ok(vec![Part::Text((*value).to_owned())]),
            InlineExpression::VariableReference { id } => Ok(vec![Part::Variable {
                var: id.name.to_owned(),
            }]),
            InlineExpression::TermReference {
                id,
                attribute: None,
                arguments: None,
            } => {
                let term = self
                    .terms
                    .get(id.name)
                    .ok_or_else(|| format!("no term -{}", id.name))?;
                self.pattern(term, depth + 1)
            }
            InlineExpression::MessageReference {
                id,
                attribute: None,
            } => {
                let message = self
                    .messages
                    .get(id.name)
                    .ok_or_else(|| format!("no message {}", id.name))?;
                self.pattern(message, depth + 1)
            }
            InlineExpression::Placeable { expression } => self.expression(expression, depth),
            InlineExpression::TermReference { .. }
            | InlineExpression::MessageReference { .. }
            | InlineExpression::FunctionReference { .. } => Err(
                "the window formats only text, placeholders, selections, terms and message references".into(),
            ),
        }
    }
}

fn push_text(parts: &mut Vec<Part>, text: &str) {
    if let Some(Part::Text(last)) = parts.last_mut() {
        last.push_str(text);
    } else {
        parts.push(Part::Text(text.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plural_message_becomes_text_placeholders_and_a_selection()
    -> Result<(), WindowCatalogueError> {
        let catalogue = crate::messages("en").window_catalogue()?;
        let parts = &catalogue.messages["offline-unreachable"];
        assert!(
            matches!(&parts[0], Part::Text(text) if text == "Cannot reach "),
            "{parts:?}"
        );
        assert_eq!(parts[1], Part::Variable { var: "host".into() });
        let Some(Part::Select {
            select, variants, ..
        }) = parts.iter().find(|p| matches!(p, Part::Select { .. }))
        else {
            panic!("the seconds choose a plural form: {parts:?}");
        };
        assert_eq!(select, "seconds");
        assert!(variants.iter().any(|v| v.key.as_deref() == Some("one")));
        Ok(())
    }

    #[test]
    fn the_window_catalogue_says_which_way_the_text_runs() -> Result<(), WindowCatalogueError> {
        let arabic = crate::messages("ar").window_catalogue()?;
        assert_eq!((arabic.dir, arabic.isolate), ("rtl", true));
        let japanese = crate::messages("ja").window_catalogue()?;
        assert_eq!((japanese.dir, japanese.isolate), ("ltr", false));
        Ok(())
    }
}
