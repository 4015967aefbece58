//! Every word a person reads in Lifeline, in each of its languages.
//!
//! The catalogues are [Project Fluent](https://projectfluent.org) files
//! (`locales/<tag>/*.ftl`), embedded in the binary: plurals follow each
//! language's CLDR rules and placeholders are named (`{ $name }`), so a
//! translator can reorder a sentence or add plural forms without touching
//! code. One catalogue serves the desktop app (window, tray, notifications,
//! shortcut, `app.ftl`) and the queue server's expert console (its pages
//! and script, `console.ftl`).
//!
//! - [`negotiate`] maps a locale (`es_ES.UTF-8`, `pt-PT`, an
//!   `Accept-Language` item) to one of [`LANGUAGES`].
//! - [`messages`] gives a language's [`Messages`]; [`Messages::text`] formats
//!   one message, in Rust.
//! - [`Messages::window_catalogue`] hands the window's JavaScript the parsed
//!   messages, which it formats itself with `Intl.PluralRules` (the countdown
//!   of the offline banner changes every second, without a round trip).
//! - [`Messages::script_catalogue`] does the same for the console's script:
//!   the `script-*` messages of `console.ftl`.
//!
//! The catalogues are checked by this crate's tests: every language has every
//! message of English and no other, with the same placeholders, and every
//! message parses and formats.

mod window;

/// The browser side's formatter of these catalogues (as
/// [`Messages::window_catalogue`] and [`Messages::script_catalogue`] export
/// them): one script, injected into the desktop window and served to the
/// console. It defines `lifelineMessages(catalogue)`, which answers `t(id, values)`.
pub const MESSAGES_JS: &str = include_str!("../js/messages.js");

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

pub use window::{Part, Variant, WindowCatalogue, WindowCatalogueError};

/// Which way a language's text runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Left to right.
    Ltr,
    /// Right to left (Arabic).
    Rtl,
}

impl Direction {
    /// The HTML `dir` value: `ltr` or `rtl`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// One language Lifeline speaks.
#[derive(Debug)]
pub struct Language {
    /// Its BCP 47 tag as the app uses it (`en`, `pt-BR`).
    pub tag: &'static str,
    /// Its name in itself (`Deutsch`, `日本語`), for a language picker.
    pub name: &'static str,
    /// Which way its text runs.
    pub direction: Direction,
    /// Its catalogue files: (file name, Fluent source).
    pub files: &'static [(&'static str, &'static str)],
}

macro_rules! catalogue {
    ($tag:literal) => {
        &[
            (
                "app.ftl",
                include_str!(concat!("../locales/", $tag, "/app.ftl")),
            ),
            (
                "console.ftl",
                include_str!(concat!("../locales/", $tag, "/console.ftl")),
            ),
        ]
    };
}

/// The languages Lifeline speaks; English first, the reference every other
/// language is checked against and the fallback.
pub const LANGUAGES: &[Language] = &[
    Language {
        tag: "en",
        name: "English",
        direction: Direction::Ltr,
        files: catalogue!("en"),
    },
    Language {
        tag: "es",
        name: "Español",
        direction: Direction::Ltr,
        files: catalogue!("es"),
    },
    Language {
        tag: "de",
        name: "Deutsch",
        direction: Direction::Ltr,
        files: catalogue!("de"),
    },
    Language {
        tag: "fr",
        name: "Français",
        direction: Direction::Ltr,
        files: catalogue!("fr"),
    },
    Language {
        tag: "pt-BR",
        name: "Português (Brasil)",
        direction: Direction::Ltr,
        files: catalogue!("pt-BR"),
    },
    Language {
        tag: "it",
        name: "Italiano",
        direction: Direction::Ltr,
        files: catalogue!("it"),
    },
    Language {
        tag: "ja",
        name: "日本語",
        direction: Direction::Ltr,
        files: catalogue!("ja"),
    },
    Language {
        tag: "ar",
        name: "العربية",
        direction: Direction::Rtl,
        files: catalogue!("ar"),
    },
];

/// The language used when nothing else matches: English.
pub fn fallback() -> &'static Language {
    &LANGUAGES[0]
}

/// The language with exactly this tag (any case), if Lifeline speaks it.
pub fn language(tag: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|l| l.tag.eq_ignore_ascii_case(tag))
}

/// The language Lifeline speaks that best fits `locale`: a POSIX locale
/// (`es_ES.UTF-8@euro`), a BCP 47 tag (`es-MX`) or one `Accept-Language` item
/// without its weight. The whole tag first (`pt-BR`), then its primary
/// language (`es-MX` → `es`, `pt-PT` → `pt-BR`: a neighbour beats English).
/// `None` for `C`, `POSIX`, empty, or a language Lifeline does not speak.
pub fn negotiate(locale: &str) -> Option<&'static Language> {
    let tag = locale.split(['.', '@']).next().unwrap_or_default();
    let tag = tag.trim().replace('_', "-");
    if tag.is_empty() || tag.eq_ignore_ascii_case("c") || tag.eq_ignore_ascii_case("posix") {
        return None;
    }
    language(&tag).or_else(|| {
        let primary = primary_language(&tag);
        LANGUAGES
            .iter()
            .find(|l| primary_language(l.tag).eq_ignore_ascii_case(primary))
    })
}

fn primary_language(tag: &str) -> &str {
    tag.split('-').next().unwrap_or_default()
}

/// A value for a placeholder.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    /// Text, put in as it is.
    Text(&'a str),
    /// A number; it also picks plural forms.
    Number(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(text: &'a str) -> Self {
        Arg::Text(text)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(text: &'a String) -> Self {
        Arg::Text(text)
    }
}

impl From<i64> for Arg<'_> {
    fn from(number: i64) -> Self {
        Arg::Number(number)
    }
}

impl From<u32> for Arg<'_> {
    fn from(number: u32) -> Self {
        Arg::Number(i64::from(number))
    }
}

/// One language's messages, ready to format.
pub struct Messages {
    language: &'static Language,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Messages")
            .field("language", &self.language.tag)
            .finish_non_exhaustive()
    }
}

/// The messages of the language tagged `tag` (exactly, any case), or of
/// English when Lifeline does not speak it.
pub fn messages(tag: &str) -> &'static Messages {
    static ALL: OnceLock<Vec<Messages>> = OnceLock::new();
    let all = ALL.get_or_init(|| LANGUAGES.iter().map(Messages::load).collect());
    LANGUAGES
        .iter()
        .position(|l| l.tag.eq_ignore_ascii_case(tag))
        .map_or(&all[0], |i| &all[i])
}

impl Messages {
    fn load(language: &'static Language) -> Self {
        let id: LanguageIdentifier = language
            .tag
            .parse()
            .unwrap_or_else(|_| LanguageIdentifier::default());
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Unicode isolation marks round placeholders keep a Latin name or a
        // number from reordering right-to-left text; left-to-right languages
        // go without, so titles and notifications never show stray marks.
        bundle.set_use_isolating(language.direction == Direction::Rtl);
        for (_, source) in language.files {
            // A broken file loses only its broken messages (the tests fail on
            // any): the rest still speak, and English fills the gaps.
            let resource = FluentResource::try_new((*source).to_owned())
                .unwrap_or_else(|(partial, _errors)| partial);
            let _duplicates = bundle.add_resource(resource);
        }
        Self { language, bundle }
    }

    /// The language these messages are in.
    pub fn language(&self) -> &'static Language {
        self.language
    }

    /// Whether this language has message `id` (not counting English's).
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    /// Message `id` with its placeholders filled from `args`; English's when
    /// this language lacks it, and `id` itself when English does too.
    pub fn text(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        self.format(id, args)
            .or_else(|| {
                let english = messages(fallback().tag);
                (!std::ptr::eq(english, self))
                    .then(|| english.format(id, args))
                    .flatten()
            })
            .unwrap_or_else(|| id.to_owned())
    }

    fn format(&self, id: &str, args: &[(&str, Arg<'_>)]) -> Option<String> {
        let pattern = self.bundle.get_message(id)?.value()?;
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            let value = match value {
                Arg::Text(text) => FluentValue::from(*text),
                Arg::Number(number) => FluentValue::from(*number),
            };
            fluent_args.set(*name, value);
        }
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors);
        Some(text.into_owned())
    }

    /// Every message of `app.ftl`, parsed, for the window's own formatter.
    pub fn window_catalogue(&self) -> Result<WindowCatalogue, WindowCatalogueError> {
        window::catalogue(self.language, "app.ftl", "")
    }

    /// The messages of `console.ftl` named `script-*`, parsed the same way,
    /// for the console's script (which formats them with the same few lines
    /// as the window).
    pub fn script_catalogue(&self) -> Result<WindowCatalogue, WindowCatalogueError> {
        window::catalogue(self.language, "console.ftl", "script-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locale_finds_its_language_whole_or_by_its_primary_language() {
        let cases = [
            ("es_ES.UTF-8", "es"),
            ("es-MX", "es"),
            ("de_AT.UTF-8@euro", "de"),
            ("pt_BR.UTF-8", "pt-BR"),
            ("pt-PT", "pt-BR"),
            ("ja_JP.UTF-8", "ja"),
            ("ar_EG", "ar"),
            ("AR", "ar"),
            ("fr-CA", "fr"),
            ("it_CH", "it"),
            ("en_GB", "en"),
        ];
        for (locale, tag) in cases {
            assert_eq!(
                negotiate(locale).map(|l| l.tag),
                Some(tag),
                "{locale} speaks {tag}"
            );
        }
    }

    #[test]
    fn a_locale_of_no_language_lifeline_speaks_finds_none() {
        for locale in [
            "C",
            "C.UTF-8",
            "POSIX",
            "",
            "sv_SE.UTF-8",
            "zh-Hant-TW",
            "-",
        ] {
            assert!(negotiate(locale).is_none(), "{locale:?} finds no language");
        }
    }

    #[test]
    fn placeholders_are_filled_and_numbers_pick_plural_forms() {
        let english = messages("en");
        assert_eq!(
            english.text("notify-assigned-body", &[("name", "Ana".into())]),
            "Ana will help you shortly."
        );
        let retry = |tag: &str, seconds: i64| {
            messages(tag).text(
                "offline-unreachable",
                &[
                    ("host", "help.example.com".into()),
                    ("seconds", seconds.into()),
                ],
            )
        };
        assert_eq!(
            retry("en", 1),
            "Cannot reach help.example.com — retrying in 1 second"
        );
        assert_eq!(
            retry("en", 5),
            "Cannot reach help.example.com — retrying in 5 seconds"
        );
        // Arabic has six plural forms: 2 is the dual, 3–10 "few", 11–99 "many".
        let arabic = [retry("ar", 2), retry("ar", 5), retry("ar", 11)];
        assert!(arabic[0].contains("ثانيتين"), "the dual: {}", arabic[0]);
        assert!(arabic[1].contains("ثوانٍ"), "few: {}", arabic[1]);
        assert!(arabic[2].contains("ثانية"), "many: {}", arabic[2]);
    }

    #[test]
    fn right_to_left_text_isolates_its_placeholders_and_left_to_right_does_not() {
        let arabic = messages("ar").text("notify-assigned-body", &[("name", "Ana".into())]);
        assert!(
            arabic.contains("\u{2068}Ana\u{2069}"),
            "a Latin name is isolated in Arabic: {arabic:?}"
        );
        let german = messages("de").text("notify-assigned-body", &[("name", "Ana".into())]);
        assert!(
            !german.contains('\u{2068}'),
            "no isolation marks in German: {german:?}"
        );
    }

    #[test]
    fn a_missing_message_falls_back_to_english_then_to_its_id() {
        assert_eq!(messages("xx").language().tag, "en", "unknown tag: English");
        assert_eq!(
            messages("ja").text("no-such-message", &[]),
            "no-such-message"
        );
    }

    #[test]
    fn only_arabic_runs_right_to_left() {
        for language in LANGUAGES {
            let rtl = language.direction == Direction::Rtl;
            assert_eq!(rtl, language.tag == "ar", "{}", language.tag);
        }
    }
}
