//! `lifeline-queue migrate-db`: a company moves from SQLite to PostgreSQL
//! with every row, and a server on the target carries on where the SQLite
//! one stopped; bad sources and non-empty targets are refused untouched.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use lifeline_client::{Backoff, QueueClient, Session, SessionEvent, join_session};
use lifeline_protocol::{
    CaseState, CaseWithToken, CreateDeploymentRequest, Description, IdempotencyKey,
    ManualCaseRequest, ShortText, UpdateCaseRequest,
};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use tempfile::TempDir;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::{Fallible, poll_until};
use crate::console::browser;
use crate::database::{TestDatabase, keep_on_sqlite};
use crate::helpers::{api_status, sos_request};
use crate::process::{Company, ServerProcess, run_cli, set_up_company};
use crate::session::messages;

/// Ana's console password (see `set_up_company`).
const PASSWORD: &str = "a long password";
/// Long enough for any state change a test waits for, including a dead
/// instance's sockets ceasing to count (the session's silence limit).
const PATIENCE: Duration = Duration::from_secs(30);

/// One value of a table, whichever database it came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Cell {
    Null,
    Int(i64),
    Bytes(Vec<u8>),
    Text(String),
}

/// Every row of every table: table → rows, each row column → value, sorted.
type Dump = BTreeMap<String, Vec<BTreeMap<String, Cell>>>;

/// Reads every table of a SQLite database.
fn dump_sqlite(path: &Path) -> Fallible<Dump> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let mut dump = Dump::new();
    for table in tables {
        let mut statement = conn.prepare(&format!("SELECT * FROM \"{table}\""))?;
        let names: Vec<String> = statement.column_names().map(|n| n.to_string()).collect();
        let mut rows = statement.query([])?;
        let mut found = Vec::new();
        while let Some(row) = rows.next()? {
            let mut cells = BTreeMap::new();
            for (index, name) in names.iter().enumerate() {
                let cell = match row.get_ref(index)? {
                    rusqlite::types::ValueRef::Null => Cell::Null,
                    rusqlite::types::ValueRef::Integer(n) => Cell::Int(n),
                    rusqlite::types::ValueRef::Blob(b) => Cell::Bytes(b.to_vec()),
                    rusqlite::types::ValueRef::Text(t) => {
                        Cell::Text(String::from_utf8(t.to_vec())?)
                    }
                    rusqlite::types::ValueRef::Real(x) => Cell::Text(x.to_string()),
                };
                // PostgreSQL's name for it: `final` is reserved there.
                let name = if name == "final" { "is_final" } else { name };
                cells.insert(name.to_string(), cell);
            }
            found.push(cells);
        }
        found.sort();
        dump.insert(table, found);
    }
    Ok(dump)
}

/// Reads every table of a PostgreSQL database (its schema bookkeeping aside).
fn dump_postgres(url: &str) -> Fallible<Dump> {
    let url = url.to_string();
    // The blocking client cannot run on the test's async runtime.
    std::thread::spawn(move || -> Result<Dump, String> {
        let mut client =
            postgres::Client::connect(&url, postgres::NoTls).map_err(|e| e.to_string())?;
        let columns = client
            .query(
                "SELECT table_name::text, column_name::text, udt_name::text \
                 FROM information_schema.columns WHERE table_schema = 'public' \
                 AND table_name <> 'lifeline_schema' ORDER BY table_name, ordinal_position",
                &[],
            )
            .map_err(|e| e.to_string())?;
        let mut tables: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for row in columns {
            tables
                .entry(row.get(0))
                .or_default()
                .push((row.get(1), row.get(2)));
        }
        let mut dump = Dump::new();
        for (table, columns) in tables {
            let rows = client
                .query(&format!("SELECT * FROM \"{table}\""), &[])
                .map_err(|e| e.to_string())?;
            let mut found = Vec::new();
            for row in rows {
                let mut cells = BTreeMap::new();
                for (index, (name, kind)) in columns.iter().enumerate() {
                    let cell = match kind.as_str() {
                        "uuid" => row
                            .try_get::<_, Option<Uuid>>(index)
                            .map(|v| v.map(|id| Cell::Bytes(id.as_bytes().to_vec()))),
                        "bytea" => row
                            .try_get::<_, Option<Vec<u8>>>(index)
                            .map(|v| v.map(Cell::Bytes)),
                        "text" => row
                            .try_get::<_, Option<String>>(index)
                            .map(|v| v.map(Cell::Text)),
                        "int8" => row
                            .try_get::<_, Option<i64>>(index)
                            .map(|v| v.map(Cell::Int)),
                        "int4" => row
                            .try_get::<_, Option<i32>>(index)
                            .map(|v| v.map(|n| Cell::Int(i64::from(n)))),
                        "bool" => row
                            .try_get::<_, Option<bool>>(index)
                            .map(|v| v.map(|b| Cell::Int(i64::from(b)))),
                        other => return Err(format!("{table}.{name}: type {other} not compared")),
                    }
                    .map_err(|e| e.to_string())?;
                    cells.insert(name.clone(), cell.unwrap_or(Cell::Null));
                }
                found.push(cells);
            }
            found.sort();
            dump.insert(table, found);
        }
        Ok(dump)
    })
    .join()
    .map_err(|_| "the dump thread panicked")?
    .map_err(Into::into)
}

/// The target holds exactly the source's rows: every source table row for
/// row, field by field, and nothing in the tables only PostgreSQL has (its
/// shared counters of running instances).
fn assert_same_rows(source: &Dump, target: &Dump) {
    for (table, rows) in source {
        assert_eq!(Some(rows), target.get(table), "table {table}");
    }
    for (table, rows) in target.iter().filter(|(t, _)| !source.contains_key(*t)) {
        assert!(
            rows.is_empty(),
            "{table}, only on PostgreSQL, holds {rows:?}"
        );
    }
}

/// How many tables the PostgreSQL database holds: none before any migration.
fn postgres_tables(url: &str) -> Fallible<i64> {
    let url = url.to_string();
    std::thread::spawn(move || -> Result<i64, postgres::Error> {
        let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
        client
            .query_one(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
                &[],
            )?
            .try_get(0)
    })
    .join()
    .map_err(|_| "the maintenance thread panicked")?
    .map_err(Into::into)
}

/// The URL of `database`; the cluster tests always run on PostgreSQL.
fn url_of(database: &TestDatabase) -> Fallible<String> {
    Ok(database
        .env()
        .ok_or("the migrate-db tests need PostgreSQL: set TEST_DATABASE_URL=postgres://…")?
        .1)
}

/// Runs `migrate-db` from the SQLite file of `dir` to `to`; returns whether
/// it succeeded, with what it printed.
fn migrate(dir: &Path, to: &str, extra: &[&str]) -> Fallible<(bool, String)> {
    migrate_from(dir, &dir.join("lifeline.db"), to, extra)
}

/// Runs `migrate-db` from the SQLite file `from` (the CLI run on `dir`).
fn migrate_from(dir: &Path, from: &Path, to: &str, extra: &[&str]) -> Fallible<(bool, String)> {
    let from = format!("sqlite://{}", from.display());
    let mut args = vec!["migrate-db", "--from", from.as_str(), "--to", to];
    args.extend_from_slice(extra);
    let output = run_cli(dir, &args, "")?;
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok((output.status.success(), printed))
}

/// A data dir whose server and CLI stay on SQLite, with the company made.
fn sqlite_company() -> Fallible<(TempDir, Company)> {
    let dir = tempfile::tempdir()?;
    keep_on_sqlite(dir.path());
    let company = set_up_company(dir.path())?;
    Ok((dir, company))
}

fn quick() -> Backoff {
    Backoff::new(Duration::from_millis(50), Duration::from_millis(200))
}

/// Waits until case `id` reads `state` through `token`.
async fn wait_for(client: &QueueClient, token: &str, id: Uuid, state: CaseState) -> Fallible<()> {
    poll_until(PATIENCE, &format!("case {id} reads {state:?}"), || async {
        Ok((client.get_case(token, id).await?.state == state).then_some(()))
    })
    .await
}

/// The case as an admin reads it (history included), as JSON.
async fn read_as_admin(url: &str, token: &str, id: Uuid) -> Fallible<serde_json::Value> {
    let response = reqwest::Client::new()
        .get(format!("{url}/api/v1/cases/{id}"))
        .bearer_auth(token)
        .send()
        .await?;
    if response.status() != StatusCode::OK {
        return Err(format!("reading case {id}: {}", response.status()).into());
    }
    Ok(response.json().await?)
}

/// The whole event stream of a final case (it ends after the last event).
async fn replay(url: &str, token: &str, id: Uuid) -> Fallible<String> {
    let response = reqwest::Client::new()
        .get(format!("{url}/api/v1/cases/{id}/events"))
        .bearer_auth(token)
        .timeout(PATIENCE)
        .send()
        .await?;
    if response.status() != StatusCode::OK {
        return Err(format!("the events of case {id}: {}", response.status()).into());
    }
    Ok(response.text().await?)
}

/// A customer and the expert in case `case`'s session, both connected.
async fn both_join(
    client: &QueueClient,
    case: &CaseWithToken,
    expert_token: &str,
) -> Fallible<[(Session, mpsc::Receiver<SessionEvent>); 2]> {
    let customer = join_session(client, case.token.clone(), case.case.id, quick());
    let expert = join_session(client, expert_token.to_string(), case.case.id, quick());
    wait_for(client, &case.token, case.case.id, CaseState::InProgress).await?;
    Ok([customer, expert])
}

/// What the SQLite company held when its server died, as the API showed it.
struct Populated {
    dir: TempDir,
    company: Company,
    /// Cases the target must serve exactly as the source did: the admin's
    /// view (history included), and the whole stream of the final ones.
    settled: Vec<(CaseWithToken, serde_json::Value, Option<String>)>,
    /// The case whose session was live when the server was killed.
    live: CaseWithToken,
    /// The idempotency key and case of the first SOS request.
    first_request: (IdempotencyKey, CaseWithToken),
    /// A deployment revoked before the move.
    revoked_key: String,
    /// A console sign-in's cookie.
    cookie: String,
}

/// A SQLite company with cases in every state: expired (swept), new,
/// edited, assigned and closed by the customer, chatted in and closed by the
/// expert, pending (the customer came and went), manual and unclaimed (no
/// token), and in progress (both sides connected when the server was killed
/// with SIGKILL); a revoked deployment and a console sign-in.
async fn populated_sqlite() -> Fallible<Populated> {
    let (dir, company) = sqlite_company()?;
    let token = company.expert_token.clone();
    let key = company.deployment_key.clone();
    let mut settled_ids = Vec::new();

    // A short case_ttl: the first case expires and the sweep writes it.
    let server = ServerProcess::start(dir.path(), &[("LIFELINE_CASE_TTL", "1s")])?;
    let client = QueueClient::new(&server.base_url)?;
    let expired = client
        .create_case(
            &key,
            &IdempotencyKey::generate(),
            &sos_request(Some("Too late")),
        )
        .await?;
    let url = server.base_url.clone();
    poll_until(PATIENCE, "the sweep writes expired", || async {
        let case = read_as_admin(&url, &token, expired.case.id).await?;
        Ok((case["history"]
            .as_array()
            .and_then(|h| h.last())
            .map(|h| h["action"].clone())
            == Some("expired".into()))
        .then_some(()))
    })
    .await?;
    settled_ids.push(expired);
    drop(server);

    let mut server = ServerProcess::start(dir.path(), &[])?;
    let url = server.base_url.clone();
    let client = QueueClient::new(&url)?;
    let first_key = IdempotencyKey::generate();
    let first = client
        .create_case(&key, &first_key, &sos_request(Some("Printer says offline")))
        .await?;
    settled_ids.push(first.clone());

    let edited = client
        .create_case(&key, &IdempotencyKey::generate(), &sos_request(None))
        .await?;
    client
        .update_case(
            &edited.token,
            edited.case.id,
            &UpdateCaseRequest {
                description: Some(Description::parse("Now the scanner too")?),
                customer: None,
            },
        )
        .await?;
    let ana = client
        .list_experts(&token)
        .await?
        .into_iter()
        .next()
        .ok_or("Ana")?;
    client.assign(&token, edited.case.id, Some(ana.id)).await?;
    client.close_case(&edited.token, edited.case.id).await?;
    settled_ids.push(edited);

    let chatted = client
        .create_case(
            &key,
            &IdempotencyKey::generate(),
            &sos_request(Some("Chat")),
        )
        .await?;
    {
        let [(customer, mut customer_events), (expert, mut expert_events)] =
            both_join(&client, &chatted, &token).await?;
        customer.send("Hello, the printer is offline").await?;
        messages(&mut expert_events, 1).await?;
        expert.send("Let me look: ñandú ✓ \"quoted\"").await?;
        messages(&mut customer_events, 2).await?;
        customer.leave().await;
        expert.leave().await;
    }
    client.close_case(&token, chatted.case.id).await?;
    settled_ids.push(chatted);

    let pending = client
        .create_case(&key, &IdempotencyKey::generate(), &sos_request(None))
        .await?;
    {
        let (customer, _events) =
            join_session(&client, pending.token.clone(), pending.case.id, quick());
        wait_for(&client, &pending.token, pending.case.id, CaseState::Pending).await?;
        customer.leave().await;
        poll_until(PATIENCE, "the customer left", || async {
            let case = client.get_case(&pending.token, pending.case.id).await?;
            Ok((!case.customer_connected).then_some(()))
        })
        .await?;
    }
    settled_ids.push(pending);

    let group = client
        .list_groups(&token)
        .await?
        .into_iter()
        .next()
        .ok_or("a group")?;
    let manual = client
        .create_manual_case(
            &token,
            &ManualCaseRequest {
                group: group.id,
                customer: None,
                description: Some(Description::parse("Called in by phone")?),
            },
        )
        .await?;
    // Nobody claimed it: it has no case token.
    settled_ids.push(CaseWithToken {
        case: manual,
        token: String::new(),
    });

    let old = client
        .create_deployment(
            &token,
            &CreateDeploymentRequest {
                name: ShortText::parse("Old laptops")?,
                group: group.id,
                server_url: ShortText::parse("http://127.0.0.1:9")?,
            },
        )
        .await?;
    client.revoke_deployment(&token, old.deployment.id).await?;

    let signed_in = browser()
        .post(format!("{url}/sign-in"))
        .form(&[("email", "ana@example.com"), ("password", PASSWORD)])
        .send()
        .await?;
    let cookie = signed_in
        .headers()
        .get(SET_COOKIE)
        .ok_or("a session cookie")?
        .to_str()?
        .split(';')
        .next()
        .ok_or("a cookie")?
        .to_string();

    let mut settled = Vec::new();
    for case in settled_ids {
        let view = read_as_admin(&url, &token, case.case.id).await?;
        let stream = if view["state"] == "closed" || view["state"] == "expired" {
            Some(replay(&url, &token, case.case.id).await?)
        } else {
            None
        };
        settled.push((case, view, stream));
    }

    // Last: a live session when the machine dies, so its presence stays written.
    let live = client
        .create_case(
            &key,
            &IdempotencyKey::generate(),
            &sos_request(Some("Live")),
        )
        .await?;
    // Both event receivers are held until the kill: a session whose
    // receiver is dropped leaves, and the case would be pending, not live.
    let [(customer, _customer_events), (_expert, mut expert_events)] =
        both_join(&client, &live, &token).await?;
    customer.send("Still there?").await?;
    messages(&mut expert_events, 1).await?;
    server.child.kill()?;
    server.child.wait()?;

    Ok(Populated {
        dir,
        company,
        settled,
        live,
        first_request: (first_key, first),
        revoked_key: old.key,
        cookie,
    })
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn a_populated_sqlite_company_moves_to_postgresql_row_for_row_and_keeps_working()
-> Fallible<()> {
    let database = TestDatabase::fresh();
    let target = url_of(&database)?;
    let source = populated_sqlite().await?;
    let before = dump_sqlite(&source.dir.path().join("lifeline.db"))?;

    // The fixture holds what it claims.
    let states: Vec<String> = before["cases"]
        .iter()
        .filter_map(|row| match &row["state"] {
            Cell::Text(state) => Some(state.clone()),
            _ => None,
        })
        .collect();
    for state in ["new", "pending", "in_progress", "closed", "expired"] {
        assert!(
            states.iter().any(|s| s == state),
            "a {state} case in {states:?}"
        );
    }
    assert!(
        before["cases"]
            .iter()
            .any(|row| row["token_hash"] == Cell::Null),
        "an unclaimed manual case"
    );
    assert!(
        before["case_events"]
            .iter()
            .any(|row| row["kind"] == Cell::Text("message".into()))
    );
    assert!(
        before["deployments"]
            .iter()
            .any(|row| row["revoked_at"] != Cell::Null)
    );
    for table in [
        "audit_log",
        "console_sessions",
        "expert_tokens",
        "group_members",
        "server_facts",
    ] {
        assert!(!before[table].is_empty(), "rows in {table}");
    }

    let (moved, printed) = migrate(source.dir.path(), &target, &[])?;
    assert!(moved, "migrate-db failed: {printed}");
    assert!(printed.contains("case_events: "), "{printed}");

    // Row for row, field by field.
    assert_same_rows(&before, &dump_postgres(&target)?);

    // A server on the target, with the same secret.key, serves it all.
    let server = ServerProcess::start(source.dir.path(), &[("LIFELINE_DATABASE_URL", &target)])?;
    let url = server.base_url.clone();
    let client = QueueClient::new(&url)?;
    let token = &source.company.expert_token;
    for (case, view, stream) in &source.settled {
        let id = case.case.id;
        assert_eq!(
            &read_as_admin(&url, token, id).await?,
            view,
            "case {id} as the admin reads it"
        );
        if let Some(stream) = stream {
            assert_eq!(
                &replay(&url, token, id).await?,
                stream,
                "the events of case {id}"
            );
        }
        if !case.token.is_empty() {
            let read = client.get_case(&case.token, id).await?;
            assert_eq!(read.id, id, "the old case token reads case {id}");
        }
    }

    // The live case: its presence is reset at start, as after any restart,
    // and its chat is all there.
    let live = &source.live;
    wait_for(&client, &live.token, live.case.id, CaseState::Pending).await?;
    let (_expert, mut expert_events) = join_session(&client, token.clone(), live.case.id, quick());
    let replayed = messages(&mut expert_events, 1).await?;
    assert_eq!(replayed[0].text, "Still there?");

    // The deployment key: a repeated request gets the same case and token; a new one, a new case.
    let (first_key, first) = &source.first_request;
    let repeated = client
        .create_case(
            &source.company.deployment_key,
            first_key,
            &sos_request(Some("Printer says offline")),
        )
        .await?;
    assert_eq!(
        (repeated.case.id, &repeated.token),
        (first.case.id, &first.token)
    );
    let fresh = client
        .create_case(
            &source.company.deployment_key,
            &IdempotencyKey::generate(),
            &sos_request(None),
        )
        .await?;
    assert_eq!(fresh.case.state, CaseState::New);
    let refused = client
        .create_case(
            &source.revoked_key,
            &IdempotencyKey::generate(),
            &sos_request(None),
        )
        .await
        .expect_err("a revoked key stays revoked");
    assert_eq!(api_status(&refused), Some(401));

    // The console: the old sign-in still works, and so does the password.
    let page = browser()
        .get(format!("{url}/"))
        .header(COOKIE, &source.cookie)
        .send()
        .await?;
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "the old console cookie signs in"
    );
    let signed_in = browser()
        .post(format!("{url}/sign-in"))
        .form(&[("email", "ana@example.com"), ("password", PASSWORD)])
        .send()
        .await?;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()[LOCATION], "/");
    assert_eq!(server.panics(), Vec::<String>::new());
    Ok(())
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn a_non_empty_target_is_refused_untouched_unless_replaced() -> Fallible<()> {
    let (source, _) = sqlite_company()?;
    let database = TestDatabase::fresh();
    let target = url_of(&database)?;
    // Another company already lives in the target.
    let elsewhere = tempfile::tempdir()?;
    for args in [&["init"][..], &["group", "add", "Elsewhere"]] {
        let made = std::process::Command::new(crate::process::binary())
            .args(args)
            .env("LIFELINE_DATA_DIR", elsewhere.path())
            .env("LIFELINE_DATABASE_URL", &target)
            .env_remove("LIFELINE_CONFIG")
            .output()?;
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
    }
    let held = dump_postgres(&target)?;

    let (moved, printed) = migrate(source.path(), &target, &[])?;
    assert!(!moved, "a non-empty target must be refused: {printed}");
    // The group and its audit entry (the command line made it).
    assert!(
        printed.contains("not empty (audit_log: 1 rows, groups: 1 rows"),
        "{printed}"
    );
    assert!(printed.contains("--replace"), "{printed}");
    assert_eq!(
        dump_postgres(&target)?,
        held,
        "the refused target is untouched"
    );

    let (moved, printed) = migrate(source.path(), &target, &["--replace"])?;
    assert!(moved, "--replace copies over: {printed}");
    assert_same_rows(
        &dump_sqlite(&source.path().join("lifeline.db"))?,
        &dump_postgres(&target)?,
    );
    Ok(())
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn a_source_of_another_version_or_schema_is_refused_and_the_target_left_empty() -> Fallible<()>
{
    let database = TestDatabase::fresh();
    let target = url_of(&database)?;

    let (newer, _) = sqlite_company()?;
    rusqlite::Connection::open(newer.path().join("lifeline.db"))?.pragma_update(
        None,
        "user_version",
        99,
    )?;
    let (moved, printed) = migrate(newer.path(), &target, &[])?;
    assert!(!moved, "{printed}");
    assert!(
        printed.contains("schema version 99, newer than this server knows"),
        "{printed}"
    );

    let (older, _) = sqlite_company()?;
    rusqlite::Connection::open(older.path().join("lifeline.db"))?.pragma_update(
        None,
        "user_version",
        1,
    )?;
    let (moved, printed) = migrate(older.path(), &target, &[])?;
    assert!(!moved, "{printed}");
    assert!(
        printed.contains("schema version 1, older than this server's"),
        "{printed}"
    );

    // A table this server's PostgreSQL schema has no place for.
    let (unknown, _) = sqlite_company()?;
    rusqlite::Connection::open(unknown.path().join("lifeline.db"))?
        .execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('x');")?;
    let (moved, printed) = migrate(unknown.path(), &target, &[])?;
    assert!(!moved, "{printed}");
    assert!(
        printed.contains("table notes is in the SQLite database but not in the PostgreSQL schema"),
        "{printed}"
    );
    assert!(printed.contains("nothing was copied"), "{printed}");

    let nowhere = newer.path().join("nowhere.db");
    let (missing, printed) = migrate_from(newer.path(), &nowhere, &target, &[])?;
    assert!(!missing, "{printed}");
    assert!(printed.contains("no database file at"), "{printed}");

    assert_eq!(
        postgres_tables(&target)?,
        0,
        "not even the schema was left behind"
    );
    Ok(())
}
