//! What one slow or greedy client may hold: headers and bodies that stop
//! arriving are cut off, no request waits forever for its answer (event
//! streams excepted), and past the concurrency cap the answer is 503.

use std::time::Duration;

use lifeline_protocol::CaseState;
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout};

use crate::events::next_case;
use crate::helpers::{Options, TestApp, TestResult, spawn_app_with};

/// Far longer than any limit set in these tests: reaching it means the
/// server never cut the client off.
const PATIENCE: Duration = Duration::from_secs(15);

/// Sends the head of a `POST /api/v1/groups` that promises a 64-byte body,
/// and only the first bytes of it.
async fn start_slow_post(app: &TestApp) -> Result<TcpStream, Box<dyn std::error::Error>> {
    let mut stream = TcpStream::connect(app.base_url.trim_start_matches("http://")).await?;
    let head = format!(
        "POST /api/v1/groups HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 64\r\n\r\n{{\"name\":",
        app.admin_token
    );
    stream.write_all(head.as_bytes()).await?;
    Ok(stream)
}

/// Reads an answer (head and a body of its `Content-Length`) or up to the
/// connection's end, whichever comes first.
async fn read_answer(stream: &mut TcpStream) -> Result<String, Box<dyn std::error::Error>> {
    let deadline = Instant::now() + PATIENCE;
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let read = tokio::time::timeout_at(deadline, stream.read(&mut buffer))
            .await
            .map_err(|_| "the server neither answered nor closed the connection")?;
        let n = match read {
            Ok(n) => n,
            // A reset ends the connection as surely as a close.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => 0,
            Err(e) => return Err(e.into()),
        };
        if n == 0 {
            return Ok(String::from_utf8(received)?);
        }
        received.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&received);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if body.len() >= length {
                return Ok(text.into_owned());
            }
        }
    }
}

#[tokio::test]
async fn a_client_too_slow_with_its_headers_is_cut_off() -> TestResult {
    let app = spawn_app_with(Options {
        env: vec![("LIFELINE_HEADER_READ_TIMEOUT", "1s")],
        ..Default::default()
    })
    .await;
    let mut stream = TcpStream::connect(app.base_url.trim_start_matches("http://")).await?;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n")
        .await?;
    // The blank line that ends the head never comes.
    let answer = read_answer(&mut stream).await?;
    assert_eq!(answer, "", "the connection is closed without an answer");
    Ok(())
}

#[tokio::test]
async fn a_request_body_that_stops_arriving_gets_408() -> TestResult {
    let app = spawn_app_with(Options {
        env: vec![("LIFELINE_REQUEST_BODY_TIMEOUT", "1s")],
        ..Default::default()
    })
    .await;
    let mut stream = start_slow_post(&app).await?;
    let answer = read_answer(&mut stream).await?;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains(r#""code":"validation""#) && answer.contains("too slowly"),
        "our error shape: {answer}"
    );
    let groups = app.client.list_groups(&app.admin_token).await?;
    assert_eq!(groups.len(), 1, "nothing was created");
    Ok(())
}

#[tokio::test]
async fn no_answer_waits_past_the_request_timeout_but_event_streams_live_on() -> TestResult {
    let app = spawn_app_with(Options {
        env: vec![("LIFELINE_REQUEST_TIMEOUT", "1s")],
        ..Default::default()
    })
    .await;
    let created = app.create_case().await;
    let mut events = app
        .client
        .events(&created.token, created.case.id, None)
        .await?;
    next_case(&mut events).await?;

    // The body pause limit is 20 s: the request timeout ends this first.
    let mut stream = start_slow_post(&app).await?;
    let answer = read_answer(&mut stream).await?;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains(r#""code":"internal""#), "{answer}");

    // More than the request timeout has passed; the stream still runs.
    app.client
        .close_case(&created.token, created.case.id)
        .await?;
    let (_, closed) = next_case(&mut events).await?;
    assert_eq!(closed.state, CaseState::Closed);
    Ok(())
}

#[tokio::test]
async fn requests_past_the_concurrency_limit_get_503_with_retry_after() -> TestResult {
    let app = spawn_app_with(Options {
        env: vec![("LIFELINE_MAX_CONCURRENT_REQUESTS", "1")],
        ..Default::default()
    })
    .await;
    // This request holds the only place while its body trickles in.
    let slow = start_slow_post(&app).await?;
    let deadline = Instant::now() + PATIENCE;
    let refused = loop {
        let response = app.http.get(app.url("/healthz")).send().await?;
        if response.status() == StatusCode::SERVICE_UNAVAILABLE {
            break response;
        }
        assert!(
            Instant::now() < deadline,
            "never refused: {}",
            response.status()
        );
    };
    assert_eq!(refused.headers()[RETRY_AFTER], "1");
    assert!(refused.text().await?.contains(r#""code":"internal""#));

    // The place is given back when the slow request ends.
    drop(slow);
    let deadline = Instant::now() + PATIENCE;
    loop {
        let response = timeout(PATIENCE, app.http.get(app.url("/healthz")).send()).await??;
        if response.status() == StatusCode::OK {
            break;
        }
        assert!(Instant::now() < deadline, "still refused");
    }
    Ok(())
}
