use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::admin::AssignmentPolicy;
use crate::case::{Case, Channel, Customer, Device};
use crate::code::SessionCode;
use crate::fields::{Description, Email, ShortText};

/// `POST /api/v1/cases` with a deployment key: a customer asks for help.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateCaseRequest {
    /// `sos` or `app`.
    #[cfg_attr(feature = "openapi", schema(schema_with = customer_channel))]
    pub channel: Channel,
    /// Who is asking, if they said.
    #[serde(default)]
    pub customer: Option<Customer>,
    /// What they need, if they said.
    #[serde(default)]
    pub description: Option<Description>,
    /// The machine asking.
    #[serde(default)]
    pub device: Option<Device>,
}

/// The channels a customer may create a case on.
#[cfg(feature = "openapi")]
fn customer_channel() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some([Channel::Sos.as_str(), Channel::App.as_str()]))
        .description(Some("`sos` or `app`."))
        .into()
}

/// `POST /api/v1/cases/join`: a customer enters the code an expert gave them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct JoinCaseRequest {
    /// The code read out by the expert.
    pub code: SessionCode,
    /// The machine joining.
    #[serde(default)]
    pub device: Option<Device>,
}

/// A case together with the token that reaches it (create and join answers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseWithToken {
    /// The case.
    pub case: Case,
    /// The `ct_` token for this case only. Keep it secret.
    pub token: String,
}

/// `PATCH /api/v1/cases/{id}`: fields left out stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateCaseRequest {
    /// The new description (an empty text clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
    /// The new customer details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
}

/// `POST /api/v1/cases` by an expert: a manual case whose code they read out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ManualCaseRequest {
    /// The group the case goes to.
    pub group: Uuid,
    /// The customer, if known.
    #[serde(default)]
    pub customer: Option<Customer>,
    /// What they need, if known.
    #[serde(default)]
    pub description: Option<Description>,
}

/// `POST /api/v1/cases/{id}/assign`: `expert_id: null` unassigns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// The expert to assign, or `null` to unassign.
    pub expert_id: Option<Uuid>,
}

/// `PUT /api/v1/experts/me/availability`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AvailabilityRequest {
    /// Available for automatic assignment, or away.
    pub available: bool,
}

/// `GET` and `PUT /api/v1/experts/me/email-preferences`: which moments the
/// caller is emailed about (when the server has `smtp_url`). Nothing is
/// chosen until the expert chooses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmailPreferences {
    /// A case waits in one of my groups and nobody in the group is available.
    pub queued: bool,
    /// A case is assigned to me.
    pub assigned: bool,
    /// A customer in one of my groups waited longer than the group's alert time.
    pub overdue: bool,
}

/// One page of the expert case list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseList {
    /// The cases, oldest first.
    pub cases: Vec<Case>,
    /// Pass as `cursor` to get the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

/// `POST /api/v1/groups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateGroupRequest {
    /// The group's name, unique.
    pub name: ShortText,
}

/// `POST /api/v1/experts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateExpertRequest {
    /// Sign-in address, unique.
    pub email: Email,
    /// The name customers see.
    pub display_name: ShortText,
    /// Sign-in password for the console (at least 12 characters); none for API-only experts.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 12))]
    pub password: Option<String>,
    /// Whether the expert administers the company.
    #[serde(default)]
    pub admin: bool,
    /// The groups the expert works in.
    #[serde(default)]
    pub groups: Vec<Uuid>,
}

/// `POST /api/v1/deployments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateDeploymentRequest {
    /// A name for IT, such as `Acme laptops`.
    pub name: ShortText,
    /// The group its cases land in.
    pub group: Uuid,
    /// The address the app will reach the server at.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::text_schema::server_url))]
    pub server_url: ShortText,
}

/// `POST /api/v1/deployments/{id}/rotate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RotateDeploymentKeyRequest {
    /// How long the key being replaced keeps working, in seconds (0: it
    /// stops at once; at most [`MAX_KEY_GRACE_SECONDS`]).
    #[cfg_attr(feature = "openapi", schema(maximum = 7_776_000))]
    #[serde(deserialize_with = "whole_number")]
    pub grace_seconds: u64,
}

/// The longest a replaced deployment key may keep working: 90 days, long
/// enough to roll a new file out to every machine.
pub const MAX_KEY_GRACE_SECONDS: u64 = 90 * 86_400;
// The OpenAPI `maximum` above is this number written out.
const _: () = assert!(MAX_KEY_GRACE_SECONDS == 7_776_000);

/// `PUT /api/v1/deployments/{id}/server_url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetServerUrlRequest {
    /// The address the app reaches the server at, written into the
    /// deployment file from now on.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::text_schema::server_url))]
    pub server_url: ShortText,
}

/// `PUT /api/v1/groups/{id}/assignment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetAssignmentPolicyRequest {
    /// The group's automatic assignment.
    pub policy: AssignmentPolicy,
}

/// `PUT /api/v1/groups/{id}/alert`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetAlertTimeRequest {
    /// Seconds a customer may wait unassigned before the group's experts are
    /// alerted: 1 to 86400.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 86400))]
    #[serde(deserialize_with = "whole_number")]
    pub alert_after_seconds: u32,
}

/// A JSON number with no fraction, as JSON Schema's `integer` allows it:
/// `90` and `90.0` alike, as long as it fits `T`.
fn whole_number<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<u64>,
{
    /// Every whole number up to 2^53 is exact in an `f64`.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Number {
        Whole(u64),
        Float(f64),
    }
    let whole = match Number::deserialize(deserializer)? {
        Number::Whole(n) => Some(n),
        // A fraction, a negative or a number too big to be exact is refused.
        Number::Float(f) if f.fract() == 0.0 && (0.0..=EXACT).contains(&f) => Some(f as u64),
        Number::Float(_) => None,
    };
    whole
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| serde::de::Error::custom("expected a whole number of seconds"))
}

#[cfg(test)]
mod tests {
    use super::{RotateDeploymentKeyRequest, SetAlertTimeRequest};

    fn alert(body: &str) -> Result<u32, serde_json::Error> {
        serde_json::from_str::<SetAlertTimeRequest>(body).map(|r| r.alert_after_seconds)
    }

    #[test]
    fn an_alert_time_is_any_whole_number_json_writes() {
        assert_eq!(alert(r#"{"alert_after_seconds": 90}"#).ok(), Some(90));
        assert_eq!(alert(r#"{"alert_after_seconds": 1694.0}"#).ok(), Some(1694));
        for bad in ["90.5", "-1", "\"90\"", "4294967296", "1e300", "null"] {
            let body = format!(r#"{{"alert_after_seconds": {bad}}}"#);
            assert!(alert(&body).is_err(), "{bad} is refused");
        }
    }

    #[test]
    fn a_grace_is_any_whole_number_json_writes() {
        let grace = |body: &str| {
            serde_json::from_str::<RotateDeploymentKeyRequest>(body).map(|r| r.grace_seconds)
        };
        assert_eq!(grace(r#"{"grace_seconds": 136}"#).ok(), Some(136));
        assert_eq!(grace(r#"{"grace_seconds": 136.0}"#).ok(), Some(136));
        assert_eq!(grace(r#"{"grace_seconds": 0}"#).ok(), Some(0));
        for bad in ["1.5", "-1", "\"60\"", "1e300", "null"] {
            let body = format!(r#"{{"grace_seconds": {bad}}}"#);
            assert!(grace(&body).is_err(), "{bad} is refused");
        }
    }
}
