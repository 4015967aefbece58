//! A client of TeamViewer's Web API sessions endpoints, written from
//! TeamViewer's documented request and response shapes (not from our
//! server's code): what an integration built for TeamViewer sends and
//! expects, pointed at `/tv/api/v1` instead of TeamViewer's host.

use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A session as TeamViewer documents it.
#[derive(Debug, Clone, Deserialize)]
pub struct Session {
    pub code: String,
    pub state: String,
    pub groupid: String,
    #[serde(default)]
    pub groupname: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub end_customer: Option<EndCustomer>,
    #[serde(default)]
    pub assigned_userid: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub valid_until: Option<String>,
    #[serde(default)]
    pub closed_at: Option<String>,
    #[serde(default)]
    pub supporter_link: Option<String>,
}

/// The customer of a session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndCustomer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A page of `GET /sessions`.
#[derive(Debug, Deserialize)]
pub struct SessionList {
    pub sessions: Vec<Session>,
    #[serde(default)]
    pub next_offset: Option<String>,
}

/// `POST /sessions`.
#[derive(Debug, Default, Serialize)]
pub struct NewSession {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groupid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groupname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_customer: Option<EndCustomer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_userid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
}

/// `PUT /sessions/{code}`.
#[derive(Debug, Default, Serialize)]
pub struct SessionChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_userid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_customer: Option<EndCustomer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

impl SessionChange {
    /// `{"state": "closed"}`: the change that ends a session.
    pub fn close() -> Self {
        Self {
            state: Some("closed".into()),
            ..Self::default()
        }
    }
}

/// TeamViewer's error body.
#[derive(Debug, Deserialize)]
pub struct TvError {
    pub error: String,
    pub error_description: String,
    pub error_code: u32,
}

/// A refused call: the HTTP status and the error body.
#[derive(Debug)]
pub struct Refused {
    pub status: StatusCode,
    pub body: TvError,
}

impl Refused {
    /// The status, the `error` word and the `error_code`, to compare at once.
    pub fn kind(&self) -> (StatusCode, &str, u32) {
        (self.status, self.body.error.as_str(), self.body.error_code)
    }
}

/// A list query; every field is optional.
#[derive(Debug, Default)]
pub struct ListQuery<'a> {
    pub groupid: Option<&'a str>,
    pub assigned_userid: Option<&'a str>,
    pub state: Option<&'a str>,
    pub full_list: bool,
    pub offset: Option<&'a str>,
}

/// The client: a base URL (TeamViewer's is `…/api/v1`) and a token.
pub struct TvClient {
    http: reqwest::Client,
    base: String,
    token: String,
}

pub type TvResult<T> = Result<T, Box<dyn std::error::Error>>;

impl TvClient {
    pub fn new(base: String, token: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            base,
            token: token.to_owned(),
        }
    }

    /// Sends a request; `Ok(Err(refused))` for a well-formed refusal.
    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&impl Serialize>,
    ) -> TvResult<Result<(StatusCode, Value), Refused>> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .query(query);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        if status.is_success() {
            let value = if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text)?
            };
            return Ok(Ok((status, value)));
        }
        let body: TvError = serde_json::from_str(&text)
            .map_err(|e| format!("a {status} without TeamViewer's error body ({e}): {text}"))?;
        Ok(Err(Refused { status, body }))
    }

    pub async fn list(&self, q: &ListQuery<'_>) -> TvResult<Result<SessionList, Refused>> {
        let mut query = Vec::new();
        for (key, value) in [
            ("groupid", q.groupid),
            ("assigned_userid", q.assigned_userid),
            ("state", q.state),
            ("offset", q.offset),
        ] {
            if let Some(value) = value {
                query.push((key, value));
            }
        }
        if q.full_list {
            query.push(("full_list", "true"));
        }
        Ok(
            match self
                .call(Method::GET, "/sessions", &query, None::<&()>)
                .await?
            {
                Ok((_, value)) => Ok(serde_json::from_value(value)?),
                Err(refused) => Err(refused),
            },
        )
    }

    /// TeamViewer answers a created session with `200 OK`.
    pub async fn create(&self, new: &NewSession) -> TvResult<Result<Session, Refused>> {
        Ok(
            match self.call(Method::POST, "/sessions", &[], Some(new)).await? {
                Ok((status, value)) => {
                    assert_eq!(status, StatusCode::OK, "a created session is 200 OK");
                    Ok(serde_json::from_value(value)?)
                }
                Err(refused) => Err(refused),
            },
        )
    }

    pub async fn get(&self, code: &str) -> TvResult<Result<Session, Refused>> {
        Ok(
            match self
                .call(Method::GET, &format!("/sessions/{code}"), &[], None::<&()>)
                .await?
            {
                Ok((_, value)) => Ok(serde_json::from_value(value)?),
                Err(refused) => Err(refused),
            },
        )
    }

    /// TeamViewer answers a change with `204 No Content`.
    pub async fn change(
        &self,
        code: &str,
        change: &SessionChange,
    ) -> TvResult<Result<(), Refused>> {
        Ok(
            match self
                .call(Method::PUT, &format!("/sessions/{code}"), &[], Some(change))
                .await?
            {
                Ok((status, _)) => {
                    assert_eq!(status, StatusCode::NO_CONTENT, "a change is 204 No Content");
                    Ok(())
                }
                Err(refused) => Err(refused),
            },
        )
    }

    /// Any request with a raw body, for what a typed client cannot send.
    pub async fn raw(&self, method: Method, path: &str, body: &Value) -> TvResult<Refused> {
        match self.call(method, path, &[], Some(body)).await? {
            Ok((status, value)) => Err(format!("expected a refusal, got {status}: {value}").into()),
            Err(refused) => Ok(refused),
        }
    }
}
