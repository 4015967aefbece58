use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use lifeline_protocol::{
    AssignRequest, AvailabilityRequest, Case, CaseList, CaseState, CaseWithToken, Compatibility,
    CreateCaseRequest, CreateDeploymentRequest, CreateExpertRequest, CreateGroupRequest,
    Deployment, Expert, Group, IDEMPOTENCY_KEY_HEADER, IdempotencyKey, JoinCaseRequest,
    ManualCaseRequest, NewDeployment, SetAlertTimeRequest, SetAssignmentPolicyRequest,
    UpdateCaseRequest, VersionInfo, compatibility,
};
use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Method, RequestBuilder, Response, Url};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::ClientError;

/// How long establishing a connection may take before the server counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a whole ordinary request may take, answer body included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// How long an event stream may stay silent: the server sends a keep-alive at
/// least every 15 s, so three missed ones mean the connection is dead.
const STREAM_READ_TIMEOUT: Duration = Duration::from_secs(45);

const USER_AGENT: &str = concat!("lifeline-client/", env!("CARGO_PKG_VERSION"));

/// The HTTP client of the queue server, typed on `lifeline-protocol`.
///
/// Cheap to clone: clones share the connection pools. Every call takes the
/// token to send as `Authorization: Bearer …`: a `dk_` deployment key, a `ct_`
/// case token or an `et_` expert token, as each endpoint requires.
#[derive(Debug, Clone)]
pub struct QueueClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// Always ends in `/`, so relative API paths join under it (a server may
    /// live under a path prefix).
    base_url: Url,
    /// For ordinary requests, with the overall timeout.
    http: LazyHttp,
    /// For event streams: they are long-lived, so no overall timeout.
    stream_http: LazyHttp,
}

/// A `reqwest` client built on first use: building one loads the system's
/// root certificates (a file read and ~150 parses), which the desktop app
/// must not do on its main thread before the window shows. The first request
/// pays for it, on the async runtime.
struct LazyHttp {
    client: OnceLock<reqwest::Client>,
    build: fn() -> reqwest::ClientBuilder,
}

impl fmt::Debug for LazyHttp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LazyHttp")
            .field("built", &self.client.get().is_some())
            .finish()
    }
}

impl LazyHttp {
    fn new(build: fn() -> reqwest::ClientBuilder) -> Self {
        Self {
            client: OnceLock::new(),
            build,
        }
    }

    fn built(client: reqwest::Client) -> Self {
        Self {
            client: OnceLock::from(client),
            build: reqwest::Client::builder,
        }
    }

    /// The client, built now if this is the first use. Two first uses at once
    /// may both build one; only the first is kept.
    fn get(&self) -> Result<&reqwest::Client, ClientError> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let client = (self.build)().build().map_err(ClientError::HttpSetup)?;
        Ok(self.client.get_or_init(|| client))
    }
}

fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .use_rustls_tls()
        .user_agent(USER_AGENT)
        .connect_timeout(CONNECT_TIMEOUT)
}

/// Which cases [`QueueClient::list_cases`] returns; `Default` is the server's
/// default (open cases, oldest first, first page).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    /// Only cases in this state.
    pub state: Option<CaseState>,
    /// Only cases of this group.
    pub group: Option<Uuid>,
    /// Only cases with this assignee.
    pub assignee: Option<AssigneeFilter>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size (the server caps it).
    pub limit: Option<u32>,
}

/// The `assignee` filter of the case list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Cases assigned to the expert making the request (`me`).
    Me,
    /// Cases nobody is assigned to (`none`).
    Unassigned,
    /// Cases assigned to anybody or nobody (`any`).
    Anyone,
    /// Cases assigned to this expert.
    Expert(Uuid),
}

impl fmt::Display for AssigneeFilter {
    /// The query parameter value: `me`, `none`, `any` or the expert's id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssigneeFilter::Me => f.write_str("me"),
            AssigneeFilter::Unassigned => f.write_str("none"),
            AssigneeFilter::Anyone => f.write_str("any"),
            AssigneeFilter::Expert(id) => write!(f, "{id}"),
        }
    }
}

impl QueueClient {
    /// A client of the server at `base_url` (such as `https://help.example.com`;
    /// a path prefix is kept), over rustls, sending `lifeline-client/<version>`
    /// as user agent.
    ///
    /// Connecting may take 5 s and a whole request 15 s. Event streams have no
    /// overall limit but end after 45 s of silence (three missed keep-alives).
    ///
    /// Only the URL is checked here: the HTTP clients are built on first use
    /// (a TLS backend that fails to start is then that request's
    /// [`ClientError::HttpSetup`]), so creating one reads nothing from disk.
    pub fn new(base_url: &str) -> Result<Self, ClientError> {
        let base_url = parse_base_url(base_url)?;
        Ok(Self {
            inner: Arc::new(Inner {
                base_url,
                http: LazyHttp::new(|| client_builder().timeout(REQUEST_TIMEOUT)),
                stream_http: LazyHttp::new(|| client_builder().read_timeout(STREAM_READ_TIMEOUT)),
            }),
        })
    }

    /// A client of the server at `base_url` over a caller's tuned `reqwest`
    /// client, used for every request, event streams included: give it a read
    /// timeout rather than an overall one if you follow events.
    pub fn with_http(base_url: &str, http: reqwest::Client) -> Result<Self, ClientError> {
        let base_url = parse_base_url(base_url)?;
        Ok(Self {
            inner: Arc::new(Inner {
                base_url,
                stream_http: LazyHttp::built(http.clone()),
                http: LazyHttp::built(http),
            }),
        })
    }

    /// The server's base URL, normalized to end in `/`.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    // Customer endpoints.

    /// Asks for help: `POST /api/v1/cases` with a deployment key.
    ///
    /// Keep `key` until this succeeds and send the same one on every retry: the
    /// server then answers with the same case and token instead of a new case.
    pub async fn create_case(
        &self,
        deployment_key: &str,
        key: &IdempotencyKey,
        req: &CreateCaseRequest,
    ) -> Result<CaseWithToken, ClientError> {
        let request = self
            .request(Method::POST, "api/v1/cases", deployment_key)?
            .header(IDEMPOTENCY_KEY_HEADER, key.as_str())
            .json(req);
        send_json(request).await
    }

    /// Claims the manual case an expert read out the code of:
    /// `POST /api/v1/cases/join` with a deployment key.
    pub async fn join_case(
        &self,
        deployment_key: &str,
        req: &JoinCaseRequest,
    ) -> Result<CaseWithToken, ClientError> {
        send_json(
            self.request(Method::POST, "api/v1/cases/join", deployment_key)?
                .json(req),
        )
        .await
    }

    /// Reads a case (`GET /api/v1/cases/{id}`) with its case token or an expert
    /// token; experts also get its history.
    pub async fn get_case(&self, token: &str, id: Uuid) -> Result<Case, ClientError> {
        send_json(self.request(Method::GET, &case_path(id), token)?).await
    }

    /// Changes the description or customer details (`PATCH /api/v1/cases/{id}`);
    /// fields left `None` stay as they are.
    pub async fn update_case(
        &self,
        token: &str,
        id: Uuid,
        req: &UpdateCaseRequest,
    ) -> Result<Case, ClientError> {
        send_json(
            self.request(Method::PATCH, &case_path(id), token)?
                .json(req),
        )
        .await
    }

    /// Closes a case (`POST /api/v1/cases/{id}/close`) with its case token or an
    /// expert token; a final case answers `409 conflict`.
    pub async fn close_case(&self, token: &str, id: Uuid) -> Result<Case, ClientError> {
        send_json(self.request(Method::POST, &format!("{}/close", case_path(id)), token)?).await
    }

    // Expert endpoints (`et_` token).

    /// One page of the queue: `GET /api/v1/cases?state=&group=&assignee=&cursor=&limit=`.
    pub async fn list_cases(
        &self,
        token: &str,
        filter: &CaseFilter,
    ) -> Result<CaseList, ClientError> {
        let url = self.case_list_url(filter)?;
        send_json(
            self.inner
                .http
                .get()?
                .get(url)
                .header(AUTHORIZATION, bearer(token)?),
        )
        .await
    }

    /// Creates a manual case whose code the expert reads out to the customer
    /// (`POST /api/v1/cases`, channel `manual`).
    pub async fn create_manual_case(
        &self,
        token: &str,
        req: &ManualCaseRequest,
    ) -> Result<Case, ClientError> {
        send_json(self.request(Method::POST, "api/v1/cases", token)?.json(req)).await
    }

    /// Assigns a case to an expert, or unassigns it with `None`
    /// (`POST /api/v1/cases/{id}/assign`).
    pub async fn assign(
        &self,
        token: &str,
        case_id: Uuid,
        expert_id: Option<Uuid>,
    ) -> Result<Case, ClientError> {
        let path = format!("{}/assign", case_path(case_id));
        send_json(
            self.request(Method::POST, &path, token)?
                .json(&AssignRequest { expert_id }),
        )
        .await
    }

    /// Marks the expert available for automatic assignment, or away
    /// (`PUT /api/v1/experts/me/availability`).
    pub async fn set_availability(
        &self,
        token: &str,
        available: bool,
    ) -> Result<Expert, ClientError> {
        let body = AvailabilityRequest { available };
        send_json(
            self.request(Method::PUT, "api/v1/experts/me/availability", token)?
                .json(&body),
        )
        .await
    }

    // Admin endpoints (`et_` token of an admin).

    /// Every expert (`GET /api/v1/experts`).
    pub async fn list_experts(&self, token: &str) -> Result<Vec<Expert>, ClientError> {
        send_json(self.request(Method::GET, "api/v1/experts", token)?).await
    }

    /// Adds an expert (`POST /api/v1/experts`).
    pub async fn create_expert(
        &self,
        token: &str,
        req: &CreateExpertRequest,
    ) -> Result<Expert, ClientError> {
        send_json(
            self.request(Method::POST, "api/v1/experts", token)?
                .json(req),
        )
        .await
    }

    /// Every group (`GET /api/v1/groups`).
    pub async fn list_groups(&self, token: &str) -> Result<Vec<Group>, ClientError> {
        send_json(self.request(Method::GET, "api/v1/groups", token)?).await
    }

    /// Adds a group (`POST /api/v1/groups`).
    pub async fn create_group(
        &self,
        token: &str,
        req: &CreateGroupRequest,
    ) -> Result<Group, ClientError> {
        send_json(
            self.request(Method::POST, "api/v1/groups", token)?
                .json(req),
        )
        .await
    }

    /// Sets how a group's new cases find an expert (`PUT /api/v1/groups/{id}/assignment`).
    pub async fn set_assignment_policy(
        &self,
        token: &str,
        group_id: Uuid,
        req: &SetAssignmentPolicyRequest,
    ) -> Result<Group, ClientError> {
        let path = format!("api/v1/groups/{group_id}/assignment");
        send_json(self.request(Method::PUT, &path, token)?.json(req)).await
    }

    /// Sets how long a customer may wait unassigned before the group's experts
    /// are alerted (`PUT /api/v1/groups/{id}/alert`).
    pub async fn set_alert_time(
        &self,
        token: &str,
        group_id: Uuid,
        req: &SetAlertTimeRequest,
    ) -> Result<Group, ClientError> {
        let path = format!("api/v1/groups/{group_id}/alert");
        send_json(self.request(Method::PUT, &path, token)?.json(req)).await
    }

    /// Every deployment, revoked ones included (`GET /api/v1/deployments`).
    pub async fn list_deployments(&self, token: &str) -> Result<Vec<Deployment>, ClientError> {
        send_json(self.request(Method::GET, "api/v1/deployments", token)?).await
    }

    /// Adds a deployment (`POST /api/v1/deployments`); its key is in the answer
    /// and nowhere else ever again.
    pub async fn create_deployment(
        &self,
        token: &str,
        req: &CreateDeploymentRequest,
    ) -> Result<NewDeployment, ClientError> {
        send_json(
            self.request(Method::POST, "api/v1/deployments", token)?
                .json(req),
        )
        .await
    }

    /// Revokes a deployment's key (`POST /api/v1/deployments/{id}/revoke`).
    pub async fn revoke_deployment(
        &self,
        token: &str,
        id: Uuid,
    ) -> Result<Deployment, ClientError> {
        send_json(self.request(
            Method::POST,
            &format!("api/v1/deployments/{id}/revoke"),
            token,
        )?)
        .await
    }

    /// What the server is and which app versions it works with
    /// (`GET /api/v1/version`, no credential).
    pub async fn version(&self) -> Result<VersionInfo, ClientError> {
        send_json(self.inner.http.get()?.get(self.url("api/v1/version")?)).await
    }

    /// Whether the app of release `app_version` works with this server. A
    /// server without `/api/v1/version` (404) predates it, so is too old.
    pub async fn compatibility(&self, app_version: &str) -> Result<Compatibility, ClientError> {
        match self.version().await {
            Ok(info) => Ok(compatibility(app_version, &info)),
            Err(
                ClientError::Api { status: 404, .. }
                | ClientError::UnexpectedResponse { status: 404, .. },
            ) => Ok(Compatibility::ServerTooOld),
            Err(error) => Err(error),
        }
    }

    /// The deployment file for IT, as TOML text (`GET /api/v1/deployments/{id}/file`).
    pub async fn deployment_file(&self, token: &str, id: Uuid) -> Result<String, ClientError> {
        let request = self.request(Method::GET, &format!("api/v1/deployments/{id}/file"), token)?;
        let response = request.send().await.map_err(ClientError::Unreachable)?;
        if !response.status().is_success() {
            return Err(error_from_answer(response).await);
        }
        response.text().await.map_err(ClientError::Unreachable)
    }

    // Building requests.

    fn url(&self, path: &str) -> Result<Url, ClientError> {
        self.inner
            .base_url
            .join(path)
            .map_err(|error| ClientError::InvalidUrl {
                url: format!("{}{path}", self.inner.base_url),
                reason: error.to_string(),
            })
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        token: &str,
    ) -> Result<RequestBuilder, ClientError> {
        Ok(self
            .inner
            .http
            .get()?
            .request(method, self.url(path)?)
            .header(AUTHORIZATION, bearer(token)?))
    }

    /// A request on the client without an overall timeout, for event streams.
    pub(crate) fn stream_request(
        &self,
        method: Method,
        path: &str,
        token: &str,
    ) -> Result<RequestBuilder, ClientError> {
        Ok(self
            .inner
            .stream_http
            .get()?
            .request(method, self.url(path)?)
            .header(AUTHORIZATION, bearer(token)?))
    }

    fn case_list_url(&self, filter: &CaseFilter) -> Result<Url, ClientError> {
        let mut url = self.url("api/v1/cases")?;
        let params = [
            ("state", filter.state.map(|state| state.as_str().to_owned())),
            ("group", filter.group.map(|group| group.to_string())),
            (
                "assignee",
                filter.assignee.map(|assignee| assignee.to_string()),
            ),
            ("cursor", filter.cursor.clone()),
            ("limit", filter.limit.map(|limit| limit.to_string())),
        ];
        let present: Vec<_> = params
            .iter()
            .filter_map(|(name, value)| Some((*name, value.as_deref()?)))
            .collect();
        // Only touch the query when there is one: `query_pairs_mut` leaves a bare `?` otherwise.
        if !present.is_empty() {
            url.query_pairs_mut().extend_pairs(present);
        }
        Ok(url)
    }
}

fn case_path(id: Uuid) -> String {
    format!("api/v1/cases/{id}")
}

/// The `Authorization` value, marked sensitive so it never shows in debug output.
fn bearer(token: &str) -> Result<HeaderValue, ClientError> {
    let mut value =
        HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| ClientError::InvalidToken)?;
    value.set_sensitive(true);
    Ok(value)
}

fn parse_base_url(text: &str) -> Result<Url, ClientError> {
    let invalid = |reason: String| ClientError::InvalidUrl {
        url: text.to_owned(),
        reason,
    };
    let mut url = Url::parse(text.trim()).map_err(|error| invalid(error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "the scheme must be http or https, not {}",
            url.scheme()
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a server URL has no query or fragment".to_owned()));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// Sends a request and decodes a success answer's JSON body.
async fn send_json<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, ClientError> {
    let response = request.send().await.map_err(ClientError::Unreachable)?;
    let status = response.status();
    tracing::debug!(
        path = response.url().path(),
        status = status.as_u16(),
        "queue server answered"
    );
    if !status.is_success() {
        return Err(error_from_answer(response).await);
    }
    let body = response.bytes().await.map_err(ClientError::Unreachable)?;
    serde_json::from_slice(&body).map_err(|error| ClientError::undecodable(status, &error))
}

/// Reads a non-success answer into the error it carries.
pub(crate) async fn error_from_answer(response: Response) -> ClientError {
    let status = response.status();
    let headers = response.headers().clone();
    match response.bytes().await {
        Ok(body) => ClientError::from_error_answer(status, &headers, &body),
        Err(error) => ClientError::Unreachable(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_keeps_its_path_prefix_and_ends_in_a_slash() -> Result<(), ClientError> {
        let client = QueueClient::new("https://help.example.com/lifeline")?;
        assert_eq!(client.base_url(), "https://help.example.com/lifeline/");
        assert_eq!(
            client.url("api/v1/cases")?.as_str(),
            "https://help.example.com/lifeline/api/v1/cases",
            "API paths go under the prefix"
        );

        let bare = QueueClient::new("http://127.0.0.1:8080")?;
        assert_eq!(
            bare.url("api/v1/groups")?.as_str(),
            "http://127.0.0.1:8080/api/v1/groups"
        );
        Ok(())
    }

    #[test]
    fn only_absolute_http_urls_are_server_urls() {
        for bad in [
            "",
            "help.example.com",
            "ftp://help.example.com",
            "https://",
            "https://h.example.com/?x=1",
        ] {
            assert!(
                matches!(QueueClient::new(bad), Err(ClientError::InvalidUrl { .. })),
                "{bad:?} must be refused"
            );
        }
    }

    #[test]
    fn an_empty_filter_asks_for_the_default_queue() -> Result<(), ClientError> {
        let client = QueueClient::new("http://127.0.0.1:8080")?;
        let url = client.case_list_url(&CaseFilter::default())?;
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/api/v1/cases");
        Ok(())
    }

    #[test]
    fn the_filter_becomes_query_parameters() -> Result<(), ClientError> {
        let client = QueueClient::new("http://127.0.0.1:8080")?;
        let group = Uuid::from_u128(1);
        let filter = CaseFilter {
            state: Some(CaseState::InProgress),
            group: Some(group),
            assignee: Some(AssigneeFilter::Unassigned),
            cursor: Some("abc+/=".to_owned()),
            limit: Some(20),
        };

        let url = client.case_list_url(&filter)?;

        assert_eq!(
            url.query(),
            Some(
                format!(
                    "state=in_progress&group={group}&assignee=none&cursor=abc%2B%2F%3D&limit=20"
                )
                .as_str()
            ),
            "the cursor is escaped"
        );
        Ok(())
    }

    #[test]
    fn assignee_filters_have_their_wire_names() {
        let expert = Uuid::from_u128(7);
        assert_eq!(AssigneeFilter::Me.to_string(), "me");
        assert_eq!(AssigneeFilter::Unassigned.to_string(), "none");
        assert_eq!(AssigneeFilter::Anyone.to_string(), "any");
        assert_eq!(
            AssigneeFilter::Expert(expert).to_string(),
            expert.to_string()
        );
    }

    #[test]
    fn a_token_that_cannot_be_a_header_is_refused_and_never_printed() -> Result<(), ClientError> {
        assert!(matches!(
            bearer("ct_abc\ndef"),
            Err(ClientError::InvalidToken)
        ));
        let value = bearer("ct_secret")?;
        assert!(value.is_sensitive());
        assert!(
            !format!("{value:?}").contains("secret"),
            "debug output hides the token"
        );
        Ok(())
    }
}
