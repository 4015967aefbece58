//! What the window shows, sent whole on every change (`view` event) and
//! returned by the `get_view` command. The UI only renders it.

use lifeline_client::{CustomerStatus, Deployment, Problem, RetryReason};
use lifeline_protocol::Case;
use serde::Serialize;

/// The whole state of the window.
#[derive(Debug, Clone, Default, Serialize)]
pub struct View {
    /// Counts the changes: the window renders no view older than the one it
    /// shows (a view asked for and one sent can cross on the way).
    pub revision: u64,
    /// The language the window speaks: a tag of `lifeline_i18n::LANGUAGES`.
    pub language: String,
    /// Company name, accent colour and logo.
    pub branding: BrandingView,
    /// The queue server's host, for "Cannot reach …".
    pub server_host: Option<String>,
    /// Set when the deployment file is missing or broken: nothing else works.
    pub broken: Option<Problem>,
    /// A help request is on its way (no case yet).
    pub requesting: bool,
    /// The customer's case, once there is one.
    pub case: Option<CaseView>,
    /// Set while the server cannot be reached.
    pub offline: Option<Offline>,
    /// The last thing that went wrong that the customer should know about.
    pub problem: Option<Problem>,
    /// Set when the server is too old or too new for this app: shown until
    /// the next start, whatever else happens.
    pub incompatible: Option<Problem>,
    /// The live session with the expert.
    pub session: SessionView,
    /// The remote screen: requests, sharing, control.
    pub screen: crate::screen::ScreenView,
}

/// The customer's side of the live session.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SessionView {
    /// The customer is in the session (the socket is open or reopening).
    pub joined: bool,
    /// The connection dropped; the app is reconnecting.
    pub reconnecting: bool,
    /// The chat, oldest first, each message once.
    pub messages: Vec<MessageView>,
}

/// One chat message as the window shows it.
#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    /// The message id, so the window can key its list.
    pub id: String,
    /// Written by the customer (shown on their side).
    pub mine: bool,
    /// Who wrote it.
    pub author: String,
    /// What they wrote.
    pub text: String,
}

impl MessageView {
    /// The view of a chat message.
    pub fn of(message: &lifeline_protocol::ChatMessage) -> Self {
        Self {
            id: message.id.to_string(),
            mine: message.from == lifeline_protocol::MessageFrom::Customer,
            author: message.author.clone(),
            text: message.text.clone(),
        }
    }
}

/// The deployment's look.
#[derive(Debug, Clone, Serialize)]
pub struct BrandingView {
    /// The company name.
    pub company_name: String,
    /// `#rrggbb`.
    pub accent_color: String,
    /// The logo as a `data:` URL, if the deployment has one.
    pub logo: Option<String>,
}

impl Default for BrandingView {
    fn default() -> Self {
        let defaults = lifeline_protocol::Branding::default();
        Self {
            company_name: defaults.company_name,
            accent_color: defaults.accent_color,
            logo: None,
        }
    }
}

impl BrandingView {
    /// The branding of a deployment, without the logo: that is read after the
    /// code is on screen ([`crate::flows::settle`]), since a logo file may be
    /// up to 512 KiB.
    pub fn of(deployment: &Deployment) -> Self {
        let branding = deployment.branding();
        Self {
            company_name: branding.company_name.clone(),
            accent_color: branding.accent_color.clone(),
            logo: None,
        }
    }
}

/// The case as the window shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    /// The session code, nine digits.
    pub code: String,
    /// The same, grouped for reading out: `123 456 789`.
    pub code_grouped: String,
    /// Where it stands.
    pub status: CustomerStatus,
    /// The customer's description, if any.
    pub description: Option<String>,
}

impl CaseView {
    /// The view of a case.
    pub fn of(case: &Case) -> Self {
        Self {
            code: case.code.as_str().to_owned(),
            code_grouped: case.code.grouped(),
            status: CustomerStatus::of(case),
            description: case.description.as_ref().map(|d| d.as_str().to_owned()),
        }
    }
}

/// The server cannot be reached; the app retries.
#[derive(Debug, Clone, Serialize)]
pub struct Offline {
    /// Milliseconds until the next try, counted down by the window.
    pub retry_in_ms: u64,
    /// `unreachable`, `rate_limited` or `server_error`.
    pub reason: &'static str,
}

impl Offline {
    /// Offline for `retry_in` because of `reason`.
    pub fn new(retry_in: std::time::Duration, reason: RetryReason) -> Self {
        Self {
            retry_in_ms: u64::try_from(retry_in.as_millis()).unwrap_or(u64::MAX),
            reason: match reason {
                RetryReason::Unreachable => "unreachable",
                RetryReason::RateLimited => "rate_limited",
                RetryReason::ServerError => "server_error",
            },
        }
    }
}

/// The window's messages in `language` (English for a tag the app does not
/// speak), parsed for the window's formatter.
pub fn catalogue(language: &str) -> Result<lifeline_i18n::WindowCatalogue, String> {
    // The catalogue's tests make this unreachable; should it happen, the
    // window shows message ids rather than nothing.
    lifeline_i18n::messages(language)
        .window_catalogue()
        .map_err(|error| {
            tracing::error!(%error, "the window cannot format a message");
            error.to_string()
        })
}

/// The catalogue of the window's language, as `window.__LIFELINE_START__`
/// (`{language, catalogue}`) before the page's scripts run, so its first
/// render waits for nothing but the view. (Not the view itself: until the
/// saved state is read, it may say "idle" for an app about to resume a case.)
pub fn start_script(language: &str) -> String {
    #[derive(Serialize)]
    struct Start<'a> {
        language: &'a str,
        catalogue: lifeline_i18n::WindowCatalogue,
    }
    let Ok(catalogue) = catalogue(language) else {
        // The window asks for it, and shows message ids should that fail too.
        return String::new();
    };
    // JSON is a JavaScript expression.
    match serde_json::to_string(&Start {
        language,
        catalogue,
    }) {
        Ok(json) => format!("window.__LIFELINE_START__ = {json};"),
        Err(error) => {
            tracing::error!(%error, "cannot write the window's catalogue");
            String::new()
        }
    }
}
