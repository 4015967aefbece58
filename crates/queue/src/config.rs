//! Configuration: defaults < `lifeline-queue.toml` < `LIFELINE_*` environment.
//! Every value is checked at start-up; an error names the setting and the value.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::num::{NonZeroU32, NonZeroUsize};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::client_addr::TrustedProxies;
use crate::credentials::ServerSecret;
use crate::database_url::DatabaseUrl;
use crate::email::smtp::{SmtpSettings, SmtpUrl};
use crate::public_url::PublicUrl;
use crate::upgrade::BeforeMigrating;

/// The name of the config file looked for in the working directory.
pub const CONFIG_FILE_NAME: &str = "lifeline-queue.toml";

/// The config file the server package installs, read when no other is
/// named and the working directory holds none.
pub const SYSTEM_CONFIG_FILE: &str = "/etc/lifeline-queue/lifeline-queue.toml";

/// The config file to read: `explicit` (`--config`, else `LIFELINE_CONFIG`)
/// whether or not it exists (reading it then says it is missing), else
/// [`CONFIG_FILE_NAME`] in `working_dir`, else `system`
/// ([`SYSTEM_CONFIG_FILE`]), else none: defaults and the environment only.
pub fn find_config_file(
    explicit: Option<&Path>,
    working_dir: &Path,
    system: &Path,
) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    let local = working_dir.join(CONFIG_FILE_NAME);
    if local.is_file() {
        return Some(local);
    }
    system.is_file().then(|| system.to_path_buf())
}

/// How many requests of one kind one address (or key) may make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimit {
    /// No limit (benchmarks and load tests).
    Off,
    /// At most this many per period.
    Every { count: NonZeroU32, period: Duration },
}

/// The server's validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// `sqlite://…` or `postgres://…`; shows without its password.
    pub database_url: DatabaseUrl,
    /// How long a case stays open before it expires.
    pub case_ttl: Duration,
    /// Where the database and the server secret live.
    pub data_dir: PathBuf,
    /// Per-address limit on create and join requests with a missing or
    /// wrong credential, and the default of the three per-purpose limits.
    pub rate_limit_per_ip: RateLimit,
    /// Per-address limit on case creation with a valid deployment key.
    pub rate_limit_create: RateLimit,
    /// Per-address limit on code entry with a valid deployment key.
    pub rate_limit_join: RateLimit,
    /// Per-address limit on console sign-in attempts.
    pub rate_limit_sign_in: RateLimit,
    /// Per-deployment-key limit on create and join together.
    pub rate_limit_per_key: RateLimit,
    /// Proxies whose `X-Forwarded-For` / `Forwarded` are believed.
    pub trusted_proxies: TrustedProxies,
    /// How long a client may take to send a request's headers.
    pub header_read_timeout: Duration,
    /// How long a request body may pause between two pieces.
    pub request_body_timeout: Duration,
    /// How long a request may take until its answer starts (event streams
    /// and sessions run on after that).
    pub request_timeout: Duration,
    /// Requests handled at once; more get 503.
    pub max_concurrent_requests: NonZeroUsize,
    /// Read connections one instance keeps to PostgreSQL at most (besides
    /// its writer's); unused on SQLite.
    pub database_pool_size: NonZeroUsize,
    /// How long the code of a manual case nobody has claimed can be joined.
    pub manual_code_ttl: Duration,
    /// Join attempts with a wrong code allowed from all addresses together.
    pub failed_join_budget: RateLimit,
    /// How often an expert's open event streams and session sockets re-check
    /// that the expert is active and still sees the case (at most a minute).
    pub live_access_recheck: Duration,
    /// Secret from which case tokens are derived; read from `<data_dir>/secret.key`
    /// when not given (several instances behind PostgreSQL must share one).
    pub secret_key: Option<ServerSecret>,
    /// Where browsers reach the console (behind a proxy): its origin is the
    /// one console requests must come from, and `https` makes the session
    /// cookie `__Host-` and `Secure`. `None`: the `Host` each request names.
    pub public_url: Option<PublicUrl>,
    /// Where expert emails go out (`smtp_url`, `smtp_from`, `smtp_ca_file`);
    /// `None`: no email is sent.
    pub smtp: Option<SmtpSettings>,
    /// What to do before migrating a database an older server made:
    /// `migration_backup_dir` backs it up into a new folder there; without
    /// it the server refuses (the command line's `--backup-to DIR` and
    /// `--no-backup` override both).
    pub before_migrating: BeforeMigrating,
}

/// A setting with a bad value, or an unreadable config file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A setting's value does not parse.
    #[error("invalid {setting} ({env}) {value:?}: {reason}")]
    Invalid {
        setting: &'static str,
        env: &'static str,
        value: String,
        reason: String,
    },
    /// The config file cannot be read or parsed.
    #[error("{path}: {reason}")]
    File { path: PathBuf, reason: String },
}

/// The config file's shape: every key optional, unknown keys refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    database_url: Option<String>,
    case_ttl: Option<String>,
    data_dir: Option<String>,
    rate_limit_per_ip: Option<String>,
    rate_limit_create: Option<String>,
    rate_limit_join: Option<String>,
    rate_limit_sign_in: Option<String>,
    rate_limit_per_key: Option<String>,
    trusted_proxies: Option<TextList>,
    header_read_timeout: Option<String>,
    request_body_timeout: Option<String>,
    request_timeout: Option<String>,
    max_concurrent_requests: Option<TextOrNumber>,
    database_pool_size: Option<TextOrNumber>,
    manual_code_ttl: Option<String>,
    failed_join_budget: Option<String>,
    live_access_recheck: Option<String>,
    secret_key: Option<String>,
    public_url: Option<String>,
    smtp_url: Option<String>,
    smtp_from: Option<String>,
    smtp_ca_file: Option<String>,
    migration_backup_dir: Option<String>,
}

/// A list in the file (`["10.0.0.0/8", "::1"]`), or comma-separated text as
/// in the environment.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum TextList {
    Many(Vec<String>),
    One(String),
}

impl TextList {
    fn joined(self) -> String {
        match self {
            TextList::Many(items) => items.join(","),
            TextList::One(text) => text,
        }
    }
}

/// A number in the file, or its text as in the environment.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum TextOrNumber {
    Number(i64),
    Text(String),
}

impl TextOrNumber {
    fn text(self) -> String {
        match self {
            TextOrNumber::Number(n) => n.to_string(),
            TextOrNumber::Text(text) => text,
        }
    }
}

struct Setting {
    name: &'static str,
    env: &'static str,
}

const LISTEN: Setting = Setting {
    name: "listen",
    env: "LIFELINE_LISTEN",
};
const DATABASE_URL: Setting = Setting {
    name: "database_url",
    env: "LIFELINE_DATABASE_URL",
};
const CASE_TTL: Setting = Setting {
    name: "case_ttl",
    env: "LIFELINE_CASE_TTL",
};
const DATA_DIR: Setting = Setting {
    name: "data_dir",
    env: "LIFELINE_DATA_DIR",
};
const RATE_LIMIT: Setting = Setting {
    name: "rate_limit_per_ip",
    env: "LIFELINE_RATE_LIMIT_PER_IP",
};
const RATE_LIMIT_CREATE: Setting = Setting {
    name: "rate_limit_create",
    env: "LIFELINE_RATE_LIMIT_CREATE",
};
const RATE_LIMIT_JOIN: Setting = Setting {
    name: "rate_limit_join",
    env: "LIFELINE_RATE_LIMIT_JOIN",
};
const RATE_LIMIT_SIGN_IN: Setting = Setting {
    name: "rate_limit_sign_in",
    env: "LIFELINE_RATE_LIMIT_SIGN_IN",
};
const RATE_LIMIT_PER_KEY: Setting = Setting {
    name: "rate_limit_per_key",
    env: "LIFELINE_RATE_LIMIT_PER_KEY",
};
const TRUSTED_PROXIES: Setting = Setting {
    name: "trusted_proxies",
    env: "LIFELINE_TRUSTED_PROXIES",
};
const HEADER_READ_TIMEOUT: Setting = Setting {
    name: "header_read_timeout",
    env: "LIFELINE_HEADER_READ_TIMEOUT",
};
const REQUEST_BODY_TIMEOUT: Setting = Setting {
    name: "request_body_timeout",
    env: "LIFELINE_REQUEST_BODY_TIMEOUT",
};
const REQUEST_TIMEOUT: Setting = Setting {
    name: "request_timeout",
    env: "LIFELINE_REQUEST_TIMEOUT",
};
const MAX_CONCURRENT_REQUESTS: Setting = Setting {
    name: "max_concurrent_requests",
    env: "LIFELINE_MAX_CONCURRENT_REQUESTS",
};
const DATABASE_POOL_SIZE: Setting = Setting {
    name: "database_pool_size",
    env: "LIFELINE_DATABASE_POOL_SIZE",
};
const MANUAL_CODE_TTL: Setting = Setting {
    name: "manual_code_ttl",
    env: "LIFELINE_MANUAL_CODE_TTL",
};
const FAILED_JOIN_BUDGET: Setting = Setting {
    name: "failed_join_budget",
    env: "LIFELINE_FAILED_JOIN_BUDGET",
};
const LIVE_ACCESS_RECHECK: Setting = Setting {
    name: "live_access_recheck",
    env: "LIFELINE_LIVE_ACCESS_RECHECK",
};
const SECRET_KEY: Setting = Setting {
    name: "secret_key",
    env: "LIFELINE_SECRET_KEY",
};
const MIGRATION_BACKUP_DIR: Setting = Setting {
    name: "migration_backup_dir",
    env: "LIFELINE_MIGRATION_BACKUP_DIR",
};
const PUBLIC_URL: Setting = Setting {
    name: "public_url",
    env: "LIFELINE_PUBLIC_URL",
};
const SMTP_URL: Setting = Setting {
    name: "smtp_url",
    env: "LIFELINE_SMTP_URL",
};
const SMTP_FROM: Setting = Setting {
    name: "smtp_from",
    env: "LIFELINE_SMTP_FROM",
};
const SMTP_CA_FILE: Setting = Setting {
    name: "smtp_ca_file",
    env: "LIFELINE_SMTP_CA_FILE",
};

/// A per-key budget generous for one company's customers, tight for a
/// stolen key flooding the queue.
const DEFAULT_PER_KEY: RateLimit = RateLimit::Every {
    count: NonZeroU32::new(600).expect("600 is not zero"),
    period: Duration::from_secs(60),
};

/// Read connections per instance unless configured: enough for the reads
/// of a busy instance, few enough that several instances stay well inside
/// PostgreSQL's default `max_connections` (100).
const DEFAULT_DATABASE_POOL_SIZE: NonZeroUsize = NonZeroUsize::new(16).expect("16 is not zero");

/// More read connections than this is a typo, not a plan: PostgreSQL's own
/// default `max_connections` is 100 for all instances together.
const MAX_DATABASE_POOL_SIZE: usize = 1000;

impl Setting {
    /// A rate limit, or `default` when unset.
    fn rate_limit(
        &self,
        value: Option<String>,
        default: RateLimit,
    ) -> Result<RateLimit, ConfigError> {
        match value {
            Some(text) => parse_rate_limit(&text).map_err(|reason| self.invalid(&text, reason)),
            None => Ok(default),
        }
    }

    /// A timeout of at least a second, or `default` when unset.
    fn timeout(&self, value: Option<String>, default: Duration) -> Result<Duration, ConfigError> {
        let Some(text) = value else {
            return Ok(default);
        };
        let timeout = parse_duration(&text).map_err(|reason| self.invalid(&text, reason))?;
        if timeout < Duration::from_secs(1) {
            return Err(self.invalid(&text, "must be at least 1s"));
        }
        Ok(timeout)
    }

    fn invalid(&self, value: &str, reason: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            setting: self.name,
            env: self.env,
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

impl Config {
    /// Loads defaults, then `file` if given, then `env` (`LIFELINE_*` names).
    pub fn load(file: Option<&Path>, env: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let from_file = match file {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let pick = |setting: &Setting, file_value: Option<String>| {
            env.get(setting.env).cloned().or(file_value)
        };

        let data_dir = match pick(&DATA_DIR, from_file.data_dir) {
            Some(dir) if dir.trim().is_empty() => {
                return Err(DATA_DIR.invalid(&dir, "must not be empty"));
            }
            Some(dir) => PathBuf::from(dir),
            None => default_data_dir(),
        };

        let listen = match pick(&LISTEN, from_file.listen) {
            Some(text) => text
                .parse()
                .map_err(|_| LISTEN.invalid(&text, "expected address:port, e.g. 127.0.0.1:8080"))?,
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
        };

        let database_url = match pick(&DATABASE_URL, from_file.database_url) {
            // The error holds the URL without its password; the value is not echoed again.
            Some(url) => {
                DatabaseUrl::parse(&url).map_err(|e| DATABASE_URL.invalid("…", e.to_string()))?
            }
            None => DatabaseUrl::sqlite(data_dir.join("lifeline.db")),
        };

        let case_ttl = match pick(&CASE_TTL, from_file.case_ttl) {
            Some(text) => {
                let ttl =
                    parse_duration(&text).map_err(|reason| CASE_TTL.invalid(&text, reason))?;
                if ttl < Duration::from_secs(1) {
                    return Err(CASE_TTL.invalid(&text, "must be at least 1s"));
                }
                ttl
            }
            None => Duration::from_secs(24 * 60 * 60),
        };

        let rate_limit_per_ip = match pick(&RATE_LIMIT, from_file.rate_limit_per_ip) {
            Some(text) => {
                parse_rate_limit(&text).map_err(|reason| RATE_LIMIT.invalid(&text, reason))?
            }
            None => RateLimit::Every {
                count: NonZeroU32::new(30).expect("30 is not zero"),
                period: Duration::from_secs(60),
            },
        };

        // Unset per-purpose limits follow rate_limit_per_ip, so existing
        // configurations keep their numbers (and `off` still turns all off).
        let rate_limit_create = RATE_LIMIT_CREATE.rate_limit(
            pick(&RATE_LIMIT_CREATE, from_file.rate_limit_create),
            rate_limit_per_ip,
        )?;
        let rate_limit_join = RATE_LIMIT_JOIN.rate_limit(
            pick(&RATE_LIMIT_JOIN, from_file.rate_limit_join),
            rate_limit_per_ip,
        )?;
        let rate_limit_sign_in = RATE_LIMIT_SIGN_IN.rate_limit(
            pick(&RATE_LIMIT_SIGN_IN, from_file.rate_limit_sign_in),
            rate_limit_per_ip,
        )?;
        let rate_limit_per_key = RATE_LIMIT_PER_KEY.rate_limit(
            pick(&RATE_LIMIT_PER_KEY, from_file.rate_limit_per_key),
            match rate_limit_per_ip {
                RateLimit::Off => RateLimit::Off,
                RateLimit::Every { .. } => DEFAULT_PER_KEY,
            },
        )?;

        let trusted_proxies = match pick(
            &TRUSTED_PROXIES,
            from_file.trusted_proxies.map(TextList::joined),
        ) {
            Some(text) => TrustedProxies::parse(text.split(','))
                .map_err(|reason| TRUSTED_PROXIES.invalid(&text, reason))?,
            None => TrustedProxies::default(),
        };

        let header_read_timeout = HEADER_READ_TIMEOUT.timeout(
            pick(&HEADER_READ_TIMEOUT, from_file.header_read_timeout),
            Duration::from_secs(20),
        )?;
        let request_body_timeout = REQUEST_BODY_TIMEOUT.timeout(
            pick(&REQUEST_BODY_TIMEOUT, from_file.request_body_timeout),
            Duration::from_secs(20),
        )?;
        let request_timeout = REQUEST_TIMEOUT.timeout(
            pick(&REQUEST_TIMEOUT, from_file.request_timeout),
            Duration::from_secs(60),
        )?;
        let max_concurrent_requests = match pick(
            &MAX_CONCURRENT_REQUESTS,
            from_file.max_concurrent_requests.map(TextOrNumber::text),
        ) {
            Some(text) => text.trim().parse::<NonZeroUsize>().map_err(|_| {
                MAX_CONCURRENT_REQUESTS.invalid(&text, "expected a whole number of at least 1")
            })?,
            None => NonZeroUsize::new(1024).expect("1024 is not zero"),
        };
        let database_pool_size = match pick(
            &DATABASE_POOL_SIZE,
            from_file.database_pool_size.map(TextOrNumber::text),
        ) {
            Some(text) => text
                .trim()
                .parse::<NonZeroUsize>()
                .ok()
                .filter(|size| size.get() <= MAX_DATABASE_POOL_SIZE)
                .ok_or_else(|| {
                    DATABASE_POOL_SIZE.invalid(
                        &text,
                        format!("expected a whole number from 1 to {MAX_DATABASE_POOL_SIZE}"),
                    )
                })?,
            None => DEFAULT_DATABASE_POOL_SIZE,
        };

        let manual_code_ttl = match pick(&MANUAL_CODE_TTL, from_file.manual_code_ttl) {
            Some(text) => {
                let ttl = parse_duration(&text)
                    .map_err(|reason| MANUAL_CODE_TTL.invalid(&text, reason))?;
                if ttl < Duration::from_secs(1) {
                    return Err(MANUAL_CODE_TTL.invalid(&text, "must be at least 1s"));
                }
                ttl
            }
            None => Duration::from_secs(15 * 60),
        };

        let failed_join_budget = match pick(&FAILED_JOIN_BUDGET, from_file.failed_join_budget) {
            Some(text) => parse_rate_limit(&text)
                .map_err(|reason| FAILED_JOIN_BUDGET.invalid(&text, reason))?,
            None => RateLimit::Every {
                count: NonZeroU32::new(100).expect("100 is not zero"),
                period: Duration::from_secs(60),
            },
        };

        let live_access_recheck = match pick(&LIVE_ACCESS_RECHECK, from_file.live_access_recheck) {
            Some(text) => {
                let every = parse_duration(&text)
                    .map_err(|reason| LIVE_ACCESS_RECHECK.invalid(&text, reason))?;
                if every < Duration::from_secs(1) || every > Duration::from_secs(60) {
                    return Err(LIVE_ACCESS_RECHECK.invalid(&text, "must be from 1s to 60s"));
                }
                every
            }
            None => Duration::from_secs(30),
        };

        let secret_key = match pick(&SECRET_KEY, from_file.secret_key) {
            // The value is secret: the error does not echo it.
            Some(text) => Some(
                ServerSecret::from_hex(&text).map_err(|reason| SECRET_KEY.invalid("…", reason))?,
            ),
            None => None,
        };

        let public_url = match pick(&PUBLIC_URL, from_file.public_url) {
            Some(text) => {
                Some(PublicUrl::parse(&text).map_err(|reason| PUBLIC_URL.invalid(&text, reason))?)
            }
            None => None,
        };

        let smtp = smtp_settings(
            pick(&SMTP_URL, from_file.smtp_url),
            pick(&SMTP_FROM, from_file.smtp_from),
            pick(&SMTP_CA_FILE, from_file.smtp_ca_file),
        )?;
        let before_migrating = match pick(&MIGRATION_BACKUP_DIR, from_file.migration_backup_dir) {
            Some(dir) if dir.trim().is_empty() => {
                return Err(MIGRATION_BACKUP_DIR.invalid(&dir, "must not be empty"));
            }
            Some(dir) => BeforeMigrating::BackUpInto(PathBuf::from(dir)),
            None => BeforeMigrating::Refuse,
        };

        Ok(Config {
            listen,
            database_url,
            case_ttl,
            data_dir,
            rate_limit_per_ip,
            rate_limit_create,
            rate_limit_join,
            rate_limit_sign_in,
            rate_limit_per_key,
            trusted_proxies,
            header_read_timeout,
            request_body_timeout,
            request_timeout,
            max_concurrent_requests,
            database_pool_size,
            manual_code_ttl,
            failed_join_budget,
            live_access_recheck,
            secret_key,
            public_url,
            smtp,
            before_migrating,
        })
    }
}

/// `smtp_url`, `smtp_from` and `smtp_ca_file` together: all or none of the
/// first two. The URL's password is never echoed in an error.
fn smtp_settings(
    url: Option<String>,
    from: Option<String>,
    ca_file: Option<String>,
) -> Result<Option<SmtpSettings>, ConfigError> {
    let Some(text) = url else {
        if let Some(from) = from {
            return Err(SMTP_FROM.invalid(&from, "set smtp_url too, or remove smtp_from"));
        }
        if let Some(file) = ca_file {
            return Err(SMTP_CA_FILE.invalid(&file, "set smtp_url too, or remove smtp_ca_file"));
        }
        return Ok(None);
    };
    let url = SmtpUrl::parse(&text).map_err(|reason| SMTP_URL.invalid("…", reason))?;
    let Some(from_text) = from else {
        return Err(SMTP_FROM.invalid(
            "",
            "smtp_url is set: say which address expert emails come from, e.g. \
             \"Lifeline <lifeline@example.com>\"",
        ));
    };
    let from = from_text
        .parse()
        .map_err(|e| SMTP_FROM.invalid(&from_text, format!("not an email address: {e}")))?;
    let extra_roots = match ca_file {
        Some(file) => {
            let pem = std::fs::read(&file)
                .map_err(|e| SMTP_CA_FILE.invalid(&file, format!("cannot read it: {e}")))?;
            if lettre::transport::smtp::client::Certificate::from_pem(&pem).is_err()
                || !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----")
            {
                return Err(SMTP_CA_FILE.invalid(&file, "expected PEM certificates"));
            }
            Some(pem)
        }
        None => None,
    };
    Ok(Some(SmtpSettings {
        url,
        from,
        extra_roots,
    }))
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::File {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::File {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// The OS data dir's `lifeline-queue` folder, or `./data` where there is none.
fn default_data_dir() -> PathBuf {
    dirs::data_dir()
        .map(|d| d.join("lifeline-queue"))
        .unwrap_or_else(|| PathBuf::from("data"))
}

/// Parses `90s`, `15m`, `24h`, `7d`, `500ms`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| "expected a number and a unit, e.g. 90s, 15m, 24h".to_string())?;
    let seconds_per_unit = match unit.trim() {
        "ms" => return Ok(Duration::from_millis(number)),
        "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err("unit must be ms, s, m, h or d, e.g. 90s".into()),
    };
    number
        .checked_mul(seconds_per_unit)
        .map(Duration::from_secs)
        .ok_or_else(|| "too large".into())
}

/// Parses `off`, `30/min`, `5/s`, `100/h`.
pub fn parse_rate_limit(text: &str) -> Result<RateLimit, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") {
        return Ok(RateLimit::Off);
    }
    let (count, per) = text
        .split_once('/')
        .ok_or_else(|| "expected COUNT/PERIOD such as 30/min, or off".to_string())?;
    let count: u32 = count
        .trim()
        .parse()
        .map_err(|_| "count must be a whole number".to_string())?;
    let count = NonZeroU32::new(count)
        .ok_or_else(|| "count must be at least 1 (use off to disable)".to_string())?;
    let period = match per.trim() {
        "s" | "sec" | "second" => Duration::from_secs(1),
        "m" | "min" | "minute" => Duration::from_secs(60),
        "h" | "hour" => Duration::from_secs(3600),
        _ => return Err("period must be s, min or h".into()),
    };
    Ok(RateLimit::Every { count, period })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let config = Config::load(None, &env(&[("LIFELINE_DATA_DIR", "/tmp/x")]))
            .expect("defaults are valid");
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.case_ttl, Duration::from_secs(86_400));
        assert_eq!(config.database_url, "sqlite:///tmp/x/lifeline.db");
        assert!(
            matches!(config.rate_limit_per_ip, RateLimit::Every { count, .. } if count.get() == 30)
        );
        assert_eq!(config.public_url, None);
        assert_eq!(config.manual_code_ttl, Duration::from_secs(15 * 60));
        assert_eq!(
            config.failed_join_budget,
            RateLimit::Every {
                count: NonZeroU32::new(100).expect("nonzero"),
                period: Duration::from_secs(60)
            }
        );
    }

    #[test]
    fn the_join_settings_are_read_and_checked() {
        let config = Config::load(
            None,
            &env(&[
                ("LIFELINE_MANUAL_CODE_TTL", "5m"),
                ("LIFELINE_FAILED_JOIN_BUDGET", "off"),
            ]),
        )
        .expect("valid");
        assert_eq!(config.manual_code_ttl, Duration::from_secs(300));
        assert_eq!(config.failed_join_budget, RateLimit::Off);
        let err = Config::load(None, &env(&[("LIFELINE_MANUAL_CODE_TTL", "0s")]))
            .expect_err("a code that lapses at once");
        assert!(
            err.to_string().contains("manual_code_ttl")
                && err.to_string().contains("LIFELINE_MANUAL_CODE_TTL"),
            "{err}"
        );
        let err = Config::load(None, &env(&[("LIFELINE_FAILED_JOIN_BUDGET", "lots")]))
            .expect_err("not a budget");
        assert!(err.to_string().contains("failed_join_budget"), "{err}");
    }

    #[test]
    fn the_migration_backup_dir_is_refused_empty_and_refusing_is_the_default() {
        let config = Config::load(None, &env(&[])).expect("defaults are valid");
        assert_eq!(config.before_migrating, BeforeMigrating::Refuse);
        let config = Config::load(
            None,
            &env(&[("LIFELINE_MIGRATION_BACKUP_DIR", "/var/backups/lifeline")]),
        )
        .expect("valid");
        assert_eq!(
            config.before_migrating,
            BeforeMigrating::BackUpInto(PathBuf::from("/var/backups/lifeline"))
        );
        let err = Config::load(None, &env(&[("LIFELINE_MIGRATION_BACKUP_DIR", " ")]))
            .expect_err("no folder");
        assert!(err.to_string().contains("migration_backup_dir"), "{err}");
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(CONFIG_FILE_NAME);
        std::fs::write(&path, "case_ttl = \"1h\"\nlisten = \"127.0.0.1:9000\"\n").expect("write");
        let config =
            Config::load(Some(&path), &env(&[("LIFELINE_CASE_TTL", "90s")])).expect("valid");
        assert_eq!(
            config.case_ttl,
            Duration::from_secs(90),
            "env wins over the file"
        );
        assert_eq!(config.listen.port(), 9000, "the file wins over defaults");
    }

    #[test]
    fn errors_name_the_setting_and_the_value() {
        let err = Config::load(None, &env(&[("LIFELINE_CASE_TTL", "soon")])).expect_err("bad ttl");
        let message = err.to_string();
        assert!(
            message.contains("case_ttl")
                && message.contains("LIFELINE_CASE_TTL")
                && message.contains("soon"),
            "{message}"
        );
        let err = Config::load(None, &env(&[("LIFELINE_RATE_LIMIT_PER_IP", "0/min")]))
            .expect_err("zero rate");
        assert!(err.to_string().contains("rate_limit_per_ip"), "{err}");
        let err =
            Config::load(None, &env(&[("LIFELINE_LISTEN", "nowhere")])).expect_err("bad listen");
        assert!(err.to_string().contains("listen"), "{err}");
        let err = Config::load(
            None,
            &env(&[("LIFELINE_PUBLIC_URL", "help.example.com/console")]),
        )
        .expect_err("not a URL");
        assert!(
            err.to_string().contains("public_url")
                && err.to_string().contains("LIFELINE_PUBLIC_URL"),
            "{err}"
        );
    }

    #[test]
    fn the_live_access_recheck_defaults_to_30_s_and_stays_within_a_minute() {
        let config = Config::load(None, &env(&[("LIFELINE_DATA_DIR", "/tmp/x")])).expect("valid");
        assert_eq!(config.live_access_recheck, Duration::from_secs(30));
        let config = Config::load(None, &env(&[("LIFELINE_LIVE_ACCESS_RECHECK", "1s")]))
            .expect("one second is valid");
        assert_eq!(config.live_access_recheck, Duration::from_secs(1));
        for bad in ["2m", "500ms", "often"] {
            let err = Config::load(None, &env(&[("LIFELINE_LIVE_ACCESS_RECHECK", bad)]))
                .expect_err("out of range");
            assert!(err.to_string().contains("live_access_recheck"), "{err}");
        }
    }

    #[test]
    fn a_bad_database_url_is_refused_without_its_password() {
        let err = Config::load(
            None,
            &env(&[("LIFELINE_DATABASE_URL", "mysql://root:hunter2@db/queue")]),
        )
        .expect_err("mysql is not ours");
        let message = err.to_string();
        assert!(
            message.contains("database_url") && message.contains("mysql://root:***@db/queue"),
            "{message}"
        );
        assert!(!message.contains("hunter2"), "{message}");
        let config = Config::load(
            None,
            &env(&[("LIFELINE_DATABASE_URL", "postgres://q:hunter2@db/queue")]),
        )
        .expect("a postgres URL is a valid setting");
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(CONFIG_FILE_NAME);
        std::fs::write(&path, "case_tll = \"1h\"\n").expect("write");
        let err = Config::load(Some(&path), &HashMap::new()).expect_err("typo");
        assert!(err.to_string().contains("case_tll"), "{err}");
    }

    #[test]
    fn unset_purpose_limits_follow_rate_limit_per_ip() {
        let config = Config::load(
            None,
            &env(&[
                ("LIFELINE_RATE_LIMIT_PER_IP", "10/min"),
                ("LIFELINE_RATE_LIMIT_SIGN_IN", "5/min"),
            ]),
        )
        .expect("valid");
        let ten = parse_rate_limit("10/min").expect("a rate");
        assert_eq!(config.rate_limit_create, ten);
        assert_eq!(config.rate_limit_join, ten);
        assert_eq!(
            config.rate_limit_sign_in,
            parse_rate_limit("5/min").expect("a rate")
        );
        assert_eq!(config.rate_limit_per_key, DEFAULT_PER_KEY);
        let off =
            Config::load(None, &env(&[("LIFELINE_RATE_LIMIT_PER_IP", "off")])).expect("valid");
        assert!(
            [
                off.rate_limit_create,
                off.rate_limit_join,
                off.rate_limit_sign_in,
                off.rate_limit_per_key
            ]
            .iter()
            .all(|limit| *limit == RateLimit::Off),
            "off still turns every unset limit off"
        );
        let err = Config::load(None, &env(&[("LIFELINE_RATE_LIMIT_PER_KEY", "lots")]))
            .expect_err("bad rate");
        assert!(err.to_string().contains("rate_limit_per_key"), "{err}");
    }

    #[test]
    fn proxies_and_timeouts_load_from_file_and_environment() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(CONFIG_FILE_NAME);
        std::fs::write(
            &path,
            "trusted_proxies = [\"10.0.0.0/8\", \"::1/128\"]\nmax_concurrent_requests = 64\nrequest_timeout = \"30s\"\n",
        )
        .expect("write");
        let config = Config::load(Some(&path), &HashMap::new()).expect("valid");
        assert_eq!(
            config.trusted_proxies,
            TrustedProxies::parse(["10.0.0.0/8", "::1/128"]).expect("ranges")
        );
        assert_eq!(config.max_concurrent_requests.get(), 64);
        assert_eq!(config.request_timeout, Duration::from_secs(30));
        assert_eq!(
            config.header_read_timeout,
            Duration::from_secs(20),
            "default"
        );
        let config = Config::load(
            Some(&path),
            &env(&[("LIFELINE_TRUSTED_PROXIES", "192.0.2.0/24, 2001:db8::/32")]),
        )
        .expect("valid");
        assert_eq!(
            config.trusted_proxies,
            TrustedProxies::parse(["192.0.2.0/24", "2001:db8::/32"]).expect("ranges")
        );
        for (key, value, setting) in [
            ("LIFELINE_TRUSTED_PROXIES", "10.0.0.0/40", "trusted_proxies"),
            (
                "LIFELINE_HEADER_READ_TIMEOUT",
                "500ms",
                "header_read_timeout",
            ),
            (
                "LIFELINE_MAX_CONCURRENT_REQUESTS",
                "0",
                "max_concurrent_requests",
            ),
        ] {
            let err = Config::load(None, &env(&[(key, value)])).expect_err("a bad value");
            assert!(err.to_string().contains(setting), "{err}");
        }
    }

    #[test]
    fn the_database_pool_size_defaults_to_16_and_is_checked() {
        let config = Config::load(None, &env(&[("LIFELINE_DATA_DIR", "/tmp/x")])).expect("valid");
        assert_eq!(config.database_pool_size.get(), 16);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(CONFIG_FILE_NAME);
        std::fs::write(&path, "database_pool_size = 4\n").expect("write");
        let config = Config::load(Some(&path), &HashMap::new()).expect("valid");
        assert_eq!(config.database_pool_size.get(), 4, "from the file");
        let config = Config::load(Some(&path), &env(&[("LIFELINE_DATABASE_POOL_SIZE", "40")]))
            .expect("valid");
        assert_eq!(config.database_pool_size.get(), 40, "env wins");
        for bad in ["0", "-3", "many", "1001"] {
            let err = Config::load(None, &env(&[("LIFELINE_DATABASE_POOL_SIZE", bad)]))
                .expect_err("a bad pool size");
            let message = err.to_string();
            assert!(
                message.contains("database_pool_size")
                    && message.contains("LIFELINE_DATABASE_POOL_SIZE")
                    && message.contains(bad),
                "{message}"
            );
        }
    }

    #[test]
    fn smtp_settings_come_together_and_never_echo_the_password() {
        let config = Config::load(None, &env(&[("LIFELINE_DATA_DIR", "/tmp/x")])).expect("valid");
        assert!(config.smtp.is_none(), "no email unless configured");

        let config = Config::load(
            None,
            &env(&[
                ("LIFELINE_DATA_DIR", "/tmp/x"),
                (
                    "LIFELINE_SMTP_URL",
                    "smtps://relay:hunter2@mail.example.com",
                ),
                ("LIFELINE_SMTP_FROM", "Lifeline <lifeline@example.com>"),
            ]),
        )
        .expect("valid");
        let smtp = config.smtp.expect("configured");
        assert_eq!(smtp.from.email.to_string(), "lifeline@example.com");
        assert!(!format!("{smtp:?}").contains("hunter2"));

        let cases: [(&[(&str, &str)], &str); 5] = [
            (
                &[("LIFELINE_SMTP_URL", "smtp://relay:hunter2@mail.example.com")],
                "smtp_from",
            ),
            (
                &[
                    ("LIFELINE_SMTP_URL", "ftp://relay:hunter2@mail.example.com"),
                    ("LIFELINE_SMTP_FROM", "lifeline@example.com"),
                ],
                "LIFELINE_SMTP_URL",
            ),
            (
                &[
                    ("LIFELINE_SMTP_URL", "smtp://mail.example.com"),
                    ("LIFELINE_SMTP_FROM", "not an address"),
                ],
                "LIFELINE_SMTP_FROM",
            ),
            (
                &[("LIFELINE_SMTP_FROM", "lifeline@example.com")],
                "smtp_url too",
            ),
            (
                &[
                    ("LIFELINE_SMTP_URL", "smtp://mail.example.com"),
                    ("LIFELINE_SMTP_FROM", "lifeline@example.com"),
                    ("LIFELINE_SMTP_CA_FILE", "/nonexistent/ca.pem"),
                ],
                "LIFELINE_SMTP_CA_FILE",
            ),
        ];
        for (pairs, named) in cases {
            let mut pairs = pairs.to_vec();
            pairs.push(("LIFELINE_DATA_DIR", "/tmp/x"));
            let err = Config::load(None, &env(&pairs)).expect_err("refused");
            let message = err.to_string();
            assert!(message.contains(named), "{pairs:?}: {message}");
            assert!(!message.contains("hunter2"), "{message}");
        }
    }

    #[test]
    fn the_config_file_is_the_named_one_then_the_working_dirs_then_the_systems() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (work, etc) = (dir.path().join("work"), dir.path().join("etc"));
        std::fs::create_dir_all(&work).expect("work dir");
        std::fs::create_dir_all(&etc).expect("etc dir");
        let system = etc.join(CONFIG_FILE_NAME);
        assert_eq!(find_config_file(None, &work, &system), None, "none at all");
        std::fs::write(&system, "").expect("write");
        assert_eq!(
            find_config_file(None, &work, &system),
            Some(system.clone()),
            "the system's file when the working dir has none"
        );
        let local = work.join(CONFIG_FILE_NAME);
        std::fs::write(&local, "").expect("write");
        assert_eq!(
            find_config_file(None, &work, &system),
            Some(local),
            "the working dir's file before the system's"
        );
        let named = dir.path().join("missing.toml");
        assert_eq!(
            find_config_file(Some(&named), &work, &system),
            Some(named),
            "a named file wins, even one that does not exist (reading it says so)"
        );
    }

    #[test]
    fn durations_and_rates_parse() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert!(parse_duration("1 fortnight").is_err());
        assert_eq!(parse_rate_limit("off"), Ok(RateLimit::Off));
        assert!(
            matches!(parse_rate_limit("5/s"), Ok(RateLimit::Every { period, .. }) if period == Duration::from_secs(1))
        );
    }
}
