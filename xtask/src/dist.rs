//! `cargo xtask dist [--deployment FILE]`: the release installers for this
//! OS, built by the Tauri bundler (the CLI from npm) with the size-tuned
//! `dist` cargo profile.
//!
//! Without `--deployment` the package is generic: IT drops the company's
//! deployment file in the system-wide location. With it the build is branded:
//! the file (and its logo) go into the bundle's resources, where the app finds
//! them last, and the package and its launcher are named after the file's
//! `shortcut_name`. The binary stays `lifeline` either way.
//!
//! On Linux it also builds the queue server's `.deb` and `.rpm`
//! ([`crate::server_package`]); `--server-only` builds just those.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use lifeline_client::{Deployment, DeploymentSource};
use serde_json::json;

use crate::{cargo, server_package, system};

/// Debian/Ubuntu packages the bundles need on top of a Rust toolchain: the
/// app's build dependencies and the appindicator headers (the Tauri CLI
/// panics "Can't detect any appindicator library" without them). The `.rpm`
/// is written by the bundler itself (no `rpmbuild`). npm comes from
/// [`ensure_build_tools`].
pub const DIST_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "ca-certificates",
    "libwebkit2gtk-4.1-dev",
    "libayatana-appindicator3-dev",
];

/// Installs what the build needs: [`DIST_PACKAGES`] and `extra`, and
/// Debian's `npm` only when there is no `npx` at all (a Node.js from
/// elsewhere, such as NodeSource's, brings its own and conflicts with it).
pub fn ensure_build_tools(extra: &[&str]) -> Result<()> {
    let mut packages: Vec<&str> = DIST_PACKAGES.iter().chain(extra).copied().collect();
    if !system::has_program("npx") {
        packages.push("npm");
    }
    system::ensure_packages(&packages)
}

/// The cargo profile of the installers (`[profile.dist]` in the workspace manifest).
pub const PROFILE: &str = "dist";

/// The Tauri CLI, from npm (prebuilt; `cargo install tauri-cli` takes ~7 min).
const TAURI_CLI: &str = "@tauri-apps/cli@2";

/// The desktop app's package (`src-tauri`).
const APP_PACKAGE: &str = "lifeline";

/// The features the Tauri CLI adds to its `cargo build` of the app
/// (tauri-cli's build options: the web assets served from the binary, and
/// its default TLS when the app does not pick rustls).
const TAURI_CLI_FEATURES: &[&str] = &["tauri/custom-protocol", "tauri/native-tls"];

/// On Linux the app's and the server's `dist` builds name both packages and
/// the Tauri CLI's features, so cargo resolves the same features for the
/// dependencies they share and compiles those once. Built apart, the app's
/// extra features (proc-macro2's span locations, serde's `rc`…) recompiled
/// 140 of the server's crates, tokio, hyper, rustls and ring among them, in
/// the fresh-clone CI run of 2026-12-03. If a later Tauri CLI adds other
/// features, the two builds only stop sharing: each binary is still built
/// as before.
const SHARE_SERVER_BUILD: bool = cfg!(target_os = "linux");

/// Builds the queue server's binary with the `dist` profile, its
/// dependencies resolved as in the app's build (see [`SHARE_SERVER_BUILD`]).
pub fn build_server_binary() -> Result<PathBuf> {
    let (alongside, features): (&[&str], &[&str]) = if SHARE_SERVER_BUILD {
        (&[APP_PACKAGE], TAURI_CLI_FEATURES)
    } else {
        (&[], &[])
    };
    let [binary] = cargo::build_binaries_alongside(
        [(server_package::NAME, server_package::NAME)],
        cargo::Profile::Dist,
        features,
        alongside,
    )?;
    Ok(binary)
}

/// The budget for the `.deb`, in bytes.
pub const DEB_BUDGET_BYTES: u64 = 6 * 1000 * 1000;

/// The generic package's name; a branded package replaces it.
const GENERIC_PACKAGE: &str = "lifeline";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A deployment file to build into the installers (a branded build); its
    /// `shortcut_name` names the package and its launcher.
    #[arg(long, value_name = "FILE")]
    deployment: Option<PathBuf>,
    /// Which bundles to build (Tauri's names); by default this OS's
    /// installers: deb,rpm on Linux, msi,nsis on Windows, app,dmg on macOS.
    #[arg(long, value_delimiter = ',')]
    bundles: Vec<String>,
    /// Do not install missing system packages.
    #[arg(long)]
    no_install: bool,
    /// Only the queue server's .deb and .rpm (Linux), not the app's installers.
    #[arg(long, conflicts_with_all = ["deployment", "bundles"])]
    server_only: bool,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let server = cfg!(target_os = "linux");
    if !args.no_install && server {
        system::ensure_packages(server_package::BUILD_PACKAGES)?;
    }
    if args.server_only {
        print_server_packages(&server_package::build()?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if !args.no_install {
        ensure_build_tools(&[])?;
    }
    let bundles = if args.bundles.is_empty() {
        default_bundles().iter().map(|b| b.to_string()).collect()
    } else {
        args.bundles.clone()
    };
    let bundles = build(args.deployment.as_deref(), &bundles)?;
    let server_packages = if server {
        Some(server_package::build()?)
    } else {
        None
    };
    println!("Installers ({PROFILE} profile):");
    for bundle in &bundles {
        println!("  {}  {}", megabytes(bundle.bytes), bundle.path.display());
    }
    if let Some(packages) = &server_packages {
        print_server_packages(packages)?;
    }
    let over_budget = bundles
        .iter()
        .any(|bundle| bundle.kind == "deb" && bundle.bytes > DEB_BUDGET_BYTES);
    if over_budget {
        eprintln!(
            "xtask: the .deb is over its budget of {}",
            megabytes(DEB_BUDGET_BYTES)
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_server_packages(packages: &server_package::ServerPackages) -> Result<()> {
    println!("Queue server packages ({PROFILE} profile):");
    for path in [&packages.deb, &packages.rpm] {
        let bytes = std::fs::metadata(path)
            .with_context(|| format!("failed to read {}", path.display()))?
            .len();
        println!("  {}  {}", megabytes(bytes), path.display());
    }
    Ok(())
}

/// The installers of this OS. (macOS `.pkg`: `productbuild` over the `.app`,
/// see docs/deploying.md.)
fn default_bundles() -> &'static [&'static str] {
    if cfg!(target_os = "windows") {
        &["msi", "nsis"]
    } else if cfg!(target_os = "macos") {
        &["app", "dmg"]
    } else {
        &["deb", "rpm"]
    }
}

/// The bundler's output folder (under `bundle/`) and file extension for a
/// bundle kind.
fn output_of(kind: &str) -> (&str, &str) {
    match kind {
        "nsis" => ("nsis", "exe"),
        "app" => ("macos", "app"),
        other => (other, other),
    }
}

/// One installer the bundler made.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// `deb`, `rpm`…: the bundler's folder name for it.
    pub kind: String,
    pub path: PathBuf,
    pub bytes: u64,
}

/// Builds `bundles` (Tauri bundle names: `deb`, `rpm`…), branded with
/// `deployment` when given, and returns what the bundler made.
pub fn build(deployment: Option<&Path>, bundles: &[String]) -> Result<Vec<Bundle>> {
    let target = cargo::target_dir()?;
    // npm's launcher is a .cmd script on Windows, which Command does not find by "npx".
    let mut tauri = Command::new(if cfg!(windows) { "npx.cmd" } else { "npx" });
    tauri
        .current_dir(cargo::workspace_root().join("src-tauri"))
        .args(["--yes", TAURI_CLI, "build", "--ci", "--bundles"])
        .arg(bundles.join(","));
    if let Some(deployment) = deployment {
        let config = stage_branding(deployment, &target.join("dist-branding"))?;
        tauri.arg("--config").arg(config);
    }
    // Everything after `--` goes to cargo; with `--profile` the CLI leaves out
    // `--release` and looks for the binary in target/<profile>.
    tauri.args(["--", "--profile", PROFILE]);
    if SHARE_SERVER_BUILD {
        // The CLI adds `--bins` and its features: the server's binary is built
        // (or found built) in the same run, on the same dependencies.
        tauri.args(["--package", APP_PACKAGE, "--package", server_package::NAME]);
    }

    // Only this run's installers in the output folders, so what is listed is
    // what was built (a branded package has another file name).
    let bundle_dir = target.join(PROFILE).join("bundle");
    for kind in bundles {
        let dir = bundle_dir.join(output_of(kind).0);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("failed to empty {}", dir.display()))?;
        }
    }

    eprintln!(
        "xtask: npx {TAURI_CLI} build --bundles {} (cargo profile {PROFILE})",
        bundles.join(",")
    );
    let started = Instant::now();
    let status = cargo::run_streaming(tauri, "npx (Debian: apt-get install npm)")?;
    if !status.success() {
        bail!("tauri build failed ({status})");
    }
    eprintln!(
        "xtask: installers built in {:.0} s",
        started.elapsed().as_secs_f64()
    );

    let mut made = Vec::new();
    for kind in bundles {
        let (folder, extension) = output_of(kind);
        let dir = bundle_dir.join(folder);
        let entries =
            std::fs::read_dir(&dir).with_context(|| format!("failed to read {}", dir.display()))?;
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.extension().is_some_and(|ext| ext == extension) {
                let bytes = entry
                    .metadata()
                    .with_context(|| format!("failed to read {}", path.display()))?
                    .len();
                made.push(Bundle {
                    kind: kind.clone(),
                    path,
                    bytes,
                });
            }
        }
    }
    if made.is_empty() {
        bail!("tauri build made no installer in {}", bundle_dir.display());
    }
    Ok(made)
}

/// Checks the deployment file with the app's own parser, copies it (and its
/// logo) into `staging`, and writes the Tauri config override that bundles
/// them and names the package; returns the override's path.
fn stage_branding(deployment: &Path, staging: &Path) -> Result<PathBuf> {
    let deployment = Deployment::load(deployment, DeploymentSource::Explicit)
        .with_context(|| format!("{} is not a usable deployment file", deployment.display()))?;
    if let Some(problem) = deployment.logo_problem() {
        // The app would run without it; a build made to carry it should not.
        bail!("{}: branding.logo: {problem}", deployment.path().display());
    }
    if staging.exists() {
        std::fs::remove_dir_all(staging)
            .with_context(|| format!("failed to empty {}", staging.display()))?;
    }
    std::fs::create_dir_all(staging)
        .with_context(|| format!("failed to create {}", staging.display()))?;

    // The app resolves the logo against the deployment file's folder, which
    // in the bundle is the resource folder: the logo goes in next to it under
    // its file name, and the file is rewritten only if it named it otherwise.
    let mut resources = vec![(
        staging.join("deployment.toml"),
        "deployment.toml".to_owned(),
    )];
    let mut text = std::fs::read_to_string(deployment.path())
        .with_context(|| format!("failed to read {}", deployment.path().display()))?;
    if let (Some(logo_path), Some(written)) = (deployment.logo_path(), &deployment.branding().logo)
    {
        let name = logo_path
            .file_name()
            .and_then(|name| name.to_str())
            .context("the logo's file name is not UTF-8")?
            .to_owned();
        if name == "deployment.toml" {
            bail!("the logo cannot be called deployment.toml");
        }
        std::fs::copy(logo_path, staging.join(&name))
            .with_context(|| format!("failed to copy the logo {}", logo_path.display()))?;
        if *written != name {
            let mut file = deployment.file().clone();
            file.branding.logo = Some(name.clone());
            text = format!(
                "# {} with the logo next to it, for the installer.\n{}",
                deployment.path().display(),
                toml::to_string(&file).context("failed to write the deployment file")?
            );
        }
        resources.push((staging.join(&name), name));
    }
    std::fs::write(staging.join("deployment.toml"), text)
        .context("failed to stage the deployment file")?;

    let config = branded_config(&deployment.behaviour().shortcut_name, &resources);
    let path = staging.join("tauri.branded.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&config)?)
        .with_context(|| format!("failed to write {}", path.display()))?;
    eprintln!(
        "xtask: branded build \"{}\" with {}",
        deployment.behaviour().shortcut_name,
        deployment.path().display()
    );
    Ok(path)
}

/// The override merged into `tauri.conf.json` (JSON merge patch) for a
/// branded build: the product (package, launcher, install folder) takes the
/// shortcut's name; the resources gain the deployment file and logo, next to
/// the SOS icons already listed. A branded package takes the generic one's
/// place, since both install `/usr/bin/lifeline`.
fn branded_config(shortcut_name: &str, resources: &[(PathBuf, String)]) -> serde_json::Value {
    let resources: serde_json::Map<String, serde_json::Value> = resources
        .iter()
        .map(|(source, target)| (source.display().to_string(), json!(target)))
        .collect();
    let mut config = json!({
        "productName": shortcut_name,
        "bundle": { "resources": resources },
    });
    if deb_package_name(shortcut_name) != GENERIC_PACKAGE {
        let generic = json!([GENERIC_PACKAGE]);
        config["bundle"]["linux"] = json!({
            "deb": { "provides": generic, "conflicts": generic, "replaces": generic },
            "rpm": { "provides": generic, "conflicts": generic, "obsoletes": generic },
        });
    }
    config
}

/// The package name the Tauri bundler derives from the product name.
pub fn deb_package_name(product_name: &str) -> String {
    product_name.to_lowercase().replace(' ', "-")
}

fn megabytes(bytes: u64) -> String {
    format!("{:.2} MB", bytes as f64 / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_branded_build_names_the_product_and_adds_the_file_and_logo_as_resources() {
        let config = branded_config(
            "Acme Help",
            &[
                ("/s/deployment.toml".into(), "deployment.toml".into()),
                ("/s/acme.png".into(), "acme.png".into()),
            ],
        );
        assert_eq!(config["productName"], "Acme Help");
        assert_eq!(
            config["bundle"]["resources"]["/s/deployment.toml"],
            "deployment.toml"
        );
        assert_eq!(config["bundle"]["resources"]["/s/acme.png"], "acme.png");
        assert_eq!(
            config["bundle"]["linux"]["deb"]["replaces"],
            json!(["lifeline"]),
            "a branded package takes the generic one's place"
        );
    }

    fn tauri_config() -> serde_json::Value {
        let path = cargo::workspace_root().join("src-tauri/tauri.conf.json");
        let text = std::fs::read_to_string(&path).expect("tauri.conf.json is readable");
        serde_json::from_str(&text).expect("tauri.conf.json is JSON")
    }

    #[test]
    fn the_windows_and_macos_bundle_configuration_is_complete() {
        let config = tauri_config();
        let windows = &config["bundle"]["windows"];
        assert_eq!(
            windows["nsis"]["installMode"], "perMachine",
            "the NSIS installer installs for every user"
        );
        assert!(
            windows["wix"]["upgradeCode"].is_string(),
            "a fixed upgrade code lets a branded MSI upgrade the generic one"
        );
        assert_eq!(
            windows["wix"]["componentGroupRefs"],
            json!(["DeploymentFile"])
        );
        let fragments = windows["wix"]["fragmentPaths"]
            .as_array()
            .expect("fragmentPaths is a list");
        for fragment in fragments {
            let path = cargo::workspace_root()
                .join("src-tauri")
                .join(fragment.as_str().expect("a path"));
            assert!(path.is_file(), "{} exists", path.display());
        }
        assert!(config["bundle"]["macOS"]["minimumSystemVersion"].is_string());
    }

    #[test]
    fn the_wix_fragment_is_well_formed_and_copies_the_deployment_file() {
        use quick_xml::events::Event;

        let path = cargo::workspace_root().join("src-tauri/windows/deployment-file.wxs");
        let text = std::fs::read_to_string(&path).expect("the fragment is readable");
        // The reader checks that every end tag matches its start tag.
        let mut reader = quick_xml::Reader::from_str(&text);
        let mut ids = Vec::new();
        loop {
            match reader.read_event() {
                Ok(Event::Start(element) | Event::Empty(element)) => {
                    if let Some(id) = element
                        .try_get_attribute("Id")
                        .expect("attributes are well-formed")
                    {
                        ids.push(id.value.to_string());
                    }
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(error) => panic!(
                    "{} is not well-formed XML at byte {}: {error}",
                    path.display(),
                    reader.error_position()
                ),
            }
        }
        for id in [
            "DEPLOYMENT_FILE",
            "DeploymentFile",
            "CopyDeploymentFile",
            "LifelineProgramData",
        ] {
            assert!(
                ids.iter().any(|found| found == id),
                "the fragment defines {id}"
            );
        }
        assert!(
            text.contains("[LifelineProgramData]deployment.toml"),
            "the file lands at %ProgramData%\\Lifeline\\deployment.toml"
        );
    }

    /// Rights a WiX `Permission` element grants that let its holder change a
    /// folder or what is in it (everything but reading and listing).
    const WRITE_RIGHTS: &[&str] = &[
        "GenericAll",
        "GenericWrite",
        "Write",
        "Append",
        "CreateFile",
        "CreateChild",
        "CreateSubkeys",
        "Delete",
        "DeleteChild",
        "WriteAttributes",
        "WriteExtendedAttributes",
        "ChangePermission",
        "TakeOwnership",
    ];

    #[test]
    fn the_program_data_folder_is_writable_by_administrators_and_system_only() {
        use quick_xml::events::Event;

        let path = cargo::workspace_root().join("src-tauri/windows/deployment-file.wxs");
        let text = std::fs::read_to_string(&path).expect("the fragment is readable");
        let mut reader = quick_xml::Reader::from_str(&text);
        // (user, rights granted) of each Permission under the folder's CreateFolder.
        let mut grants: Vec<(String, Vec<String>)> = Vec::new();
        let (mut in_folder_component, mut in_create_folder) = (false, false);
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(element) | Event::Empty(element)
                    if element.name().into_inner() == "Component" =>
                {
                    in_folder_component = element
                        .try_get_attribute("Directory")
                        .expect("attributes are well-formed")
                        .is_some_and(|d| &*d.value == "LifelineProgramData");
                }
                Event::Start(element) if element.name().into_inner() == "CreateFolder" => {
                    in_create_folder = in_folder_component;
                }
                Event::End(element) if element.name().into_inner() == "CreateFolder" => {
                    in_create_folder = false;
                }
                Event::Empty(element)
                    if in_create_folder && element.name().into_inner() == "Permission" =>
                {
                    let mut user = String::new();
                    let mut rights = Vec::new();
                    for attribute in element.attributes() {
                        let attribute = attribute.expect("attributes are well-formed");
                        let key = attribute.key.as_ref().to_string();
                        let value = attribute.value.to_string();
                        if key == "User" {
                            user = value;
                        } else if value == "yes" {
                            rights.push(key);
                        }
                    }
                    grants.push((user, rights));
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let writers: Vec<&str> = grants
            .iter()
            .filter(|(_, rights)| rights.iter().any(|r| WRITE_RIGHTS.contains(&r.as_str())))
            .map(|(user, _)| user.as_str())
            .collect();
        assert_eq!(
            writers,
            ["Administrators", "SYSTEM"],
            "only administrators and SYSTEM may write: {grants:?}"
        );
        let users = grants
            .iter()
            .find(|(user, _)| user == "Users")
            .expect("users may read the deployment file");
        assert_eq!(users.1, ["GenericRead", "GenericExecute"]);
    }

    #[test]
    fn removing_the_package_removes_the_autostart_entries_and_purging_the_shortcuts() -> Result<()>
    {
        let script = cargo::workspace_root().join("src-tauri/linux/postrm.sh");
        let root = tempfile::tempdir()?;
        let home = root.path().join("home/ana");
        let entry = |dir: &str, name: &str, exec: &str| -> Result<PathBuf> {
            let dir = home.join(dir);
            std::fs::create_dir_all(&dir)?;
            let path = dir.join(name);
            std::fs::write(
                &path,
                format!("[Desktop Entry]\nType=Application\nExec={exec}\n"),
            )?;
            Ok(path)
        };
        let autostart = entry(
            ".config/autostart",
            "Acme Help.desktop",
            "/usr/bin/lifeline --autostart",
        )?;
        let other = entry(
            ".config/autostart",
            "other.desktop",
            "/usr/bin/other --autostart",
        )?;
        let shortcut = entry("Desktop", "Acme SOS.desktop", "/usr/bin/lifeline --sos")?;
        let menu = entry(
            ".local/share/applications",
            "lifeline-sos.desktop",
            "/usr/bin/lifeline --sos",
        )?;
        let postrm = |argument: &str| -> Result<()> {
            let status = Command::new("sh")
                .arg(&script)
                .arg(argument)
                .env("DPKG_ROOT", root.path())
                .status()?;
            anyhow::ensure!(status.success(), "postrm {argument} failed: {status}");
            Ok(())
        };

        postrm("upgrade")?;
        assert!(
            autostart.exists() && shortcut.exists(),
            "an upgrade keeps everything"
        );
        postrm("remove")?;
        assert!(
            !autostart.exists(),
            "removing drops the app's autostart entry"
        );
        assert!(other.exists(), "another app's entry stays");
        assert!(
            shortcut.exists() && menu.exists(),
            "removing keeps the shortcuts"
        );
        postrm("purge")?;
        assert!(
            !shortcut.exists() && !menu.exists(),
            "purging drops the shortcuts"
        );
        assert!(other.exists());
        Ok(())
    }

    #[test]
    fn staging_puts_the_logo_next_to_the_file_and_the_file_still_finds_it() -> Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::create_dir(dir.path().join("branding"))?;
        std::fs::copy(
            cargo::workspace_root().join("icons/sos/sos.png"),
            dir.path().join("branding/acme.png"),
        )?;
        let source = dir.path().join("acme.toml");
        std::fs::write(
            &source,
            "server_url = \"https://help.acme.com\"\ndeployment_key = \"dk_x\"\n\n\
             [branding]\ncompany_name = \"Acme\"\naccent_color = \"#112233\"\nlogo = \"branding/acme.png\"\n\n\
             [behaviour]\nshortcut_name = \"Acme SOS\"\n",
        )?;
        let staging = dir.path().join("staging");

        let config_path = stage_branding(&source, &staging)?;

        let staged = Deployment::load(&staging.join("deployment.toml"), DeploymentSource::Bundled)?;
        assert_eq!(staged.logo_path(), Some(staging.join("acme.png").as_path()));
        assert_eq!(staged.deployment_key(), "dk_x");
        let config: serde_json::Value = serde_json::from_slice(&std::fs::read(config_path)?)?;
        assert_eq!(config["productName"], "Acme SOS");
        let resources = config["bundle"]["resources"].as_object().expect("a map");
        assert_eq!(resources.len(), 2, "{resources:?}");
        Ok(())
    }

    #[test]
    fn a_broken_deployment_file_stops_the_build_naming_the_problem() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let source = dir.path().join("acme.toml");
        std::fs::write(
            &source,
            "server_url = \"ftp://x\"\ndeployment_key = \"dk_x\"\n",
        )
        .expect("written");
        let error = stage_branding(&source, &dir.path().join("staging"))
            .expect_err("an ftp URL is refused");
        assert!(format!("{error:#}").contains("server_url"), "{error:#}");
    }

    #[test]
    fn a_logo_the_app_could_not_use_stops_a_branded_build() {
        // The app would only warn and show no logo; a build meant to carry it should not ship.
        let dir = tempfile::tempdir().expect("a temporary folder");
        let source = dir.path().join("acme.toml");
        std::fs::write(
            &source,
            "server_url = \"https://help.acme.com\"\ndeployment_key = \"dk_x\"\n\n[branding]\nlogo = \"missing.png\"\n",
        )
        .expect("written");
        let error = stage_branding(&source, &dir.path().join("staging"))
            .expect_err("a missing logo is refused");
        assert!(
            format!("{error:#}").contains("branding.logo: cannot open"),
            "{error:#}"
        );
    }

    #[test]
    fn a_build_named_like_the_generic_package_does_not_conflict_with_itself() {
        let config = branded_config("Lifeline", &[]);
        assert!(config["bundle"].get("linux").is_none());
    }
}
