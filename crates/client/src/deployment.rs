//! Finding, reading and checking the deployment file IT ships with the app.
//!
//! The app looks in PRODUCT.md's order: a path given on the command line or by
//! environment variable, the system-wide location, then the file bundled with
//! the installer. Every error names the file and what is wrong with it, so the
//! window can show it to whoever installed the app.

use std::fmt;
use std::io;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lifeline_protocol::{Behaviour, Branding, DEPLOYMENT_KEY_PREFIX, DeploymentFile, Language};
use reqwest::Url;

use crate::logo::Logo;

/// The environment variable naming a deployment file, like `--deployment PATH`.
pub const DEPLOYMENT_ENV: &str = "LIFELINE_DEPLOYMENT";

/// Longest shortcut name accepted: file systems allow 255 bytes, and a name
/// this long is already unreadable under a desktop icon.
const SHORTCUT_NAME_MAX_CHARS: usize = 64;

/// Characters Windows, macOS or Linux refuse (or treat specially) in a file name.
const FORBIDDEN_IN_FILE_NAMES: &[char] = &['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

/// Where a deployment file was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeploymentSource {
    /// Given with `--deployment PATH` or `LIFELINE_DEPLOYMENT`.
    Explicit,
    /// The system-wide location IT rolls out (`/etc/lifeline/deployment.toml`…).
    System,
    /// The file bundled with the installer.
    Bundled,
}

/// The places [`Deployment::discover_in`] looks, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryPaths {
    /// A path the user or IT gave explicitly; if set, it must exist.
    pub explicit: Option<PathBuf>,
    /// The system-wide deployment file, if this OS has such a place.
    pub system: Option<PathBuf>,
    /// The file bundled with the app.
    pub bundled: Option<PathBuf>,
}

impl DiscoveryPaths {
    /// The places for this operating system, with the system-wide location of
    /// [`system_deployment_path`].
    pub fn for_this_os(explicit: Option<&Path>, bundled: Option<&Path>) -> Self {
        Self {
            explicit: explicit.map(Path::to_path_buf),
            system: system_deployment_path(),
            bundled: bundled.map(Path::to_path_buf),
        }
    }
}

/// The system-wide deployment file of this OS: `/etc/lifeline/deployment.toml`
/// on Linux and other Unixes, `%ProgramData%\Lifeline\deployment.toml` on
/// Windows, `/Library/Application Support/Lifeline/deployment.toml` on macOS.
pub fn system_deployment_path() -> Option<PathBuf> {
    if cfg!(target_os = "windows") {
        // ProgramData is almost always C:\ProgramData; without it there is no
        // system-wide place to look.
        std::env::var_os("ProgramData")
            .map(|dir| PathBuf::from(dir).join("Lifeline").join("deployment.toml"))
    } else if cfg!(target_os = "macos") {
        Some(PathBuf::from(
            "/Library/Application Support/Lifeline/deployment.toml",
        ))
    } else {
        Some(PathBuf::from("/etc/lifeline/deployment.toml"))
    }
}

/// A deployment file that was found, parsed and checked.
///
/// Holding one means every field is usable: the server URL is an `http(s)` URL,
/// the key is a `dk_` key, the colour is `#rrggbb` and the shortcut name is a
/// safe file name. The logo is the one field that may be unusable: then the
/// deployment has none and says why ([`Deployment::logo_problem`]).
#[derive(Clone, PartialEq, Eq)]
pub struct Deployment {
    path: PathBuf,
    source: DeploymentSource,
    file: DeploymentFile,
    logo: LazyLogo,
}

/// The logo, read when first asked for: a logo file may be up to 512 KiB,
/// and the app shows the session code before it shows the logo.
#[derive(Clone, Default)]
struct LazyLogo(OnceLock<LogoOutcome>);

/// The logo if usable, else why not (both `None`: the file names no logo).
#[derive(Debug, Clone)]
struct LogoOutcome {
    logo: Option<Logo>,
    problem: Option<String>,
}

impl PartialEq for LazyLogo {
    /// Always equal: the logo follows from the file and its path, which the
    /// deployment compares; whether it was read yet does not matter.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for LazyLogo {}

impl fmt::Debug for Deployment {
    /// Leaves out the deployment key: it ships to customers' machines, but
    /// logs travel further still.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deployment")
            .field("path", &self.path)
            .field("source", &self.source)
            .field("server_url", &self.file.server_url)
            .field("branding", &self.file.branding)
            .field("behaviour", &self.file.behaviour)
            // Without reading it: logging a deployment must not read the logo.
            .field("logo", &self.logo.0.get())
            .finish_non_exhaustive()
    }
}

impl Deployment {
    /// Finds the deployment file in PRODUCT.md's order — `explicit` (from
    /// `--deployment PATH` or [`DEPLOYMENT_ENV`], which the caller reads), the system-wide location
    /// of this OS, then `bundled` — and loads the first that exists.
    pub fn discover(
        explicit: Option<&Path>,
        bundled: Option<&Path>,
    ) -> Result<Self, DeploymentError> {
        Self::discover_in(&DiscoveryPaths::for_this_os(explicit, bundled))
    }

    /// [`Deployment::discover`] over given places (tests pass their own
    /// system-wide path).
    ///
    /// An explicit path that does not exist is an error, not a reason to look
    /// further: whoever gave it meant that file. A file that exists but is
    /// broken is an error too, never skipped for the next place.
    pub fn discover_in(paths: &DiscoveryPaths) -> Result<Self, DeploymentError> {
        if let Some(explicit) = &paths.explicit {
            return Self::load(explicit, DeploymentSource::Explicit);
        }
        let candidates = [
            (paths.system.as_deref(), DeploymentSource::System),
            (paths.bundled.as_deref(), DeploymentSource::Bundled),
        ];
        let mut looked_in = Vec::new();
        for (path, source) in candidates {
            let Some(path) = path else { continue };
            match std::fs::metadata(path) {
                Ok(_) => {
                    if source == DeploymentSource::System {
                        check_system_file(path)?;
                    }
                    return Self::load(path, source);
                }
                Err(error) if error.kind() == io::ErrorKind::NotFound => {
                    looked_in.push(path.to_path_buf());
                }
                Err(error) => {
                    return Err(DeploymentError::Unreadable {
                        path: path.to_path_buf(),
                        source: error,
                    });
                }
            }
        }
        Err(DeploymentError::NotFound { looked_in })
    }

    /// Reads, parses and checks the deployment file at `path`.
    pub fn load(path: &Path, source: DeploymentSource) -> Result<Self, DeploymentError> {
        let text = std::fs::read_to_string(path).map_err(|error| match error.kind() {
            io::ErrorKind::NotFound => DeploymentError::Missing {
                path: path.to_path_buf(),
            },
            _ => DeploymentError::Unreadable {
                path: path.to_path_buf(),
                source: error,
            },
        })?;
        Self::parse(&text, path, source)
    }

    /// Parses and checks deployment file text read from `path` (which names
    /// the file in errors and anchors a relative logo path).
    pub fn parse(
        text: &str,
        path: &Path,
        source: DeploymentSource,
    ) -> Result<Self, DeploymentError> {
        let file: DeploymentFile =
            toml::from_str(text).map_err(|error| syntax_error(path, text, &error))?;
        let invalid = |field: &'static str, problem: String| DeploymentError::Invalid {
            path: path.to_path_buf(),
            field,
            problem,
        };

        check_server_url(&file.server_url, file.allow_insecure_http)
            .map_err(|p| invalid("server_url", p))?;
        check_deployment_key(&file.deployment_key).map_err(|p| invalid("deployment_key", p))?;
        check_branding(&file.branding).map_err(|(field, p)| invalid(field, p))?;
        check_behaviour(&file.behaviour).map_err(|(field, p)| invalid(field, p))?;

        Ok(Self {
            path: path.to_path_buf(),
            source,
            file,
            logo: LazyLogo::default(),
        })
    }

    /// Reads the logo the first time it is asked for. A logo that cannot be
    /// used leaves the window without one; the rest of the file (server, key,
    /// behaviour) still works.
    fn logo_outcome(&self) -> &LogoOutcome {
        self.logo.0.get_or_init(|| {
            match self.file.branding.logo.as_deref().map(|l| Logo::load(&self.path, l)) {
                None => LogoOutcome { logo: None, problem: None },
                Some(Ok(logo)) => LogoOutcome { logo: Some(logo), problem: None },
                Some(Err(problem)) => {
                    tracing::warn!(path = %self.path.display(), %problem, "branding.logo cannot be used; the window shows no logo");
                    LogoOutcome { logo: None, problem: Some(problem) }
                }
            }
        })
    }

    /// The file this deployment was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Which of the places it was found in.
    pub fn source(&self) -> DeploymentSource {
        self.source
    }

    /// The queue server's base URL, as written in the file.
    pub fn server_url(&self) -> &str {
        &self.file.server_url
    }

    /// The server's host name, for messages such as "Cannot reach help.example.com".
    pub fn server_host(&self) -> String {
        Url::parse(&self.file.server_url)
            .ok()
            .and_then(|url| url.host_str().map(str::to_owned))
            .unwrap_or_else(|| self.file.server_url.clone())
    }

    /// The `dk_` deployment key that creates cases.
    pub fn deployment_key(&self) -> &str {
        &self.file.deployment_key
    }

    /// Company name, accent colour and logo as written in the file.
    pub fn branding(&self) -> &Branding {
        &self.file.branding
    }

    /// Language, autostart and shortcut settings.
    pub fn behaviour(&self) -> &Behaviour {
        &self.file.behaviour
    }

    /// The logo, if the file has one that can be used (read on first call).
    pub fn logo(&self) -> Option<&Logo> {
        self.logo_outcome().logo.as_ref()
    }

    /// The logo file's absolute location (resolved against the file's
    /// folder), if the logo is a usable file; `None` for a `data:` URL logo.
    pub fn logo_path(&self) -> Option<&Path> {
        self.logo().and_then(Logo::file)
    }

    /// Why `branding.logo` is not used, if the file names a logo that cannot
    /// be (not found, too large, not a picture).
    pub fn logo_problem(&self) -> Option<&str> {
        self.logo_outcome().problem.as_deref()
    }

    /// The whole file as parsed.
    pub fn file(&self) -> &DeploymentFile {
        &self.file
    }
}

/// Why no usable deployment file was found. Each message names the file (or
/// the places searched) and the problem, ready to show to IT.
#[derive(Debug, thiserror::Error)]
pub enum DeploymentError {
    /// No file in any of the places searched.
    #[error("no deployment file found; looked in: {}", display_paths(looked_in))]
    NotFound {
        /// The places searched, in order.
        looked_in: Vec<PathBuf>,
    },
    /// The file given explicitly does not exist.
    #[error("{}: the deployment file does not exist", path.display())]
    Missing {
        /// The file given.
        path: PathBuf,
    },
    /// The file exists but cannot be read (permissions, not text…).
    #[error("{}: cannot read the deployment file: {source}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
    /// The file is not valid TOML, or not the deployment file's shape
    /// (a missing or unknown key, a wrong type).
    #[error("{}:{line}:{column}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column (in characters) of the problem.
        column: usize,
        /// What the TOML parser said.
        message: String,
    },
    /// The system-wide file, or its folder, could be changed by someone other
    /// than an administrator: whoever can write it chooses the server (and
    /// key) every account on the machine talks to, so it is not used.
    #[error("{}: not used, ordinary users could change it: {problem}", path.display())]
    Unprotected {
        /// The file.
        path: PathBuf,
        /// Who could write what, and how to fix it.
        problem: String,
    },
    /// A value parses but is not usable.
    #[error("{}: {field}: {problem}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The setting, such as `deployment_key` or `branding.accent_color`.
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
}

impl DeploymentError {
    /// A stable code for the UI (`not_found`, `missing`, `unreadable`,
    /// `unprotected`, `syntax`, `invalid`); never match on messages.
    pub fn code(&self) -> &'static str {
        match self {
            DeploymentError::NotFound { .. } => "not_found",
            DeploymentError::Missing { .. } => "missing",
            DeploymentError::Unreadable { .. } => "unreadable",
            DeploymentError::Unprotected { .. } => "unprotected",
            DeploymentError::Syntax { .. } => "syntax",
            DeploymentError::Invalid { .. } => "invalid",
        }
    }
}

/// The system-wide file must be writable by administrators only. On Unix:
/// the file and its folder (and, through a symlink, the real file and its
/// folder) owned by root and without group or world write permission. On
/// Windows the installer gives `%ProgramData%\Lifeline` an access list of
/// its own (src-tauri/windows/deployment-file.wxs); it is not checked here.
fn check_system_file(path: &Path) -> Result<(), DeploymentError> {
    #[cfg(unix)]
    {
        writable_only_by(path, 0).map_err(|problem| DeploymentError::Unprotected {
            path: path.to_path_buf(),
            problem,
        })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Whether only the user `owner` can change the file at `path`: it and its
/// folder, and the real file behind a symlink and that file's folder, belong
/// to `owner` and give no write permission to group or others. Says what is
/// wrong and the command that fixes it.
#[cfg(unix)]
fn writable_only_by(path: &Path, owner: u32) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt as _;

    let real = std::fs::canonicalize(path)
        .map_err(|error| format!("cannot resolve {}: {error}", path.display()))?;
    let mut checked = vec![path.to_path_buf()];
    checked.extend(path.parent().map(Path::to_path_buf));
    checked.push(real.clone());
    checked.extend(real.parent().map(Path::to_path_buf));
    for place in &checked {
        let meta = std::fs::metadata(place)
            .map_err(|error| format!("cannot inspect {}: {error}", place.display()))?;
        let mode = meta.mode() & 0o7777;
        if meta.uid() != owner {
            return Err(format!(
                "{} belongs to user id {}, not {}; make it the administrator's \
                 (chown root {})",
                place.display(),
                meta.uid(),
                if owner == 0 {
                    "root".to_owned()
                } else {
                    format!("user id {owner}")
                },
                place.display()
            ));
        }
        if mode & 0o022 != 0 {
            return Err(format!(
                "{} can be written by its group or by everyone (mode {mode:04o}); \
                 remove that permission (chmod go-w {})",
                place.display(),
                place.display()
            ));
        }
    }
    Ok(())
}

fn display_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "(no places configured)".to_owned();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn syntax_error(path: &Path, text: &str, error: &toml::de::Error) -> DeploymentError {
    let (line, column) = error
        .span()
        .map(|span| line_and_column(text, span.start))
        .unwrap_or((1, 1));
    DeploymentError::Syntax {
        path: path.to_path_buf(),
        line,
        column,
        message: error.message().trim().to_owned(),
    }
}

/// 1-based line and column of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// An `http(s)` URL with a host; plain `http://` only to this machine
/// unless the file says `allow_insecure_http = true` (the deployment key and
/// case tokens would otherwise cross the network readable by anyone on it).
fn check_server_url(text: &str, allow_insecure_http: bool) -> Result<(), String> {
    let url = Url::parse(text).map_err(|error| format!("not a URL ({error}): {text:?}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("must start with https:// or http://, not {text:?}"));
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(format!("has no host: {text:?}"));
    };
    if url.scheme() == "http" && !allow_insecure_http && !is_loopback(host) {
        return Err(format!(
            "{text:?} is plain http:// to another machine; use https://, or set \
             allow_insecure_http = true in the deployment file to accept an unencrypted connection"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("must not have a query or fragment: {text:?}"));
    }
    Ok(())
}

/// This machine: `localhost`, 127.0.0.0/8 or `::1` (a URL's host, IPv6 in brackets).
fn is_loopback(host: &str) -> bool {
    let ip = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || ip.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn check_deployment_key(key: &str) -> Result<(), String> {
    let Some(rest) = key.strip_prefix(DEPLOYMENT_KEY_PREFIX) else {
        return Err(format!("must start with {DEPLOYMENT_KEY_PREFIX}"));
    };
    if rest.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
        // Never echo the key itself: the message may end up in a log or a screenshot.
        return Err("must be the key the server gave, without spaces".to_owned());
    }
    Ok(())
}

fn check_branding(branding: &Branding) -> Result<(), (&'static str, String)> {
    if branding.company_name.trim().is_empty() {
        return Err(("branding.company_name", "must not be empty".to_owned()));
    }
    let color = &branding.accent_color;
    let is_rrggbb = color.len() == 7
        && color.starts_with('#')
        && color[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if !is_rrggbb {
        return Err((
            "branding.accent_color",
            format!("must be #rrggbb (such as #d7263d), not {color:?}"),
        ));
    }
    Ok(())
}

fn check_behaviour(behaviour: &Behaviour) -> Result<(), (&'static str, String)> {
    check_shortcut_name(&behaviour.shortcut_name)
        .map_err(|problem| ("behaviour.shortcut_name", problem))?;
    if let Language::Fixed(tag) = &behaviour.language {
        let is_tag = !tag.is_empty()
            && tag.len() <= 35
            && tag
                .split('-')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !is_tag {
            return Err((
                "behaviour.language",
                format!("must be auto or a language tag such as en or es-ES, not {tag:?}"),
            ));
        }
        // Strict, as for every other setting: a typo must show at the first
        // launch, not leave every machine in the wrong language.
        if lifeline_i18n::negotiate(tag).is_none() {
            let spoken: Vec<&str> = lifeline_i18n::LANGUAGES.iter().map(|l| l.tag).collect();
            return Err((
                "behaviour.language",
                format!(
                    "must be auto or a language the app speaks ({}), not {tag:?}",
                    spoken.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// The shortcut name becomes a file name on every OS, so it must be one on all of them.
fn check_shortcut_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("must not be empty".to_owned());
    }
    if name.chars().count() > SHORTCUT_NAME_MAX_CHARS {
        return Err(format!("at most {SHORTCUT_NAME_MAX_CHARS} characters"));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| c.is_control() || FORBIDDEN_IN_FILE_NAMES.contains(c))
    {
        return Err(format!(
            "{bad:?} cannot be part of a file name; use letters, digits, spaces, - or _"
        ));
    }
    // Windows drops trailing dots and spaces; a leading dot hides the file on Unix.
    if name != name.trim() || name.ends_with('.') || name.starts_with('.') {
        return Err("must not start with a dot or space, nor end with one".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r##"
server_url = "https://help.example.com"
deployment_key = "dk_abc123"

[branding]
company_name = "Acme IT"
accent_color = "#d7263d"

[behaviour]
language = "es"
autostart = true
enforce_shortcut = false
shortcut_name = "Acme SOS"
"##;

    fn parse(text: &str) -> Result<Deployment, DeploymentError> {
        Deployment::parse(
            text,
            Path::new("/etc/lifeline/deployment.toml"),
            DeploymentSource::System,
        )
    }

    fn problem_with(text: &str) -> String {
        match parse(text) {
            Ok(deployment) => panic!("expected an error, got {deployment:?}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn a_good_file_parses_with_every_setting() -> Result<(), DeploymentError> {
        let deployment = parse(GOOD)?;
        assert_eq!(deployment.server_url(), "https://help.example.com");
        assert_eq!(deployment.server_host(), "help.example.com");
        assert_eq!(deployment.deployment_key(), "dk_abc123");
        assert_eq!(deployment.branding().company_name, "Acme IT");
        assert_eq!(
            deployment.behaviour().language,
            Language::Fixed("es".into())
        );
        assert!(deployment.behaviour().autostart);
        assert_eq!(deployment.logo_path(), None);
        assert!(
            !format!("{deployment:?}").contains("dk_abc123"),
            "Debug leaves the key out"
        );
        Ok(())
    }

    #[test]
    fn only_the_server_url_and_key_are_required() -> Result<(), DeploymentError> {
        let deployment =
            parse("server_url = \"https://10.0.0.5:8080\"\ndeployment_key = \"dk_x\"\n")?;
        assert_eq!(deployment.behaviour().shortcut_name, "Lifeline SOS");
        assert_eq!(deployment.branding().accent_color, "#c62828");
        Ok(())
    }

    #[test]
    fn a_key_without_its_prefix_is_named_with_the_file() {
        let text = GOOD.replace("dk_abc123", "abc123");
        assert_eq!(
            problem_with(&text),
            "/etc/lifeline/deployment.toml: deployment_key: must start with dk_"
        );
    }

    #[test]
    fn each_bad_value_names_its_setting() {
        let cases = [
            (
                "https://help.example.com",
                "ftp://help.example.com",
                "server_url:",
            ),
            (
                "https://help.example.com",
                "help.example.com",
                "server_url:",
            ),
            ("#d7263d", "red", "branding.accent_color:"),
            ("#d7263d", "#d7263", "branding.accent_color:"),
            ("\"Acme SOS\"", "\"Acme/SOS\"", "behaviour.shortcut_name:"),
            ("\"Acme SOS\"", "\"  \"", "behaviour.shortcut_name:"),
            ("\"Acme SOS\"", "\"SOS.\"", "behaviour.shortcut_name:"),
            ("\"Acme IT\"", "\"\"", "branding.company_name:"),
            (
                "language = \"es\"",
                "language = \"e s\"",
                "behaviour.language:",
            ),
        ];
        for (good, bad, setting) in cases {
            let text = GOOD.replace(good, bad);
            let message = problem_with(&text);
            assert!(
                message.starts_with("/etc/lifeline/deployment.toml: ") && message.contains(setting),
                "{bad:?} should be refused naming the file and {setting}, got {message:?}"
            );
        }
    }

    #[test]
    fn a_language_the_app_does_not_speak_is_refused_naming_those_it_does() {
        let message = problem_with(&GOOD.replace("language = \"es\"", "language = \"sv\""));
        assert!(
            message.contains(
                "behaviour.language: must be auto or a language the app speaks (en, es, de, fr, pt-BR, it, ja, ar), not \"sv\""
            ),
            "{message}"
        );
        for spoken in ["auto", "ar", "ja-JP", "pt-PT", "de-CH"] {
            let text = GOOD.replace("language = \"es\"", &format!("language = \"{spoken}\""));
            assert!(parse(&text).is_ok(), "{spoken} is accepted");
        }
    }

    #[test]
    fn a_toml_error_gives_the_line_and_column() {
        let text = "server_url = \"https://help.example.com\"\ndeployment_key = dk_unquoted\n";
        match parse(text) {
            Err(DeploymentError::Syntax { line, column, .. }) => {
                assert_eq!(
                    (line, column),
                    (2, 18),
                    "the value after `deployment_key = `"
                );
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        let message = problem_with(text);
        assert!(
            message.starts_with("/etc/lifeline/deployment.toml:2:18: "),
            "{message}"
        );
    }

    #[test]
    fn an_unknown_or_missing_key_is_a_syntax_error_naming_it() {
        let unknown = format!("{GOOD}\n[extra]\nx = 1\n");
        assert!(
            problem_with(&unknown).contains("extra"),
            "unknown table named"
        );
        let missing = problem_with("server_url = \"https://help.example.com\"\n");
        assert!(missing.contains("deployment_key"), "{missing}");
    }

    #[test]
    fn plain_http_is_for_this_machine_unless_the_file_allows_it() -> Result<(), DeploymentError> {
        for local in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://localhost:3000/lifeline",
            "http://[::1]:8080",
        ] {
            parse(&GOOD.replace("https://help.example.com", local))?;
        }
        for remote in [
            "http://help.example.com",
            "http://10.0.0.5:8080",
            "http://[fe80::1]",
            "http://localhost.example.com",
        ] {
            let message = problem_with(&GOOD.replace("https://help.example.com", remote));
            assert!(
                message.starts_with("/etc/lifeline/deployment.toml: server_url: ")
                    && message.contains("allow_insecure_http = true"),
                "{remote}: {message}"
            );
        }
        let allowed = format!(
            "allow_insecure_http = true\n{}",
            GOOD.replace("https://help.example.com", "http://10.0.0.5:8080")
        );
        assert!(parse(&allowed)?.file().allow_insecure_http);
        Ok(())
    }

    #[cfg(unix)]
    mod system_file {
        use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _, symlink};

        use super::super::writable_only_by;

        fn chmod(path: &std::path::Path, mode: u32) {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
                .expect("chmod in a temporary folder");
        }

        /// A folder with a deployment file, both 0755/0644 as IT leaves them;
        /// and the user id that owns them (root when tests run as root).
        fn rolled_out() -> (tempfile::TempDir, std::path::PathBuf, u32) {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let file = dir.path().join("deployment.toml");
            std::fs::write(&file, "server_url = \"https://help.example.com\"\n").expect("a file");
            chmod(dir.path(), 0o755);
            chmod(&file, 0o644);
            let owner = std::fs::metadata(&file).expect("metadata").uid();
            (dir, file, owner)
        }

        #[test]
        fn a_file_only_its_owner_can_write_is_accepted() {
            let (_dir, file, owner) = rolled_out();
            assert_eq!(writable_only_by(&file, owner), Ok(()));
            chmod(&file, 0o600);
            assert_eq!(writable_only_by(&file, owner), Ok(()));
        }

        #[test]
        fn a_file_its_group_or_everyone_can_write_is_refused_with_the_fix() {
            let (_dir, file, owner) = rolled_out();
            for mode in [0o664, 0o646, 0o666] {
                chmod(&file, mode);
                let problem = writable_only_by(&file, owner).expect_err("refused");
                assert!(
                    problem.contains(&format!("mode {mode:04o}"))
                        && problem.contains(&format!("chmod go-w {}", file.display())),
                    "{problem}"
                );
            }
        }

        #[test]
        fn a_folder_others_can_write_is_refused_even_when_the_file_is_safe() {
            let (dir, file, owner) = rolled_out();
            chmod(dir.path(), 0o777);
            let problem = writable_only_by(&file, owner).expect_err("refused");
            assert!(
                problem.starts_with(&dir.path().display().to_string()),
                "{problem}"
            );
            assert!(problem.contains("mode 0777"), "{problem}");
        }

        #[test]
        fn a_file_of_another_owner_is_refused() {
            let (_dir, file, owner) = rolled_out();
            let problem = writable_only_by(&file, owner + 1).expect_err("refused");
            assert!(
                problem.contains(&format!("belongs to user id {owner}")),
                "{problem}"
            );
        }

        #[test]
        fn a_symlink_to_a_file_others_can_write_is_refused() {
            let (dir, _file, owner) = rolled_out();
            let elsewhere = tempfile::tempdir().expect("a temporary folder");
            let target = elsewhere.path().join("planted.toml");
            std::fs::write(&target, "").expect("a file");
            chmod(elsewhere.path(), 0o755);
            chmod(&target, 0o666);
            let link = dir.path().join("linked.toml");
            symlink(&target, &link).expect("a symlink");
            let problem = writable_only_by(&link, owner).expect_err("refused");
            assert!(problem.contains("mode 0666"), "{problem}");
        }
    }

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_and_column("ab\ncñd", 6), (2, 3));
        assert_eq!(line_and_column("x", 0), (1, 1));
    }
}
