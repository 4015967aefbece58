//! The CI check of the catalogues (`app.ftl` for the desktop app,
//! `console.ftl` for the expert console): every file parses, every language
//! has exactly English's messages with exactly English's placeholders, every
//! message formats, the window and the console's script can take every
//! message they get, and every message id the window or the console names
//! exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use fluent_syntax::ast::{self, Entry, Expression, InlineExpression, PatternElement};
use lifeline_i18n::{LANGUAGES, Language};

/// Message id (`id` or `id.attribute`) → the placeholders it uses.
type Shape = BTreeMap<String, BTreeSet<String>>;

/// The shape of one language, or every problem found reading it.
fn shape(language: &Language) -> Result<Shape, Vec<String>> {
    let mut shape = Shape::new();
    let mut problems = Vec::new();
    for (file, source) in language.files {
        let resource = match fluent_syntax::parser::parse(*source) {
            Ok(resource) => resource,
            Err((resource, errors)) => {
                for error in errors {
                    let line = source[..error.pos.start.min(source.len())]
                        .matches('\n')
                        .count()
                        + 1;
                    problems.push(format!("{}/{file}:{line}: {:?}", language.tag, error.kind));
                }
                resource
            }
        };
        for entry in &resource.body {
            let (id, value, attributes) = match entry {
                Entry::Message(m) => (m.id.name.to_owned(), m.value.as_ref(), &m.attributes),
                Entry::Term(t) => (format!("-{}", t.id.name), Some(&t.value), &t.attributes),
                Entry::Junk { content } => {
                    problems.push(format!("{}/{file}: cannot parse {content:?}", language.tag));
                    continue;
                }
                _ => continue,
            };
            let mut entries = vec![(id.clone(), value)];
            entries.extend(
                attributes
                    .iter()
                    .map(|a| (format!("{id}.{}", a.id.name), Some(&a.value))),
            );
            for (key, pattern) in entries {
                let mut variables = BTreeSet::new();
                if let Some(pattern) = pattern {
                    pattern_variables(pattern, &mut variables);
                }
                if shape.insert(key.clone(), variables).is_some() {
                    problems.push(format!("{}/{file}: {key} is defined twice", language.tag));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(shape)
    } else {
        Err(problems)
    }
}

fn pattern_variables(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(expression: &Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        Expression::Inline(inline) => inline_variables(inline, out),
        Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for variant in variants {
                pattern_variables(&variant.value, out);
            }
        }
    }
}

fn inline_variables(inline: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                inline_variables(argument, out);
            }
            for argument in &arguments.named {
                inline_variables(&argument.value, out);
            }
        }
        InlineExpression::Placeable { expression } => expression_variables(expression, out),
        _ => {}
    }
}

/// How `language` differs from English, one line per difference.
fn differences(english: &Shape, tag: &str, other: &Shape) -> Vec<String> {
    let mut found = Vec::new();
    for (id, variables) in english {
        match other.get(id) {
            None => found.push(format!("{tag}: missing {id}")),
            Some(theirs) if theirs != variables => {
                let missing: Vec<_> = variables.difference(theirs).collect();
                let extra: Vec<_> = theirs.difference(variables).collect();
                found.push(format!(
                    "{tag}: {id} lacks placeholders {missing:?}, has extra {extra:?}"
                ));
            }
            Some(_) => {}
        }
    }
    for id in other.keys().filter(|id| !english.contains_key(*id)) {
        // Terms are a language's own business (a brand's grammatical forms).
        if !id.starts_with('-') {
            found.push(format!("{tag}: extra message {id} (not in English)"));
        }
    }
    found
}

#[test]
fn every_language_has_every_message_with_the_same_placeholders_and_nothing_else() {
    let english = shape(&LANGUAGES[0]).unwrap_or_else(|problems| panic!("{problems:#?}"));
    assert!(
        english.len() > 50,
        "English has the app's messages ({} found)",
        english.len()
    );
    assert!(
        english.contains_key("window-title") && english.contains_key("sign-in-heading"),
        "English has both the app's and the console's messages"
    );
    let mut problems = Vec::new();
    for language in LANGUAGES {
        let files: Vec<_> = language.files.iter().map(|(name, _)| *name).collect();
        if files != ["app.ftl", "console.ftl"] {
            problems.push(format!("{}: catalogue files {files:?}", language.tag));
        }
    }
    for language in &LANGUAGES[1..] {
        match shape(language) {
            Ok(theirs) => problems.extend(differences(&english, language.tag, &theirs)),
            Err(errors) => problems.extend(errors),
        }
    }
    assert!(
        problems.is_empty(),
        "the catalogues differ from English:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_check_finds_a_missing_message_a_lost_placeholder_and_an_extra_one() {
    // The check itself, on a catalogue broken on purpose.
    let broken = Language {
        tag: "xx",
        name: "broken",
        direction: lifeline_i18n::Direction::Ltr,
        files: &[(
            "app.ftl",
            "notify-assigned-body = Someone will help you.\nextra-message = Hello { $who }\nbad = { $\n",
        )],
    };
    assert!(
        shape(&broken).is_err_and(|e| e.iter().any(|p| p.contains("xx/app.ftl:3"))),
        "a message that does not parse is named with its line"
    );
    let fixed = Language {
        files: &[(
            "app.ftl",
            "notify-assigned-body = Someone will help you.\nextra-message = Hello { $who }\n",
        )],
        ..broken
    };
    let english = shape(&LANGUAGES[0]).unwrap_or_default();
    let theirs = shape(&fixed).unwrap_or_default();
    let found = differences(&english, "xx", &theirs);
    assert!(
        found.iter().any(|p| p == "xx: missing window-title"),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.starts_with("xx: notify-assigned-body lacks placeholders [\"name\"]")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p == "xx: extra message extra-message (not in English)"),
        "{found:#?}"
    );
}

#[test]
fn the_check_finds_what_a_console_catalogue_lacks() {
    // A console.ftl broken on purpose: a message missing, a placeholder lost.
    let english_console = LANGUAGES[0]
        .files
        .iter()
        .find(|(name, _)| *name == "console.ftl")
        .map(|(_, source)| *source)
        .expect("English has console.ftl");
    let broken_console: &'static str = Box::leak(
        english_console
            .replace("queue-empty = No cases match.\n", "")
            .replace("case-title = Case { $code }", "case-title = Case")
            .into_boxed_str(),
    );
    let files: &'static [(&'static str, &'static str)] = Box::leak(Box::new([
        LANGUAGES[0].files[0],
        ("console.ftl", broken_console),
    ]));
    let broken = Language {
        tag: "xx",
        name: "broken",
        direction: lifeline_i18n::Direction::Ltr,
        files,
    };
    let english = shape(&LANGUAGES[0]).unwrap_or_default();
    let theirs = shape(&broken).unwrap_or_else(|problems| panic!("{problems:#?}"));
    let found = differences(&english, "xx", &theirs);
    assert_eq!(
        found,
        [
            "xx: case-title lacks placeholders [\"code\"], has extra []",
            "xx: missing queue-empty",
        ],
        "exactly the two faults are found"
    );
}

#[test]
fn every_message_formats_without_errors_in_every_language() {
    let english = shape(&LANGUAGES[0]).unwrap_or_else(|problems| panic!("{problems:#?}"));
    let mut problems = Vec::new();
    for language in LANGUAGES {
        let mut bundle: FluentBundle<FluentResource> =
            FluentBundle::new_concurrent(vec![language.tag.parse().expect("a valid tag")]);
        for (file, source) in language.files {
            let resource = FluentResource::try_new((*source).to_owned())
                .unwrap_or_else(|(_, e)| panic!("{}/{file}: {e:?}", language.tag));
            if let Err(errors) = bundle.add_resource(resource) {
                problems.push(format!("{}/{file}: {errors:?}", language.tag));
            }
        }
        for (id, variables) in english.iter().filter(|(id, _)| !id.starts_with('-')) {
            let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
                continue; // attributes, and what the shape check reports
            };
            // Numbers for every placeholder, 0 to 12: each plural form is reached.
            for n in 0..=12_i64 {
                let args: FluentArgs = variables.iter().map(|v| (v.as_str(), n)).collect();
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
                if !errors.is_empty() || text.trim().is_empty() {
                    problems.push(format!(
                        "{}: {id} with {n}: {errors:?} {text:?}",
                        language.tag
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_window_can_format_every_message_of_every_language() {
    for language in LANGUAGES {
        let catalogue = lifeline_i18n::messages(language.tag)
            .window_catalogue()
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(catalogue.language, language.tag);
        let json = serde_json::to_value(&catalogue).expect("serializable");
        assert!(
            json["messages"]["window-title"].is_array(),
            "{}",
            language.tag
        );
        assert!(
            json["messages"]["sign-in-heading"].is_null(),
            "the window gets only app.ftl ({})",
            language.tag
        );
    }
}

#[test]
fn the_console_script_can_format_every_script_message_of_every_language() {
    for language in LANGUAGES {
        let catalogue = lifeline_i18n::messages(language.tag)
            .script_catalogue()
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(catalogue.dir, language.direction.as_str());
        let json = serde_json::to_value(&catalogue).expect("serializable");
        let messages = json["messages"].as_object().expect("an object");
        assert!(
            messages.keys().all(|id| id.starts_with("script-")),
            "{}: only script-* messages",
            language.tag
        );
        // A reference to another message (script-yes = { yes }) is inlined.
        assert!(
            json["messages"]["script-yes"][0].is_string(),
            "{}: {}",
            language.tag,
            json["messages"]["script-yes"]
        );
        assert!(
            json["messages"]["script-alert-overdue-minutes"].is_array(),
            "{}",
            language.tag
        );
    }
}

/// The message ids the console's templates, handlers and script, and the
/// server's emails name literally: `t("…")`, `t_with("…"` and `text("…"`
/// wherever they are.
fn ids_named_by_the_console() -> BTreeSet<String> {
    let queue = Path::new(env!("CARGO_MANIFEST_DIR")).join("../queue");
    let mut sources = Vec::new();
    for folder in [
        "console/templates",
        "console/static",
        "src/console",
        "src/email",
        "src/webhooks",
    ] {
        let entries =
            std::fs::read_dir(queue.join(folder)).unwrap_or_else(|e| panic!("queue/{folder}: {e}"));
        for entry in entries.flatten() {
            sources.push(std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    let mut ids = BTreeSet::new();
    for source in &sources {
        for call in ["t(\"", "t_with(\"", "t_count(\"", "text(\""] {
            let mut rest = source.as_str();
            while let Some(at) = rest.find(call) {
                let whole_word = !rest[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_');
                rest = &rest[at + call.len()..];
                let id = rest.split('"').next().unwrap_or_default();
                if whole_word && !id.is_empty() && !id.ends_with('-') {
                    ids.insert(id.to_owned());
                }
            }
        }
    }
    ids
}

#[test]
fn every_message_the_console_names_exists() {
    let english = shape(&LANGUAGES[0]).unwrap_or_else(|problems| panic!("{problems:#?}"));
    let named = ids_named_by_the_console();
    assert!(
        named.len() > 80,
        "the console names its messages: {named:?}"
    );
    let missing: Vec<_> = named
        .iter()
        .filter(|id| !english.contains_key(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "the console names messages the catalogue lacks: {missing:?}"
    );
}

/// The message ids the window's HTML and script name literally.
fn ids_named_by_the_window() -> BTreeSet<String> {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui");
    let read = |name: &str| {
        std::fs::read_to_string(ui.join(name)).unwrap_or_else(|e| panic!("ui/{name}: {e}"))
    };
    let mut ids = BTreeSet::new();
    let html = read("index.html");
    for piece in html.split("data-i18n=\"").skip(1) {
        ids.insert(piece.split('"').next().unwrap_or_default().to_owned());
    }
    let script = read("app.js");
    let mut rest = script.as_str();
    while let Some(at) = rest.find("t(\"") {
        // `t("…"` itself, not `split("…"` or `createElement("…"`.
        let whole_word = !rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || "_$.".contains(c));
        rest = &rest[at + 3..];
        if whole_word {
            ids.insert(rest.split('"').next().unwrap_or_default().to_owned());
        }
    }
    ids
}

#[test]
fn every_message_the_window_names_exists() {
    let english = shape(&LANGUAGES[0]).unwrap_or_else(|problems| panic!("{problems:#?}"));
    let named = ids_named_by_the_window();
    assert!(named.len() > 30, "the window names its messages: {named:?}");
    let missing: Vec<_> = named
        .iter()
        .filter(|id| !english.contains_key(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "ui/ names messages the catalogue lacks: {missing:?}"
    );
}
