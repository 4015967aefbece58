//! What went wrong, as the window gets it: `{code, message}`, the code from a
//! closed set the window words from its locale files (`error.<code>`), the
//! message in English for people and logs.

use std::fmt;

use lifeline_protocol::ErrorCode;
use serde::{Serialize, Serializer};

use crate::deployment::DeploymentError;
use crate::error::ClientError;
use crate::sos::SosError;
use crate::state::StateError;

/// The closed set of problem codes the window branches on. Serialized as its
/// wire name ([`ProblemCode::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemCode {
    /// No deployment file in any of the places searched.
    DeploymentNotFound,
    /// The deployment file given explicitly does not exist.
    DeploymentMissing,
    /// The deployment file cannot be read.
    DeploymentUnreadable,
    /// The system-wide deployment file could be changed by ordinary users.
    DeploymentUnprotected,
    /// The deployment file is not valid TOML or not the deployment file's shape.
    DeploymentSyntax,
    /// A setting of the deployment file is not usable.
    DeploymentInvalid,
    /// The app's memory between runs cannot be read or written.
    State,
    /// The queue server refused with its own error code.
    Api(ErrorCode),
    /// The queue server refused without our error body, or for good.
    Refused,
    /// The queue server cannot be reached.
    Unreachable,
    /// The description breaks its rules.
    InvalidDescription,
    /// The session code is not nine digits.
    InvalidCode,
    /// The chat message is empty or too long.
    InvalidMessage,
    /// A help request or join is already under way.
    Busy,
    /// There is no open case to act on.
    NoCase,
    /// The customer is not in the live session.
    NoSession,
    /// The expert's screen request is no longer pending (answered, or lapsed).
    ScreenLapsed,
    /// This system cannot share its screen (yet).
    ScreenUnavailable,
    /// The screen is not being shared, so there is nothing to pause or stop.
    ScreenNotShared,
    /// The queue server is older than this app works with.
    ServerTooOld,
    /// The queue server no longer works with this version of the app.
    ServerTooNew,
}

impl ProblemCode {
    /// The wire name: `deployment_not_found`, `state`, an API code such as
    /// `unauthorized`, `invalid_message`…
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::DeploymentNotFound => "deployment_not_found",
            ProblemCode::DeploymentMissing => "deployment_missing",
            ProblemCode::DeploymentUnreadable => "deployment_unreadable",
            ProblemCode::DeploymentUnprotected => "deployment_unprotected",
            ProblemCode::DeploymentSyntax => "deployment_syntax",
            ProblemCode::DeploymentInvalid => "deployment_invalid",
            ProblemCode::State => "state",
            ProblemCode::Api(code) => code.as_str(),
            ProblemCode::Refused => "refused",
            ProblemCode::Unreachable => "unreachable",
            ProblemCode::InvalidDescription => "invalid_description",
            ProblemCode::InvalidCode => "invalid_code",
            ProblemCode::InvalidMessage => "invalid_message",
            ProblemCode::Busy => "busy",
            ProblemCode::NoCase => "no_case",
            ProblemCode::NoSession => "no_session",
            ProblemCode::ScreenLapsed => "screen_lapsed",
            ProblemCode::ScreenUnavailable => "screen_unavailable",
            ProblemCode::ScreenNotShared => "screen_not_shared",
            ProblemCode::ServerTooOld => "server_too_old",
            ProblemCode::ServerTooNew => "server_too_new",
        }
    }

    /// The code of a server's refusal: its API code, or `refused` without one.
    pub fn refused(code: Option<ErrorCode>) -> Self {
        code.map_or(ProblemCode::Refused, ProblemCode::Api)
    }
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ProblemCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// An error as the window gets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Problem {
    /// Stable code; the window branches on it, never on the message.
    pub code: ProblemCode,
    /// The detail in English.
    pub message: String,
}

impl Problem {
    /// A problem with a code and a message.
    pub fn new(code: ProblemCode, message: impl ToString) -> Self {
        Self {
            code,
            message: message.to_string(),
        }
    }
}

impl From<DeploymentError> for Problem {
    fn from(error: DeploymentError) -> Self {
        let code = match error {
            DeploymentError::NotFound { .. } => ProblemCode::DeploymentNotFound,
            DeploymentError::Missing { .. } => ProblemCode::DeploymentMissing,
            DeploymentError::Unreadable { .. } => ProblemCode::DeploymentUnreadable,
            DeploymentError::Unprotected { .. } => ProblemCode::DeploymentUnprotected,
            DeploymentError::Syntax { .. } => ProblemCode::DeploymentSyntax,
            DeploymentError::Invalid { .. } => ProblemCode::DeploymentInvalid,
        };
        Problem::new(code, error)
    }
}

impl From<StateError> for Problem {
    fn from(error: StateError) -> Self {
        Problem::new(ProblemCode::State, error)
    }
}

impl From<SosError> for Problem {
    fn from(error: SosError) -> Self {
        let code = match &error {
            SosError::State(_) => ProblemCode::State,
            SosError::Refused(refusal) => ProblemCode::refused(refusal.code()),
        };
        Problem::new(code, error)
    }
}

impl From<ClientError> for Problem {
    /// The server's code; without one, `unreachable` when retrying may help,
    /// `refused` otherwise.
    fn from(error: ClientError) -> Self {
        let code = match error.code() {
            Some(code) => ProblemCode::Api(code),
            None if error.is_retryable() => ProblemCode::Unreachable,
            None => ProblemCode::Refused,
        };
        Problem::new(code, error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the window's error banner words `code` itself (`error-<code>`)
    /// rather than the English detail. No wildcard: a new code does not
    /// compile here until it is decided.
    fn worded_by_the_window(code: ProblemCode) -> bool {
        use ErrorCode as E;
        match code {
            // The broken-deployment page words these, with the file's detail.
            ProblemCode::DeploymentNotFound
            | ProblemCode::DeploymentMissing
            | ProblemCode::DeploymentUnreadable
            | ProblemCode::DeploymentUnprotected
            | ProblemCode::DeploymentSyntax
            | ProblemCode::DeploymentInvalid => false,
            // The app's own idempotency key: never the customer's doing.
            ProblemCode::Api(E::IdempotencyMismatch) => false,
            ProblemCode::Api(
                E::Validation
                | E::Unauthorized
                | E::Forbidden
                | E::NotFound
                | E::Conflict
                | E::PayloadTooLarge
                | E::RateLimited
                | E::Internal,
            )
            | ProblemCode::State
            | ProblemCode::Refused
            | ProblemCode::Unreachable
            | ProblemCode::InvalidDescription
            | ProblemCode::InvalidCode
            | ProblemCode::InvalidMessage
            | ProblemCode::Busy
            | ProblemCode::NoCase
            | ProblemCode::NoSession
            | ProblemCode::ScreenLapsed
            | ProblemCode::ScreenUnavailable
            | ProblemCode::ScreenNotShared
            | ProblemCode::ServerTooOld
            | ProblemCode::ServerTooNew => true,
        }
    }

    #[test]
    fn every_problem_the_window_shows_has_its_words_in_every_language() {
        use ErrorCode as E;
        let codes = [
            ProblemCode::State,
            ProblemCode::Refused,
            ProblemCode::Unreachable,
            ProblemCode::InvalidDescription,
            ProblemCode::InvalidCode,
            ProblemCode::InvalidMessage,
            ProblemCode::Busy,
            ProblemCode::NoCase,
            ProblemCode::NoSession,
            ProblemCode::ScreenLapsed,
            ProblemCode::ScreenUnavailable,
            ProblemCode::ScreenNotShared,
            ProblemCode::ServerTooOld,
            ProblemCode::ServerTooNew,
            ProblemCode::Api(E::Validation),
            ProblemCode::Api(E::Unauthorized),
            ProblemCode::Api(E::Forbidden),
            ProblemCode::Api(E::NotFound),
            ProblemCode::Api(E::Conflict),
            ProblemCode::Api(E::PayloadTooLarge),
            ProblemCode::Api(E::RateLimited),
            ProblemCode::Api(E::Internal),
        ];
        for language in lifeline_i18n::LANGUAGES {
            let messages = lifeline_i18n::messages(language.tag);
            for code in codes.into_iter().filter(|c| worded_by_the_window(*c)) {
                // As ui/app.js names it: error-<code>, "_" written "-".
                let id = format!("error-{}", code.as_str().replace('_', "-"));
                assert!(messages.has(&id), "{} lacks {id}", language.tag);
            }
        }
    }

    #[test]
    fn problems_reach_the_window_as_code_and_message() {
        let problem = Problem::new(ProblemCode::Api(ErrorCode::NotFound), "no such case");
        assert_eq!(
            serde_json::to_value(&problem).ok(),
            Some(serde_json::json!({"code": "not_found", "message": "no such case"})),
            "the window matches the API's own code names"
        );
        assert_eq!(
            serde_json::to_value(ProblemCode::DeploymentSyntax).ok(),
            Some(serde_json::json!("deployment_syntax"))
        );
    }

    #[test]
    fn a_refusal_without_our_error_body_is_refused_and_a_missing_server_unreachable() {
        assert_eq!(ProblemCode::refused(None), ProblemCode::Refused);
        let proxy_page = ClientError::UnexpectedResponse {
            status: 400,
            detail: "body: <html>".into(),
        };
        assert_eq!(Problem::from(proxy_page).code, ProblemCode::Refused);
        let gateway = ClientError::UnexpectedResponse {
            status: 502,
            detail: "body: <html>".into(),
        };
        assert_eq!(
            Problem::from(gateway).code,
            ProblemCode::Unreachable,
            "a 5xx without our body is the server being away"
        );
    }
}
