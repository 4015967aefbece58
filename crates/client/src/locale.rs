//! Which language the window speaks: the deployment file's choice, else the
//! operating system's locale, matched against the languages the app has.

use lifeline_protocol::Language;

/// Picks one of `available` (lower-case language tags such as `en`, `es`):
/// the deployment's fixed language if the app has it, else the OS locale
/// (`es_ES.UTF-8`, `es-ES`, `es`), else `fallback`.
///
/// Tags match exactly first (`pt-br`), then by their primary language (`es-MX`
/// → `es`).
pub fn choose_language(
    forced: &Language,
    os_locale: Option<&str>,
    available: &[&str],
    fallback: &str,
) -> String {
    let wanted = match forced {
        Language::Fixed(tag) => Some(tag.as_str()),
        Language::Auto => None,
    };
    wanted
        .and_then(|tag| best_match(tag, available))
        .or_else(|| os_locale.and_then(|tag| best_match(tag, available)))
        .unwrap_or(fallback)
        .to_owned()
}

fn best_match<'a>(tag: &str, available: &[&'a str]) -> Option<&'a str> {
    let normalized = normalize(tag);
    if normalized.is_empty() || normalized == "c" || normalized == "posix" {
        return None;
    }
    let primary = normalized.split('-').next().unwrap_or_default();
    available
        .iter()
        .find(|a| a.eq_ignore_ascii_case(&normalized))
        .or_else(|| available.iter().find(|a| a.eq_ignore_ascii_case(primary)))
        .copied()
}

/// `es_ES.UTF-8@euro` → `es-es`.
fn normalize(tag: &str) -> String {
    let tag = tag.split(['.', '@']).next().unwrap_or_default();
    tag.trim().replace('_', "-").to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const AVAILABLE: &[&str] = &["en", "es"];

    #[test]
    fn the_os_locale_picks_by_primary_language() {
        for os in ["es_ES.UTF-8", "es-MX", "es", "ES"] {
            assert_eq!(
                choose_language(&Language::Auto, Some(os), AVAILABLE, "en"),
                "es",
                "{os}"
            );
        }
    }

    #[test]
    fn the_deployment_file_forces_a_language_over_the_os() {
        let forced = Language::Fixed("es".into());
        assert_eq!(
            choose_language(&forced, Some("en_US.UTF-8"), AVAILABLE, "en"),
            "es"
        );
    }

    #[test]
    fn an_unknown_or_missing_language_falls_back() {
        assert_eq!(
            choose_language(
                &Language::Fixed("fr".into()),
                Some("de_DE"),
                AVAILABLE,
                "en"
            ),
            "en"
        );
        assert_eq!(
            choose_language(&Language::Auto, Some("C"), AVAILABLE, "en"),
            "en"
        );
        assert_eq!(
            choose_language(&Language::Auto, None, AVAILABLE, "en"),
            "en"
        );
    }

    #[test]
    fn a_forced_language_the_app_lacks_gives_way_to_the_os() {
        assert_eq!(
            choose_language(
                &Language::Fixed("fr".into()),
                Some("es_ES"),
                AVAILABLE,
                "en"
            ),
            "es"
        );
    }
}
