//! `cargo xtask openapi`: writes the server's OpenAPI document to
//! `docs/openapi.json`, the checked-in copy of what `/api/v1/openapi.json`
//! serves (the API suite fails while the two differ).

use std::path::PathBuf;
use std::process::{ExitCode, Stdio};

use anyhow::{Context, Result, bail};

use crate::cargo;

/// Where the checked-in document lives, from the workspace root.
const DOCUMENT: &str = "docs/openapi.json";

/// Regenerates `docs/openapi.json` from the server's code.
pub fn run() -> Result<ExitCode> {
    eprintln!("xtask: generating the OpenAPI document");
    let output = cargo::command()
        .args([
            "run",
            "--quiet",
            "--package",
            "lifeline-queue",
            "--example",
            "openapi",
        ])
        .stderr(Stdio::inherit())
        .output()
        .context("failed to run cargo")?;
    if !output.status.success() {
        bail!(
            "the openapi example of lifeline-queue failed ({})",
            output.status
        );
    }
    let path: PathBuf = cargo::workspace_root().join(DOCUMENT);
    let unchanged = std::fs::read(&path).is_ok_and(|old| old == output.stdout);
    std::fs::write(&path, &output.stdout)
        .with_context(|| format!("failed to write {}", path.display()))?;
    eprintln!(
        "xtask: {} {}",
        path.display(),
        if unchanged { "unchanged" } else { "written" }
    );
    Ok(ExitCode::SUCCESS)
}
