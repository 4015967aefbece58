//! Which language the app speaks: the deployment file's choice, else the
//! operating system's locales in the user's order of preference, matched
//! against the languages of the catalogue ([`lifeline_i18n::LANGUAGES`]).

use lifeline_protocol::Language;

/// The deployment's fixed language if the app speaks it (whole tag or its
/// primary language), else the first of `os_locales` it speaks (POSIX
/// `es_ES.UTF-8` or BCP 47 `es-ES`), else English.
///
/// The deployment file's check already refuses a language the app does not
/// speak; should one get here anyway, the OS's language takes over.
pub fn choose_language<'a>(
    forced: &Language,
    os_locales: impl IntoIterator<Item = &'a str>,
) -> &'static lifeline_i18n::Language {
    let fixed = match forced {
        Language::Fixed(tag) => lifeline_i18n::negotiate(tag),
        Language::Auto => None,
    };
    fixed
        .or_else(|| os_locales.into_iter().find_map(lifeline_i18n::negotiate))
        .unwrap_or_else(lifeline_i18n::fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chosen<'a>(forced: &Language, os: impl IntoIterator<Item = &'a str>) -> &'static str {
        choose_language(forced, os).tag
    }

    #[test]
    fn the_os_locale_picks_by_primary_language() {
        for os in ["es_ES.UTF-8", "es-MX", "es", "ES"] {
            assert_eq!(chosen(&Language::Auto, [os]), "es", "{os}");
        }
        assert_eq!(chosen(&Language::Auto, ["ar_EG.UTF-8"]), "ar");
        assert_eq!(chosen(&Language::Auto, ["ja_JP.UTF-8"]), "ja");
        assert_eq!(chosen(&Language::Auto, ["pt_PT.UTF-8"]), "pt-BR");
    }

    #[test]
    fn the_first_os_locale_the_app_speaks_wins() {
        // LANGUAGE=sv:de:en — no Swedish, so German, not English.
        assert_eq!(chosen(&Language::Auto, ["sv-SE", "de-DE", "en"]), "de");
    }

    #[test]
    fn the_deployment_file_forces_a_language_over_the_os() {
        let forced = Language::Fixed("fr".into());
        assert_eq!(chosen(&forced, ["en_US.UTF-8"]), "fr");
        let forced = Language::Fixed("pt-BR".into());
        assert_eq!(chosen(&forced, ["ja_JP.UTF-8"]), "pt-BR");
    }

    #[test]
    fn an_unknown_or_missing_language_falls_back_to_english() {
        assert_eq!(chosen(&Language::Fixed("sv".into()), ["zh_CN"]), "en");
        assert_eq!(chosen(&Language::Auto, ["C"]), "en");
        assert_eq!(chosen(&Language::Auto, []), "en");
    }

    #[test]
    fn a_forced_language_the_app_lacks_gives_way_to_the_os() {
        assert_eq!(chosen(&Language::Fixed("sv".into()), ["es_ES"]), "es");
    }
}
