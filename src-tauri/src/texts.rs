//! The few strings the app says outside the window (notifications, tray
//! menu), from the same locale files as the window.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The languages the app speaks, with their locale files.
const LOCALES: &[(&str, &str)] = &[
    ("en", include_str!("../../ui/locales/en.json")),
    ("es", include_str!("../../ui/locales/es.json")),
];

/// The language used when nothing else matches.
pub const FALLBACK_LANGUAGE: &str = "en";

/// The tags of the languages the app speaks.
pub fn available() -> Vec<&'static str> {
    LOCALES.iter().map(|(tag, _)| *tag).collect()
}

/// The string `key` in `language` (falling back to English, then to the key),
/// with each `{name}` replaced from `values`.
pub fn text(language: &str, key: &str, values: &[(&str, &str)]) -> String {
    let tables = tables();
    let template = tables
        .get(language)
        .and_then(|t| t.get(key))
        .or_else(|| tables.get(FALLBACK_LANGUAGE).and_then(|t| t.get(key)))
        .map_or(key, String::as_str);
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

fn tables() -> &'static HashMap<&'static str, HashMap<String, String>> {
    static TABLES: OnceLock<HashMap<&'static str, HashMap<String, String>>> = OnceLock::new();
    TABLES.get_or_init(|| {
        LOCALES
            .iter()
            .map(|(tag, json)| {
                // The files are checked in this crate's tests; a broken one
                // must not stop the app, only lose its words.
                let table = serde_json::from_str(json).unwrap_or_else(|error| {
                    tracing::error!(%error, language = tag, "broken locale file");
                    HashMap::new()
                });
                (*tag, table)
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_locale_file_has_every_english_key() {
        let english: HashMap<String, String> =
            serde_json::from_str(LOCALES[0].1).expect("en.json is a flat JSON object of strings");
        for (tag, json) in LOCALES {
            let table: HashMap<String, String> =
                serde_json::from_str(json).expect("a flat JSON object of strings");
            let missing: Vec<&String> =
                english.keys().filter(|k| !table.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{tag}.json lacks {missing:?}");
        }
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            text("es", "notify.assigned.body", &[("name", "Ana")]),
            "Ana le ayudará en breve."
        );
    }
}
