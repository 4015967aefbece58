//! The app as installed on one machine: the deployment file IT shipped, the
//! queue server's client, the app's memory between runs and the machine's
//! description, set up once at start and handed to every customer action.
//!
//! Besides asking for help ([`crate::request_help`]), the customer can join
//! the manual case an expert read out the code of, and cancel their request.
//! Both keep the local state in step with the server.

use std::path::Path;

use lifeline_protocol::{
    Case, Channel, Compatibility, Device, ErrorCode, JoinCaseRequest, SessionCode,
};

use crate::backoff::Backoff;
use crate::deployment::Deployment;
use crate::problem::{Problem, ProblemCode};
use crate::queue::QueueClient;
use crate::sos::{OpenedCase, SosError, SosProgress, request_help};
use crate::state::{OpenCase, StateError, StateStore};

/// Everything a customer action needs: what a working deployment gives the app.
#[derive(Debug)]
pub struct Installation {
    /// The deployment file in use.
    pub deployment: Deployment,
    /// The queue server's client.
    pub client: QueueClient,
    /// The app's memory between runs.
    pub store: StateStore,
    /// How the app describes this machine to the server.
    pub device: Device,
}

impl Installation {
    /// Finds the deployment file (`explicit`, the system-wide place, then
    /// `bundled`), and sets up the client and the state in the OS data
    /// folder. A problem with any of them stops the app asking for help.
    pub fn prepare(
        explicit: Option<&Path>,
        bundled: Option<&Path>,
        os_locale: Option<&str>,
        app_version: &str,
    ) -> Result<Self, Problem> {
        let deployment = Deployment::discover(explicit, bundled)?;
        let client = QueueClient::new(deployment.server_url())
            .map_err(|error| Problem::new(ProblemCode::DeploymentInvalid, error))?;
        let store = StateStore::in_data_dir()?;
        Ok(Self {
            deployment,
            client,
            store,
            device: this_device(app_version, os_locale),
        })
    }

    /// Whether the server works with this app (release `app_version`): a
    /// server too old or too new for it is `server_too_old` or
    /// `server_too_new`, for the window to say plainly; a server out of reach
    /// is the usual problem of that.
    pub async fn check_server(&self, app_version: &str) -> Result<(), Problem> {
        let (code, message) = match self.client.compatibility(app_version).await? {
            Compatibility::Works => return Ok(()),
            Compatibility::ServerTooOld => (
                ProblemCode::ServerTooOld,
                "the help server is older than this app works with; the server needs an upgrade",
            ),
            Compatibility::ServerTooNew => (
                ProblemCode::ServerTooNew,
                "the help server no longer works with this version of the app; the app needs an upgrade",
            ),
        };
        Err(Problem::new(code, format!("{message} (app {app_version})")))
    }

    /// Asks for help once; see [`request_help`].
    pub async fn request_help(
        &self,
        channel: Channel,
        backoff: &mut Backoff,
        on_progress: impl FnMut(SosProgress),
    ) -> Result<OpenedCase, SosError> {
        request_help(
            &self.client,
            &self.deployment,
            &self.store,
            channel,
            self.device.clone(),
            backoff,
            on_progress,
        )
        .await
    }

    /// Joins the manual case with `code` and remembers it as the open case, so
    /// the next start resumes it like any other.
    ///
    /// Nothing is retried: the customer is typing, and a wrong code must be
    /// said at once.
    pub async fn join_case(&self, code: SessionCode) -> Result<OpenedCase, SosError> {
        let request = JoinCaseRequest {
            code,
            device: Some(self.device.clone()),
        };
        let joined = self
            .client
            .join_case(self.deployment.deployment_key(), &request)
            .await
            .map_err(SosError::Refused)?;
        let stored = OpenCase {
            id: joined.case.id,
            code: joined.case.code,
            token: joined.token,
            server_url: self.deployment.server_url().to_owned(),
        };
        self.store.update(|s| s.open_case = Some(stored.clone()))?;
        tracing::info!(case.id = %stored.id, "joined a manual case");
        Ok(OpenedCase {
            stored,
            case: joined.case,
            resumed: false,
        })
    }

    /// Cancels the customer's open case: closes it on the server and forgets
    /// it locally. A case that is already final (`409 conflict`) or gone is
    /// forgotten too: either way there is nothing left to cancel. Returns the
    /// case as the server last described it, when it answered with one.
    pub async fn cancel_case(&self, open: &OpenCase) -> Result<Option<Case>, SosError> {
        let closed = match self.client.close_case(&open.token, open.id).await {
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
        self.store.forget_case(open.id)?;
        tracing::info!(case.id = %open.id, "the customer cancelled their request");
        Ok(closed)
    }

    /// The case the customer has open, or the problem that there is none.
    pub fn open_case(&self) -> Result<OpenCase, Problem> {
        self.store
            .load()?
            .open_case
            .ok_or_else(|| Problem::new(ProblemCode::NoCase, "there is no open case"))
    }

    /// Forgets case `case_id` once it is final, so the next start does not
    /// resume it; see [`StateStore::forget_case`].
    pub fn forget_finished_case(&self, case: &Case) -> Result<(), StateError> {
        if case.state.is_final() {
            self.store.forget_case(case.id)?;
        }
        Ok(())
    }
}

/// The machine asking for help, as far as the standard library knows it.
fn this_device(app_version: &str, locale: Option<&str>) -> Device {
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
