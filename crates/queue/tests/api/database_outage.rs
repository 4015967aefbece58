//! The server rides out losing its database connections (PostgreSQL
//! restarted, a failover, an operator ending sessions): while it reconnects an
//! answer may be 503, never a 500 or a lost case, and then it serves again
//! without a restart of its own. On SQLite there is no connection to lose and
//! the same requests simply succeed.

use std::time::Duration;

use lifeline_protocol::IdempotencyKey;
use tokio::time::Instant;

use crate::helpers::{TestResult, api_status, sos_request, spawn_app};

#[tokio::test]
async fn the_server_serves_again_after_its_database_connections_are_cut() -> TestResult {
    let app = spawn_app().await;
    let before = app.create_case().await;
    let cut = app.database.cut_connections();
    if app.database.is_postgres() {
        assert!(cut > 0, "the server held no connection to cut");
    }

    let deadline = Instant::now() + Duration::from_secs(20);
    // One key for every try: a retried create lands once.
    let key = IdempotencyKey::generate();
    let after = loop {
        match app
            .client
            .create_case(
                &app.deployment_key,
                &key,
                &sos_request(Some("after the cut")),
            )
            .await
        {
            Ok(created) => break created,
            Err(error) => {
                assert_eq!(api_status(&error), Some(503), "{error}");
                assert!(Instant::now() < deadline, "no create succeeded: {error}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    let read = loop {
        match app.client.get_case(&before.token, before.case.id).await {
            Ok(read) => break read,
            Err(error) => {
                assert_eq!(api_status(&error), Some(503), "{error}");
                assert!(Instant::now() < deadline, "no read succeeded: {error}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    assert_eq!(read.code, before.case.code, "the case from before the cut");
    assert_eq!(
        app.client.get_case(&after.token, after.case.id).await?.code,
        after.case.code
    );
    // Both are in the line, in order: nothing was lost or doubled.
    assert_eq!(after.case.queue_position, Some(2));
    Ok(())
}
