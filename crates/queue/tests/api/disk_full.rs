//! A full disk under the real server: clear answers, nothing lost, nothing
//! corrupt, and service again once space returns. The data dir lives on a
//! small tmpfs of its own, which needs root (CI runs as root).

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use lifeline_client::{CaseFilter, QueueClient};
use lifeline_protocol::{CaseWithToken, IdempotencyKey};
use tokio::sync::Mutex;

use crate::database;
use crate::helpers::{TestResult, api_status, sos_request};
use crate::process::{ServerProcess, set_up_company};

/// The small filesystem's size.
const TMPFS_SIZE: &str = "32m";
/// Space left when the filler has taken the rest.
const LEFT_FREE: u64 = 2 * 1024 * 1024;

/// A tmpfs mounted for the test; unmounted when dropped.
struct Tmpfs {
    mount_point: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Result<Self, Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let output = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .output()?;
        if !output.status.success() {
            return Err(format!(
                "cannot mount a {size} tmpfs at {} (this test needs root, as in CI): {}",
                dir.path().display(),
                String::from_utf8_lossy(&output.stderr).trim()
            )
            .into());
        }
        Ok(Self {
            mount_point: dir.path().to_path_buf(),
            _dir: dir,
        })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazy: detached at once even if something still holds a file there.
        let _ = Command::new("umount")
            .arg("-l")
            .arg(&self.mount_point)
            .status();
    }
}

/// Fills the filesystem with one file, then gives `LEFT_FREE` back.
fn fill(path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut file = std::fs::File::create(path)?;
    let chunk = vec![0xA5u8; 1024 * 1024];
    let mut written = 0u64;
    loop {
        match file.write(&chunk) {
            Ok(0) => break,
            Ok(n) => written += n as u64,
            Err(e) if e.raw_os_error() == Some(28) => break, // ENOSPC
            Err(e) => return Err(e.into()),
        }
    }
    file.set_len(written.saturating_sub(LEFT_FREE))?;
    file.sync_all()?;
    Ok(())
}

async fn health(base_url: &str) -> Result<(u16, String), Box<dyn std::error::Error>> {
    let answer = reqwest::get(format!("{base_url}/healthz")).await?;
    Ok((answer.status().as_u16(), answer.text().await?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_gets_clear_errors_loses_and_corrupts_nothing_and_recovers_when_space_returns()
-> TestResult {
    let tmpfs = Tmpfs::mount(TMPFS_SIZE)?;
    let data = tmpfs.mount_point.join("data");
    // What fills up here is SQLite's own disk.
    database::keep_on_sqlite(&data);
    let company = set_up_company(&data)?;
    let key = company.deployment_key.clone();
    let server = ServerProcess::start(&data, &[])?;
    let client = QueueClient::new(&server.base_url)?;
    assert_eq!(health(&server.base_url).await?.0, 200);

    let filler = tmpfs.mount_point.join("filler");
    fill(&filler)?;

    // Creates from 8 clients at once until the disk refuses them.
    let acknowledged: Arc<Mutex<Vec<CaseWithToken>>> = Arc::default();
    let refused: Arc<Mutex<Vec<(IdempotencyKey, String)>>> = Arc::default();
    let mut workers = Vec::new();
    for _ in 0..8 {
        let (client, key, acknowledged, refused) = (
            client.clone(),
            key.clone(),
            Arc::clone(&acknowledged),
            Arc::clone(&refused),
        );
        workers.push(tokio::spawn(async move {
            for _ in 0..20_000 {
                let idempotency_key = IdempotencyKey::generate();
                match client
                    .create_case(&key, &idempotency_key, &sos_request(Some("disk full")))
                    .await
                {
                    Ok(created) => acknowledged.lock().await.push(created),
                    Err(e) => {
                        let answer = format!("{:?}: {e}", api_status(&e));
                        refused.lock().await.push((idempotency_key, answer));
                        return;
                    }
                }
            }
        }));
    }
    for worker in workers {
        worker.await?;
    }
    let acknowledged = std::mem::take(&mut *acknowledged.lock().await);
    let refused = std::mem::take(&mut *refused.lock().await);
    assert!(
        !refused.is_empty(),
        "the disk never filled ({} creates)",
        acknowledged.len()
    );
    for (_, answer) in &refused {
        assert!(
            answer.starts_with("Some(503)") && answer.contains("storage is full"),
            "a full disk answers 503 saying so, never 500 or a dropped connection: {answer}"
        );
    }
    let (status, reason) = health(&server.base_url).await?;
    assert_eq!(
        (status, reason.as_str()),
        (503, "the database's disk is full\n")
    );

    // Nothing acknowledged is lost, and the file is sound.
    for created in &acknowledged {
        let read = client.get_case(&created.token, created.case.id).await?;
        assert_eq!(read.code, created.case.code);
    }
    let check = rusqlite::Connection::open_with_flags(
        data.join("lifeline.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    let verdict: String = check.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    assert_eq!(verdict, "ok");
    drop(check);

    // Space returns: health, then creates, come back.
    std::fs::remove_file(&filler)?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while health(&server.base_url).await?.0 != 200 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "healthy again within 10 s of space returning"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Exactly the acknowledged cases are stored: no refused create was written.
    let expected: HashSet<_> = acknowledged.iter().map(|c| c.case.id).collect();
    let mut listed = HashSet::new();
    let mut filter = CaseFilter::default();
    loop {
        let page = client.list_cases(&company.expert_token, &filter).await?;
        listed.extend(page.cases.iter().map(|c| c.id));
        match page.next_cursor {
            Some(cursor) => filter.cursor = Some(cursor),
            None => break,
        }
    }
    assert_eq!(listed, expected, "the acknowledged cases, nothing else");
    // And the refused ones go through when retried now.
    for (idempotency_key, _) in &refused {
        let created = client
            .create_case(&key, idempotency_key, &sos_request(Some("disk full")))
            .await?;
        assert!(!expected.contains(&created.case.id));
    }
    eprintln!(
        "{} creates acknowledged before the disk filled; {} refused with 503",
        acknowledged.len(),
        refused.len()
    );
    drop(server);
    Ok(())
}
