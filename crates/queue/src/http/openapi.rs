//! The OpenAPI document: paths from the handlers' annotations, schemas from
//! lifeline-protocol's types.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{admin, cases, events, session};

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
            group, and when a group's policy is set.",
    ),
    paths(
        cases::create_case, cases::join_case, cases::get_case, cases::update_case, cases::close_case,
        cases::assign_case, cases::list_cases, events::case_events, session::case_session,
        admin::list_experts, admin::create_expert, admin::set_availability, admin::list_groups,
        admin::create_group, admin::set_assignment_policy, admin::list_deployments, admin::create_deployment,
        admin::revoke_deployment, admin::deployment_file,
    ),
    components(schemas(
        lifeline_protocol::ManualCaseRequest, lifeline_protocol::ChatMessage,
        lifeline_protocol::ClientFrame, lifeline_protocol::ServerFrame,
        lifeline_protocol::ScreenState, lifeline_protocol::InputEvent,
    )),
    modifiers(&BearerAuth),
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
