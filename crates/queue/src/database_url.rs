//! `database_url`, parsed once at start-up: which database, and where. Its
//! `Debug`, `Display` and errors never show a password, so the URL can be
//! logged and echoed in an error as it stands.

use std::fmt;
use std::path::{Path, PathBuf};

/// What replaces a password wherever the URL is shown.
const HIDDEN: &str = "***";

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://PATH` or `sqlite:PATH`: one file.
    Sqlite(PathBuf),
    /// `postgres://…` or `postgresql://…`, kept whole for the driver.
    Postgres(PostgresUrl),
}

/// A PostgreSQL connection URL. Only [`PostgresUrl::expose`] gives it with
/// its password.
#[derive(Clone, PartialEq, Eq)]
pub struct PostgresUrl(String);

impl PostgresUrl {
    /// The URL as written, password included: for the driver, never for a log.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A `database_url` this server cannot use. The text it holds is already
/// stripped of any password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatabaseUrlError {
    /// Neither SQLite nor PostgreSQL.
    #[error("expected sqlite://PATH or postgres://…, got {0:?}")]
    UnknownScheme(String),
    /// A SQLite URL without a file, or with parameters this server does not read.
    #[error("expected sqlite://PATH (a file, no ?parameters), got {0:?}")]
    NotAFile(String),
}

impl DatabaseUrl {
    /// Parses `sqlite://PATH`, `sqlite:PATH`, `postgres://…` or `postgresql://…`.
    pub fn parse(text: &str) -> Result<Self, DatabaseUrlError> {
        let text = text.trim();
        if let Some(path) = text
            .strip_prefix("sqlite://")
            .or_else(|| text.strip_prefix("sqlite:"))
        {
            if path.is_empty() || path.contains('?') {
                return Err(DatabaseUrlError::NotAFile(without_password(text)));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(Self::Postgres(PostgresUrl(text.to_string())));
        }
        Err(DatabaseUrlError::UnknownScheme(without_password(text)))
    }

    /// The SQLite file at `path`.
    pub fn sqlite(path: impl AsRef<Path>) -> Self {
        Self::Sqlite(path.as_ref().to_path_buf())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Self::Postgres(url) => write!(f, "{url}"),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({:?})", self.to_string())
    }
}

impl fmt::Display for PostgresUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&without_password(&self.0))
    }
}

impl fmt::Debug for PostgresUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PostgresUrl({:?})", without_password(&self.0))
    }
}

/// Equal when `text` parses to the same database.
impl PartialEq<&str> for DatabaseUrl {
    fn eq(&self, text: &&str) -> bool {
        DatabaseUrl::parse(text).is_ok_and(|url| url == *self)
    }
}

/// `text` with the password of `scheme://user:password@host…` and the value
/// of any `password=` parameter replaced: what may be shown of a URL.
fn without_password(text: &str) -> String {
    let mut shown = match text.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((user_info, host)) if user_info.contains(':') => {
                let user = user_info.split_once(':').map_or(user_info, |(u, _)| u);
                format!("{scheme}://{user}:{HIDDEN}@{host}")
            }
            _ => text.to_string(),
        },
        None => text.to_string(),
    };
    // libpq also reads `?password=…` and `password=…` in key-value form.
    let mut from = 0;
    while let Some(found) = shown[from..].to_ascii_lowercase().find("password=") {
        let start = from + found + "password=".len();
        let end = shown[start..]
            .find(['&', ' ', '#'])
            .map_or(shown.len(), |n| start + n);
        shown.replace_range(start..end, HIDDEN);
        from = start + HIDDEN.len();
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr:et@pw";

    #[test]
    fn sqlite_urls_name_a_file() {
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/x.db"),
            Ok(DatabaseUrl::sqlite("/var/lib/x.db"))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:data/x.db"),
            Ok(DatabaseUrl::sqlite("data/x.db"))
        );
        assert_eq!(
            DatabaseUrl::sqlite("/tmp/x.db").to_string(),
            "sqlite:///tmp/x.db"
        );
    }

    #[test]
    fn postgres_urls_are_kept_whole_for_the_driver() {
        let text = format!("postgres://lifeline:{SECRET}@db.example:5432/queue");
        let Ok(DatabaseUrl::Postgres(url)) = DatabaseUrl::parse(&text) else {
            panic!("a postgres URL must parse");
        };
        assert_eq!(url.expose(), text);
        assert!(matches!(
            DatabaseUrl::parse("postgresql://db.example/queue"),
            Ok(DatabaseUrl::Postgres(_))
        ));
    }

    #[test]
    fn debug_and_display_hide_the_password() {
        let url = DatabaseUrl::parse(&format!(
            "postgres://lifeline:{SECRET}@db.example:5432/queue"
        ))
        .expect("valid");
        for shown in [url.to_string(), format!("{url:?}"), format!("{url:#?}")] {
            assert!(!shown.contains("s3cr"), "{shown}");
            assert!(!shown.contains("et@pw"), "{shown}");
            assert!(
                shown.contains("postgres://lifeline:***@db.example:5432/queue"),
                "{shown}"
            );
        }
    }

    #[test]
    fn password_parameters_are_hidden_too() {
        let url = DatabaseUrl::parse("postgres://db.example/queue?user=a&password=hunter2&x=1")
            .expect("valid");
        let shown = format!("{url} {url:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("password=***&x=1"), "{shown}");
    }

    #[test]
    fn a_url_without_a_password_shows_as_written() {
        let url = DatabaseUrl::parse("postgres://lifeline@db.example/queue").expect("valid");
        assert_eq!(url.to_string(), "postgres://lifeline@db.example/queue");
    }

    #[test]
    fn parse_errors_say_what_is_expected_and_hide_the_password() {
        let error = DatabaseUrl::parse(&format!("mysql://root:{SECRET}@db.example/queue"))
            .expect_err("mysql is not ours");
        assert!(matches!(error, DatabaseUrlError::UnknownScheme(_)));
        let message = error.to_string();
        assert!(
            message.contains("expected sqlite://PATH or postgres://"),
            "{message}"
        );
        assert!(
            message.contains("mysql://root:***@db.example/queue"),
            "{message}"
        );
        assert!(!message.contains("s3cr"), "{message}");

        let error = DatabaseUrl::parse("host=db password=hunter2").expect_err("not a URL");
        assert!(!error.to_string().contains("hunter2"), "{error}");

        for text in ["sqlite://", "sqlite:", "sqlite://x.db?mode=ro"] {
            let error = DatabaseUrl::parse(text).expect_err(text);
            assert!(matches!(error, DatabaseUrlError::NotAFile(_)), "{text}");
            assert!(
                error.to_string().contains("expected sqlite://PATH"),
                "{error}"
            );
        }
        assert!(DatabaseUrl::parse("").is_err());
    }

    #[test]
    fn a_url_equals_the_text_it_parses_from() {
        let url = DatabaseUrl::sqlite("/tmp/x/lifeline.db");
        assert_eq!(url, "sqlite:///tmp/x/lifeline.db");
        assert_eq!(url, "sqlite:/tmp/x/lifeline.db");
        assert_ne!(url, "sqlite:///tmp/y.db");
        assert_ne!(url, "nonsense");
    }
}
