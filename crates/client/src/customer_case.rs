//! What the customer does with a case besides asking for help: join the
//! manual case an expert read out the code of, and cancel their request. Both
//! keep the local state in step with the server.

use lifeline_protocol::{Case, Device, ErrorCode, JoinCaseRequest, SessionCode};

use crate::deployment::Deployment;
use crate::queue::QueueClient;
use crate::sos::{OpenedCase, SosError};
use crate::state::{OpenCase, StateStore};

/// Joins the manual case with `code` and remembers it as the open case, so
/// the next start resumes it like any other.
///
/// Nothing is retried: the customer is typing, and a wrong code must be said
/// at once.
pub async fn join_case(
    client: &QueueClient,
    deployment: &Deployment,
    state: &StateStore,
    code: SessionCode,
    device: Device,
) -> Result<OpenedCase, SosError> {
    let request = JoinCaseRequest {
        code,
        device: Some(device),
    };
    let joined = client
        .join_case(deployment.deployment_key(), &request)
        .await
        .map_err(SosError::Refused)?;
    let stored = OpenCase {
        id: joined.case.id,
        code: joined.case.code,
        token: joined.token,
        server_url: deployment.server_url().to_owned(),
    };
    state.update(|s| s.open_case = Some(stored.clone()))?;
    tracing::info!(case.id = %stored.id, "joined a manual case");
    Ok(OpenedCase {
        stored,
        case: joined.case,
        resumed: false,
    })
}

/// Cancels the customer's open case: closes it on the server and forgets it
/// locally. A case that is already final (`409 conflict`) or gone is
/// forgotten too: either way there is nothing left to cancel. Returns the
/// case as the server last described it, when it answered with one.
pub async fn cancel_case(
    client: &QueueClient,
    state: &StateStore,
    open: &OpenCase,
) -> Result<Option<Case>, SosError> {
    let closed = match client.close_case(&open.token, open.id).await {
        Ok(case) => Some(case),
        Err(error)
            if matches!(
                error.code(),
                Some(ErrorCode::Conflict | ErrorCode::NotFound)
            ) =>
        {
            tracing::info!(case.id = %open.id, %error, "the case was already over");
            None
        }
        Err(error) => return Err(SosError::Refused(error)),
    };
    state.update(|s| {
        if s.open_case.as_ref().map(|c| c.id) == Some(open.id) {
            s.open_case = None;
        }
    })?;
    tracing::info!(case.id = %open.id, "the customer cancelled their request");
    Ok(closed)
}

/// The machine asking for help, as far as the standard library knows it.
pub fn this_device(app_version: &str, locale: Option<&str>) -> Device {
    let field = |text: &str| lifeline_protocol::DeviceField::parse(text.trim()).ok();
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok());
    Device {
        hostname: hostname.as_deref().and_then(field),
        os: field(std::env::consts::OS),
        os_version: None,
        app_version: field(app_version),
        locale: locale.and_then(field),
    }
}
