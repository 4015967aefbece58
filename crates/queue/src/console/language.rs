//! The console's language for one request: the expert's own choice (stored
//! with the expert, set on the settings page), else the best the browser's
//! `Accept-Language` asks for, else English. The sign-in page, with no
//! expert yet, follows the browser.
//!
//! [`scope`] (a middleware on every console page) settles the browser's
//! language before the handler runs; the [`super::page::Signed`] extractor
//! puts the expert's choice over it. Everything rendered during the request
//! (pages, the error page of a failed extractor, the rows the script reads)
//! asks [`current`].

use std::cell::Cell;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use lifeline_i18n::{Arg, Language, Messages};

tokio::task_local! {
    static LANGUAGE: Cell<&'static Language>;
}

/// Runs the rest of the request in the language its `Accept-Language` asks
/// for, and says in `Content-Language` which one the page speaks.
pub async fn scope(request: Request, next: Next) -> Response {
    let language = from_accept_language(request.headers());
    LANGUAGE
        .scope(Cell::new(language), async move {
            let mut response = next.run(request).await;
            let spoken = current().lang();
            response
                .headers_mut()
                .insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(spoken));
            response
        })
        .await
}

/// Speaks `tag` for the rest of this request, when it is a language the
/// console speaks (a stored choice from before a language was dropped is
/// ignored).
pub fn choose(tag: &str) {
    if let Some(language) = lifeline_i18n::language(tag) {
        let _outside_a_request = LANGUAGE.try_with(|current| current.set(language));
    }
}

/// This request's messages (English outside a console request).
pub fn current() -> Tr {
    let language = LANGUAGE
        .try_with(Cell::get)
        .unwrap_or_else(|_| lifeline_i18n::fallback());
    Tr(lifeline_i18n::messages(language.tag))
}

/// The first language of `Accept-Language` (highest weight first; equal
/// weights in the order sent) that the console speaks, else English.
pub fn from_accept_language(headers: &HeaderMap) -> &'static Language {
    let mut asked: Vec<(&str, f32)> = headers
        .get_all(header::ACCEPT_LANGUAGE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|item| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (!tag.is_empty() && tag != "*" && weight > 0.0).then_some((tag, weight))
        })
        .collect();
    // A stable sort keeps the sender's order among equal weights.
    asked.sort_by(|a, b| b.1.total_cmp(&a.1));
    asked
        .iter()
        .find_map(|(tag, _)| lifeline_i18n::negotiate(tag))
        .unwrap_or_else(lifeline_i18n::fallback)
}

/// One language's messages as templates and handlers use them.
#[derive(Clone, Copy)]
pub struct Tr(&'static Messages);

impl std::fmt::Debug for Tr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.language().tag)
    }
}

impl Default for Tr {
    fn default() -> Self {
        current()
    }
}

impl Tr {
    /// Message `id`.
    pub fn t(&self, id: &str) -> String {
        self.0.text(id, &[])
    }

    /// Message `id` with placeholder `name` set to `value`.
    pub fn t_with(&self, id: &str, name: &str, value: &str) -> String {
        self.0.text(id, &[(name, Arg::Text(value))])
    }

    /// Message `id` with the number placeholder `name` set to `count`.
    pub fn t_count(&self, id: &str, name: &str, count: i64) -> String {
        self.0.text(id, &[(name, Arg::Number(count))])
    }

    /// Message `id` with several placeholders.
    pub fn t_args(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        self.0.text(id, args)
    }

    /// The language's tag, for `<html lang>`.
    pub fn lang(&self) -> &'static str {
        self.0.language().tag
    }

    /// `ltr` or `rtl`, for `<html dir>`.
    pub fn dir(&self) -> &'static str {
        self.0.language().direction.as_str()
    }

    /// The script's messages as JSON, safe inside a `<script>` data block
    /// (no `<` can close it).
    pub fn script_json(&self) -> String {
        self.0
            .script_catalogue()
            .ok()
            .and_then(|catalogue| serde_json::to_string(&catalogue).ok())
            .unwrap_or_else(|| "{}".to_owned())
            .replace('<', "\\u003c")
    }
}

/// The customer's locale as the case page shows it: the language's own name
/// first when the console knows it (`العربية (ar-EG)`), else the tag.
pub fn locale_words(tr: &Tr, locale: &str) -> String {
    match lifeline_i18n::negotiate(locale) {
        Some(language) => tr.t_args(
            "case-locale-named",
            &[
                ("language", Arg::Text(language.name)),
                ("locale", Arg::Text(locale)),
            ],
        ),
        None => locale.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(value: &str) -> &'static str {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_str(value).expect("a header value"),
        );
        from_accept_language(&headers).tag
    }

    #[test]
    fn the_browser_s_languages_are_tried_by_weight_then_in_order() {
        assert_eq!(asked("de-DE,de;q=0.9"), "de");
        assert_eq!(
            asked("sv;q=1, ja;q=0.5, fr;q=0.8"),
            "fr",
            "sv is not spoken"
        );
        assert_eq!(asked("it, es"), "it", "equal weights keep their order");
        assert_eq!(asked("pt-PT"), "pt-BR", "a neighbour beats English");
        assert_eq!(asked("ar;q=0, es;q=0.1"), "es", "q=0 means not this one");
        assert_eq!(asked("*, zh"), "en");
        assert_eq!(asked(""), "en");
    }

    #[test]
    fn a_known_locale_reads_with_its_language_s_own_name() {
        let english = Tr(lifeline_i18n::messages("en"));
        assert_eq!(locale_words(&english, "de-AT"), "Deutsch (de-AT)");
        assert_eq!(locale_words(&english, "sv-SE"), "sv-SE");
        let arabic = Tr(lifeline_i18n::messages("ar"));
        assert!(
            locale_words(&arabic, "ar-EG").starts_with("\u{2068}العربية\u{2069}"),
            "{}",
            locale_words(&arabic, "ar-EG")
        );
    }
}
