//! axe-core, the accessibility checker the console's browser tests run in
//! each page: installed from npm into the target dir (not committed), its
//! path handed to the tests as `LIFELINE_AXE_JS`.

use std::path::PathBuf;
use std::process::Command;

use anyhow::Result;

use crate::{cargo, system};

/// The axe-core release the tests are known to pass with.
const AXE_CORE: &str = "axe-core@4.14.1";

/// Where it goes, under the target dir; the tests look there too when
/// `LIFELINE_AXE_JS` is not set (`tests/tests/console_a11y.rs`).
const FOLDER: &str = "axe-core";
const SCRIPT: &str = "node_modules/axe-core/axe.min.js";

/// The path of `axe.min.js` under the target dir, installed or not.
pub fn script() -> Result<PathBuf> {
    Ok(cargo::target_dir()?.join(FOLDER).join(SCRIPT))
}

/// Installs axe-core with npm unless this version is already there; answers
/// the path of `axe.min.js`.
pub fn ensure() -> Result<PathBuf> {
    let prefix = cargo::target_dir()?.join(FOLDER);
    let script = prefix.join(SCRIPT);
    let wanted = AXE_CORE.trim_start_matches("axe-core@");
    let manifest = prefix.join("node_modules/axe-core/package.json");
    let installed = std::fs::read_to_string(&manifest)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|json| json["version"].as_str().map(str::to_owned));
    if installed.as_deref() == Some(wanted) && script.is_file() {
        eprintln!("xtask: {AXE_CORE} present: {}", script.display());
        return Ok(script);
    }
    if !system::has_program("npm") {
        system::ensure_packages(&["npm"])?;
    }
    std::fs::create_dir_all(&prefix)?;
    eprintln!("xtask: npm install {AXE_CORE} into {}", prefix.display());
    // npm's launcher is a .cmd script on Windows, which Command does not find by "npm".
    let mut npm = Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" });
    npm.arg("install").arg("--prefix").arg(&prefix).args([
        "--no-save",
        "--no-audit",
        "--no-fund",
        AXE_CORE,
    ]);
    system::run_checked(npm, "npm install axe-core (Debian: apt-get install npm)")?;
    if !script.is_file() {
        anyhow::bail!(
            "npm installed {AXE_CORE} but {} is not there",
            script.display()
        );
    }
    Ok(script)
}
