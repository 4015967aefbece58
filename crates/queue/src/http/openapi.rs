//! The OpenAPI document: paths from the handlers' annotations, schemas from
//! lifeline-protocol's types.

use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::schema::{OneOfBuilder, Schema, SchemaType, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, ObjectBuilder, Ref, RefOr, Required, Response, ResponseBuilder,
};
use utoipa::{Modify, OpenApi};

use super::{admin, audit, cases, events, ops, session, webhooks};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lifeline queue server",
        description = "Service cases for the Lifeline SOS button. Credentials are bearer tokens: `dk_` deployment keys \
            (create and join only), `ct_` case tokens (one case), `et_` expert tokens. Errors are \
            `{\"error\": {\"code\", \"message\"}}`. Deployment keys and case tokens are derived from the server \
            secret and stored only as hashes, so the deployment file can be downloaded again and an idempotent \
            create can return the same token. Every expert and admin endpoint also accepts the console's session \
            cookie `lifeline_session` (when no Authorization header is sent); with the cookie, every request but \
            GET/HEAD/OPTIONS must carry the session's CSRF token in the `X-CSRF-Token` header (the console pages \
            hold it in `<meta name=\"csrf-token\">`), or it gets 403. Automatic assignment (per group: off, \
            round_robin, least_busy) runs when a case is created, when an expert becomes available or joins a \
            group, and when a group's policy is set. A group's alert time is how long a customer may wait \
            unassigned before the console alerts the group's experts.",
    ),
    paths(
        cases::create_case, cases::join_case, cases::get_case, cases::update_case, cases::close_case,
        cases::assign_case, cases::list_cases, events::case_events, session::case_session,
        admin::list_experts, admin::create_expert, admin::set_availability,
        admin::email_preferences, admin::set_email_preferences, admin::list_groups,
        admin::create_group, admin::set_assignment_policy, admin::set_alert_time, admin::list_deployments, admin::create_deployment,
        admin::revoke_deployment, admin::rotate_deployment_key, admin::set_deployment_server_url,
        admin::deployment_file, audit::audit_log, ops::version,
        webhooks::create_webhook, webhooks::list_webhooks, webhooks::disable_webhook,
        webhooks::enable_webhook, webhooks::delete_webhook, webhooks::webhook_deliveries,
    ),
    components(schemas(
        lifeline_protocol::ManualCaseRequest, lifeline_protocol::ChatMessage,
        lifeline_protocol::ClientFrame, lifeline_protocol::ServerFrame,
        lifeline_protocol::ScreenState, lifeline_protocol::InputEvent,
    )),
    modifiers(&BearerAuth, &Answers),
    tags((name = "cases", description = "Service cases"), (name = "experts"), (name = "admin"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "console_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "lifeline_session",
                "The console's session (named `__Host-lifeline_session` when served over https); state-changing requests also need X-CSRF-Token.",
            ))),
        );
    }
}

/// States on every operation the refusals its shared extractors give (a
/// malformed id or body, a missing or wrong credential, a rate limit…), fixes
/// what the annotations cannot say, and keeps JSON `null` out of parameters
/// (a header or query value is text or absent, never null).
struct Answers;

/// Error answers every operation can give.
const COMMON_ERRORS: &[(&str, &str)] = &[
    ("401", "Missing, malformed, wrong or revoked credential"),
    (
        "403",
        "The credential may not use this endpoint, or a cookie request lacks its CSRF token",
    ),
];
/// Operations anyone may call: no credential to refuse.
const PUBLIC_OPERATIONS: &[&str] = &["version"];
/// Error answers of operations that read parameters or a body.
const INPUT_ERRORS: &[(&str, &str)] = &[(
    "400",
    "Malformed request: an id that is not a UUID, a body that is not JSON, a bad header or query",
)];
/// Error answers of operations with a path id.
const ID_ERRORS: &[(&str, &str)] = &[("404", "No such thing, or not one the caller may see")];
/// Error answers of operations with a body.
const BODY_ERRORS: &[(&str, &str)] = &[
    ("413", "The body is larger than the limit"),
    ("422", "The body breaks a rule; the message names the field"),
];

fn error_answer(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .into()
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.patch,
        &mut item.delete,
    ]
    .into_iter()
    .flatten()
}

/// `[T, null]` → `T`.
fn without_null(schema: &mut RefOr<Schema>) {
    if let RefOr::T(Schema::Object(object)) = schema
        && let SchemaType::Array(types) = &object.schema_type
        && let [only] = types
            .iter()
            .filter(|t| **t != Type::Null)
            .collect::<Vec<_>>()
            .as_slice()
    {
        object.schema_type = SchemaType::Type((*only).clone());
    }
}

impl Modify for Answers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in operations(item) {
                let has_id = operation
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| p.parameter_in == ParameterIn::Path);
                let has_input = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let has_body = operation.request_body.is_some();
                let public = operation
                    .operation_id
                    .as_deref()
                    .is_some_and(|id| PUBLIC_OPERATIONS.contains(&id));
                let errors = COMMON_ERRORS
                    .iter()
                    .filter(|_| !public)
                    .chain(
                        (has_input || has_body)
                            .then_some(INPUT_ERRORS)
                            .into_iter()
                            .flatten(),
                    )
                    .chain(has_id.then_some(ID_ERRORS).into_iter().flatten())
                    .chain(has_body.then_some(BODY_ERRORS).into_iter().flatten());
                for (status, description) in errors {
                    operation
                        .responses
                        .responses
                        .entry((*status).to_owned())
                        .or_insert_with(|| error_answer(description));
                }
                for parameter in operation.parameters.iter_mut().flatten() {
                    if let Some(schema) = &mut parameter.schema {
                        without_null(schema);
                    }
                }
                match operation.operation_id.as_deref() {
                    Some("create_case") => document_create(operation),
                    Some("case_session") => document_upgrade(operation),
                    _ => {}
                }
            }
        }
    }
}

/// A customer's create needs `Idempotency-Key` (1–255 visible ASCII); an
/// expert's manual case answers the bare case rather than case and token.
fn document_create(operation: &mut Operation) {
    for parameter in operation.parameters.iter_mut().flatten() {
        if parameter.name == lifeline_protocol::IDEMPOTENCY_KEY_HEADER {
            parameter.required = Required::True;
            parameter.schema = Some(lifeline_protocol::text_schema::idempotency_key());
        }
    }
    if let Some(RefOr::T(created)) = operation.responses.responses.get_mut("201") {
        for content in created.content.values_mut() {
            content.schema = Some(
                OneOfBuilder::new()
                    .item(Ref::from_schema_name("CaseWithToken"))
                    .item(Ref::from_schema_name("Case"))
                    .into(),
            );
        }
    }
}

/// The session is a WebSocket: without the upgrade headers it is 400.
fn document_upgrade(operation: &mut Operation) {
    let headers = [
        (
            "Connection",
            "Upgrade",
            "`Upgrade` (among other tokens, any case)",
        ),
        ("Upgrade", "websocket", "`websocket` (any case)"),
        ("Sec-WebSocket-Version", "13", "`13`"),
    ];
    let parameters = operation.parameters.get_or_insert_with(Vec::new);
    for (name, value, description) in headers {
        parameters.push(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .description(Some(description))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some([value])),
                ))
                .build(),
        );
    }
    parameters.push(
        ParameterBuilder::new()
            .name("Sec-WebSocket-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::True)
            .description(Some("The client's nonce: 16 random bytes, base64"))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some("^[A-Za-z0-9+/]{22}==$")),
            ))
            .build(),
    );
}

/// The served document: [`ApiDoc`] with the OpenAPI links between operations.
/// Links are added to the JSON because utoipa 5 writes a link's
/// `operationId` as `operation_id`, which no OpenAPI reader knows.
pub fn document() -> serde_json::Value {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    add_links(&mut document);
    document
}

/// OpenAPI links: which answer holds the id another operation takes, so a
/// client (or a fuzzer) can follow real cases, groups and deployments. None
/// leads from a list to a revoke: a fuzzer would revoke the deployment whose
/// key it creates cases with.
/// (from operation, status, to operation, JSON pointer of the `id` in the answer)
const LINKS: &[(&str, &str, &str, &str)] = &[
    ("create_case", "201", "get_case", "/case/id"),
    ("create_case", "201", "update_case", "/case/id"),
    ("create_case", "201", "close_case", "/case/id"),
    ("create_case", "201", "assign_case", "/case/id"),
    ("create_case", "201", "case_events", "/case/id"),
    ("create_case", "201", "case_session", "/case/id"),
    ("join_case", "200", "get_case", "/case/id"),
    ("join_case", "200", "update_case", "/case/id"),
    ("join_case", "200", "close_case", "/case/id"),
    ("join_case", "200", "case_events", "/case/id"),
    ("create_group", "201", "set_assignment_policy", "/id"),
    ("list_groups", "200", "set_assignment_policy", "/0/id"),
    ("create_group", "201", "set_alert_time", "/id"),
    ("list_groups", "200", "set_alert_time", "/0/id"),
    (
        "create_deployment",
        "201",
        "deployment_file",
        "/deployment/id",
    ),
    (
        "create_deployment",
        "201",
        "revoke_deployment",
        "/deployment/id",
    ),
    (
        "create_deployment",
        "201",
        "rotate_deployment_key",
        "/deployment/id",
    ),
    (
        "create_deployment",
        "201",
        "set_deployment_server_url",
        "/deployment/id",
    ),
    ("list_deployments", "200", "deployment_file", "/0/id"),
];

/// Links whose target takes the group id in its body: a request body with a
/// runtime expression in it (tools such as schemathesis evaluate it and
/// merge it into the body they make).
/// (from operation, status, JSON pointer of the group id in the answer)
const GROUP_LINKS: &[(&str, &str, &str)] = &[
    ("create_group", "201", "/id"),
    ("list_groups", "200", "/0/id"),
];

fn links() -> Vec<(&'static str, &'static str, &'static str, serde_json::Value)> {
    let by_id = LINKS.iter().map(|(from, status, to, pointer)| {
        let link = serde_json::json!({
            "operationId": to,
            "parameters": { "id": format!("$response.body#{pointer}") },
        });
        (*from, *status, *to, link)
    });
    let by_group = GROUP_LINKS.iter().flat_map(|(from, status, pointer)| {
        let group = format!("$response.body#{pointer}");
        [
            ("create_deployment", serde_json::json!({ "group": group })),
            ("create_expert", serde_json::json!({ "groups": [group] })),
        ]
        .map(|(to, body)| {
            let link = serde_json::json!({ "operationId": to, "requestBody": body });
            (*from, *status, to, link)
        })
    });
    by_id.chain(by_group).collect()
}

fn add_links(document: &mut serde_json::Value) {
    let links = links();
    let Some(paths) = document
        .get_mut("paths")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return;
    };
    for operation in paths
        .values_mut()
        .filter_map(serde_json::Value::as_object_mut)
        .flat_map(|item| item.values_mut())
    {
        let Some(from) = operation.get("operationId").and_then(|id| id.as_str()) else {
            continue;
        };
        let from = from.to_owned();
        for (_, status, to, link) in links.iter().filter(|link| link.0 == from) {
            if let Some(answer) = operation
                .pointer_mut(&format!("/responses/{status}"))
                .and_then(serde_json::Value::as_object_mut)
            {
                let answer_links = answer
                    .entry("links")
                    .or_insert_with(|| serde_json::json!({}));
                answer_links[*to] = link.clone();
            }
        }
    }
}
