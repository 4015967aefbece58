use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::case::GroupRef;

/// How a group's new cases find an expert.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AssignmentPolicy {
    /// Experts take cases by hand.
    #[default]
    Off,
    /// In turn over the group's available experts.
    RoundRobin,
    /// To the available expert with the fewest open assigned cases.
    LeastBusy,
}

impl AssignmentPolicy {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentPolicy::Off => "off",
            AssignmentPolicy::RoundRobin => "round_robin",
            AssignmentPolicy::LeastBusy => "least_busy",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<Self> {
        [
            AssignmentPolicy::Off,
            AssignmentPolicy::RoundRobin,
            AssignmentPolicy::LeastBusy,
        ]
        .into_iter()
        .find(|p| p.as_str() == text)
    }
}

/// An expert's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExpertRole {
    /// Works cases.
    Expert,
    /// Works cases and manages experts, groups, deployments and tokens.
    Admin,
}

/// A support expert, as admins see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Expert {
    /// The expert's id.
    pub id: Uuid,
    /// Sign-in address.
    pub email: String,
    /// The name customers see.
    pub display_name: String,
    /// Admin or expert.
    pub role: ExpertRole,
    /// Deactivated experts cannot sign in or use tokens.
    pub active: bool,
    /// Available for automatic assignment.
    pub available: bool,
    /// The groups the expert works in.
    pub groups: Vec<GroupRef>,
}

/// A group (a team's queue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Group {
    /// The group's id.
    pub id: Uuid,
    /// The group's name.
    pub name: String,
    /// How new cases find an expert.
    pub assignment_policy: AssignmentPolicy,
    /// Seconds a customer may wait unassigned before the console alerts the
    /// group's experts.
    #[serde(default = "default_alert_after_seconds")]
    pub alert_after_seconds: u32,
}

/// The alert time of a group nobody has set one for: five minutes.
pub const DEFAULT_ALERT_AFTER_SECONDS: u32 = 300;

/// The longest alert time: a day.
pub const MAX_ALERT_AFTER_SECONDS: u32 = 86_400;

fn default_alert_after_seconds() -> u32 {
    DEFAULT_ALERT_AFTER_SECONDS
}

/// A deployment: one key shipped to a set of customer machines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deployment {
    /// The deployment's id.
    pub id: Uuid,
    /// A name for IT.
    pub name: String,
    /// Where its cases land.
    pub group: GroupRef,
    /// The address written into its deployment file.
    pub server_url: String,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When its key was revoked; a revoked key no longer works.
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    /// How many times its key was rotated (0: the first key). The deployment
    /// file carries the key of this generation.
    #[serde(default)]
    pub key_generation: u32,
    /// Until when the key before the last rotation still works; absent when
    /// no earlier key does.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub previous_key_valid_until: Option<OffsetDateTime>,
}

/// The answer to creating a deployment: the key is shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewDeployment {
    /// The deployment.
    pub deployment: Deployment,
    /// The `dk_` key. The server keeps only its hash.
    pub key: String,
}

/// The answer to creating an expert API token: shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewExpertToken {
    /// The token's id, for revoking it.
    pub id: Uuid,
    /// The `et_` token. The server keeps only its hash.
    pub token: String,
}
