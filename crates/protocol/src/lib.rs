//! The Lifeline wire contract, shared by the queue server, the client core and
//! the tests: what travels over HTTP, and the limits every side enforces.
//!
//! This crate does no I/O. Values that carry rules (a [`SessionCode`], an
//! [`Email`], a [`Description`]…) are newtypes that can only be built through
//! `parse`, so holding one means it is valid; deserializing runs the same
//! checks, so a request that parses is a request that obeys the limits.

mod admin;
mod case;
mod code;
mod deployment_file;
mod error;
mod event;
mod fields;
pub mod limits;
mod requests;
pub mod screen;
#[cfg(feature = "openapi")]
pub mod text_schema;
pub mod version;

pub use admin::{
    AssignmentPolicy, DEFAULT_ALERT_AFTER_SECONDS, Deployment, Expert, ExpertRole, Group,
    MAX_ALERT_AFTER_SECONDS, NewDeployment, NewExpertToken,
};
pub use case::{
    Case, CaseState, Channel, ClosedBy, Customer, Device, ExpertRef, GroupRef, HistoryAction,
    HistoryEntry,
};
pub use code::{SessionCode, SessionCodeError};
pub use deployment_file::{Behaviour, Branding, DeploymentFile, Language};
pub use error::{ErrorBody, ErrorCode, ErrorDetail};
pub use event::{ChatMessage, ClientFrame, EVENT_CASE, EVENT_MESSAGE, MessageFrom, ServerFrame};
pub use fields::{
    ChatText, CustomerName, Description, DeviceField, Email, FieldError, IdempotencyKey, ShortText,
};
pub use requests::{
    AssignRequest, AvailabilityRequest, CaseList, CaseWithToken, CreateCaseRequest,
    CreateDeploymentRequest, CreateExpertRequest, CreateGroupRequest, EmailPreferences,
    JoinCaseRequest, MAX_KEY_GRACE_SECONDS, ManualCaseRequest, RotateDeploymentKeyRequest,
    SetAlertTimeRequest, SetAssignmentPolicyRequest, SetServerUrlRequest, UpdateCaseRequest,
};
pub use screen::{
    ControlState, InputEvent, MouseButton, ScreenMode, ScreenState, ShareStatus, ViewState,
};
pub use version::{
    API_VERSION, AppVersions, Compatibility, OLDEST_APP_VERSION, OLDEST_SERVER_VERSION,
    VersionInfo, compatibility,
};

/// Prefix of a deployment key: creates cases in one group, joins manual cases.
pub const DEPLOYMENT_KEY_PREFIX: &str = "dk_";
/// Prefix of a case token: reads and acts on one case only.
pub const CASE_TOKEN_PREFIX: &str = "ct_";
/// Prefix of an expert API token: acts as the expert it belongs to.
pub const EXPERT_TOKEN_PREFIX: &str = "et_";
/// Header carrying the client's idempotency key on case creation.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";
