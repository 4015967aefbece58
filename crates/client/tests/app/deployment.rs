//! Finding the deployment file, and saying clearly what is wrong with it.

use std::path::Path;

use lifeline_client::{Deployment, DeploymentError, DeploymentSource, DiscoveryPaths};

use crate::helpers::{Fallible, TestResult, deployment_toml};

/// A folder standing in for the machine: a system-wide file and a bundled one.
struct Places {
    dir: tempfile::TempDir,
}

impl Places {
    fn new() -> Fallible<Self> {
        Ok(Self {
            dir: tempfile::tempdir()?,
        })
    }

    fn system(&self) -> std::path::PathBuf {
        self.dir
            .path()
            .join("etc")
            .join("lifeline")
            .join("deployment.toml")
    }

    fn bundled(&self) -> std::path::PathBuf {
        self.dir.path().join("resources").join("deployment.toml")
    }

    fn write(&self, path: &Path, text: &str) -> TestResult {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
        Ok(())
    }

    fn paths(&self, explicit: Option<&Path>) -> DiscoveryPaths {
        DiscoveryPaths {
            explicit: explicit.map(Path::to_path_buf),
            system: Some(self.system()),
            bundled: Some(self.bundled()),
        }
    }
}

fn good_file(host: &str) -> Fallible<String> {
    deployment_toml(&format!("https://{host}"), "dk_abc")
}

#[test]
fn the_system_wide_file_wins_over_the_bundled_one() -> TestResult {
    let places = Places::new()?;
    places.write(&places.system(), &good_file("system.example.com")?)?;
    places.write(&places.bundled(), &good_file("bundled.example.com")?)?;

    let deployment = Deployment::discover_in(&places.paths(None))?;

    assert_eq!(deployment.source(), DeploymentSource::System);
    assert_eq!(deployment.server_url(), "https://system.example.com");
    assert_eq!(deployment.path(), places.system());
    Ok(())
}

#[test]
fn an_explicit_path_wins_over_everything() -> TestResult {
    let places = Places::new()?;
    places.write(&places.system(), &good_file("system.example.com")?)?;
    let explicit = places.dir.path().join("mine.toml");
    places.write(&explicit, &good_file("mine.example.com")?)?;

    let deployment = Deployment::discover_in(&places.paths(Some(&explicit)))?;

    assert_eq!(deployment.source(), DeploymentSource::Explicit);
    assert_eq!(deployment.server_host(), "mine.example.com");
    Ok(())
}

#[test]
fn the_bundled_file_is_used_when_there_is_no_system_wide_one() -> TestResult {
    let places = Places::new()?;
    places.write(&places.bundled(), &good_file("bundled.example.com")?)?;

    let deployment = Deployment::discover_in(&places.paths(None))?;

    assert_eq!(deployment.source(), DeploymentSource::Bundled);
    Ok(())
}

#[test]
fn a_missing_explicit_file_is_an_error_naming_it_not_a_fallthrough() -> TestResult {
    let places = Places::new()?;
    places.write(&places.bundled(), &good_file("bundled.example.com")?)?;
    let explicit = places.dir.path().join("typo.toml");

    let error = Deployment::discover_in(&places.paths(Some(&explicit)))
        .err()
        .ok_or("a missing explicit file must not fall through to the bundled one")?;

    assert!(
        matches!(error, DeploymentError::Missing { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!("{}: the deployment file does not exist", explicit.display())
    );
    Ok(())
}

#[test]
fn no_file_anywhere_lists_every_place_looked_in() -> TestResult {
    let places = Places::new()?;

    let error = Deployment::discover_in(&places.paths(None))
        .err()
        .ok_or("nothing to find")?;

    assert_eq!(error.code(), "not_found");
    assert_eq!(
        error.to_string(),
        format!(
            "no deployment file found; looked in: {}, {}",
            places.system().display(),
            places.bundled().display()
        )
    );
    Ok(())
}

#[test]
fn a_broken_system_file_is_reported_not_skipped_for_the_bundled_one() -> TestResult {
    let places = Places::new()?;
    places.write(
        &places.system(),
        "server_url = \"https://help.example.com\"\ndeployment_key = \n",
    )?;
    places.write(&places.bundled(), &good_file("bundled.example.com")?)?;

    let error = Deployment::discover_in(&places.paths(None))
        .err()
        .ok_or("a broken file is an error")?;

    let message = error.to_string();
    assert!(
        message.starts_with(&format!("{}:2:", places.system().display())),
        "the message names the file and line: {message}"
    );
    assert_eq!(error.code(), "syntax");
    Ok(())
}

#[test]
fn a_bad_value_names_the_file_and_the_setting() -> TestResult {
    let places = Places::new()?;
    places.write(
        &places.system(),
        &deployment_toml("https://help.example.com", "abc")?,
    )?;

    let error = Deployment::discover_in(&places.paths(None))
        .err()
        .ok_or("a key without dk_ is refused")?;

    assert_eq!(
        error.to_string(),
        format!(
            "{}: deployment_key: must start with dk_",
            places.system().display()
        )
    );
    Ok(())
}

#[test]
fn a_logo_next_to_the_file_is_found_and_a_missing_one_only_leaves_the_window_without() -> TestResult
{
    let places = Places::new()?;
    let with_logo = format!(
        "{}\n",
        good_file("help.example.com")?.replace("[branding]\n", "[branding]\nlogo = \"logo.png\"\n")
    );
    places.write(&places.system(), &with_logo)?;

    // Not there: the file still loads (server, key, behaviour), without a logo.
    let deployment = Deployment::discover_in(&places.paths(None))?;
    assert_eq!(deployment.deployment_key(), "dk_abc");
    assert!(deployment.logo().is_none());
    let problem = deployment
        .logo_problem()
        .ok_or("the missing logo is reported")?;
    assert!(
        problem.starts_with("cannot open ") && problem.contains("logo.png"),
        "{problem}"
    );

    let logo = places.system().with_file_name("logo.png");
    places.write(&logo, "png")?;
    let deployment = Deployment::discover_in(&places.paths(None))?;
    assert_eq!(deployment.logo_path(), Some(logo.as_path()));
    assert_eq!(deployment.logo().map(|l| l.bytes()), Some(&b"png"[..]));
    assert_eq!(deployment.logo_problem(), None);
    Ok(())
}

#[test]
fn the_logo_is_read_when_first_asked_for_not_with_the_file() -> TestResult {
    let places = Places::new()?;
    let with_logo = format!(
        "{}\n",
        good_file("help.example.com")?.replace("[branding]\n", "[branding]\nlogo = \"logo.png\"\n")
    );
    places.write(&places.system(), &with_logo)?;
    // Loading the file reads no logo (the app shows the code first)...
    let deployment = Deployment::discover_in(&places.paths(None))?;
    let logo = places.system().with_file_name("logo.png");
    places.write(&logo, "png")?;
    // ...so a logo put in place afterwards is the one first asked for,
    assert_eq!(deployment.logo().map(|l| l.bytes()), Some(&b"png"[..]));
    // and once read, it is kept: the window does not read it twice.
    std::fs::remove_file(&logo)?;
    assert_eq!(deployment.logo_path(), Some(logo.as_path()));
    assert_eq!(deployment.logo_problem(), None);
    Ok(())
}

#[test]
fn a_logo_carried_in_the_file_needs_nothing_beside_it() -> TestResult {
    let places = Places::new()?;
    // The PNG signature, as `base64 -w0` would write it.
    let with_logo = format!(
        "{}\n",
        good_file("help.example.com")?.replace(
            "[branding]\n",
            "[branding]\nlogo = \"data:image/png;base64,iVBORw0KGgo=\"\n"
        )
    );
    places.write(&places.system(), &with_logo)?;
    let deployment = Deployment::discover_in(&places.paths(None))?;
    let logo = deployment.logo().ok_or("the carried logo is used")?;
    assert_eq!(logo.bytes(), b"\x89PNG\r\n\x1a\n");
    assert_eq!(logo.data_url(), "data:image/png;base64,iVBORw0KGgo=");
    assert_eq!(
        deployment.logo_path(),
        None,
        "no file to point a shortcut at"
    );

    let broken = with_logo.replace("image/png;base64,iVBORw0KGgo=", "text/html;base64,PGI+");
    places.write(&places.system(), &broken)?;
    let deployment = Deployment::discover_in(&places.paths(None))?;
    assert!(deployment.logo().is_none());
    assert!(
        deployment
            .logo_problem()
            .is_some_and(|p| p.contains("image/png")),
        "{:?}",
        deployment.logo_problem()
    );
    Ok(())
}

/// Whoever can write the system-wide file picks the server every account
/// talks to, so a file ordinary users can change is refused, not used and
/// not skipped for the bundled one. (CI runs as root, so the files a test
/// writes belong to root, as IT's do.)
#[cfg(unix)]
#[test]
fn a_system_wide_file_ordinary_users_can_write_is_refused_saying_how_to_fix_it() -> TestResult {
    use std::os::unix::fs::PermissionsExt as _;

    let chmod = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    };
    let places = Places::new()?;
    places.write(&places.system(), &good_file("system.example.com")?)?;
    places.write(&places.bundled(), &good_file("bundled.example.com")?)?;
    let folder = places.system().parent().ok_or("a folder")?.to_path_buf();
    chmod(&folder, 0o755)?;

    for mode in [0o666, 0o664] {
        chmod(&places.system(), mode)?;
        let error = Deployment::discover_in(&places.paths(None))
            .err()
            .ok_or("a file others can write is refused")?;
        assert_eq!(error.code(), "unprotected");
        let message = error.to_string();
        assert!(
            message.starts_with(&format!(
                "{}: not used, ordinary users could change it: ",
                places.system().display()
            )) && message.contains("chmod go-w"),
            "{message}"
        );
    }

    chmod(&places.system(), 0o644)?;
    chmod(&folder, 0o777)?;
    let error = Deployment::discover_in(&places.paths(None))
        .err()
        .ok_or("a folder others can write is refused")?;
    assert_eq!(error.code(), "unprotected");
    assert!(error.to_string().contains("mode 0777"), "{error}");

    chmod(&folder, 0o755)?;
    let deployment = Deployment::discover_in(&places.paths(None))?;
    assert_eq!(deployment.source(), DeploymentSource::System);
    Ok(())
}

#[test]
fn plain_http_to_another_machine_needs_allow_insecure_http() -> TestResult {
    let places = Places::new()?;
    let explicit = places.dir.path().join("lan.toml");
    let lan = deployment_toml("http://192.168.1.20:8080", "dk_abc")?;
    places.write(&explicit, &lan)?;
    let error = Deployment::discover_in(&places.paths(Some(&explicit)))
        .err()
        .ok_or("http:// to a LAN address is refused")?;
    assert_eq!(error.code(), "invalid");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("{}: server_url: ", explicit.display()))
            && message.contains("allow_insecure_http = true"),
        "the message names the file, the setting and the key that allows it: {message}"
    );

    places.write(&explicit, &format!("allow_insecure_http = true\n{lan}"))?;
    let deployment = Deployment::discover_in(&places.paths(Some(&explicit)))?;
    assert_eq!(deployment.server_url(), "http://192.168.1.20:8080");
    Ok(())
}

/// The operator's manual, where IT reads what each key does.
fn operating_manual() -> Fallible<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/operating.md");
    Ok(std::fs::read_to_string(path)?)
}

#[test]
fn the_manuals_branded_example_is_a_file_the_app_reads_whole() -> TestResult {
    let manual = operating_manual()?;
    let after = manual
        .split_once("A full branded example")
        .ok_or("the manual has a full branded example")?
        .1;
    let example = after
        .split_once("```toml\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .ok_or("the example is a toml block")?
        .0;
    let deployment = Deployment::parse(
        example,
        Path::new("/etc/lifeline/deployment.toml"),
        DeploymentSource::System,
    )?;
    assert_eq!(deployment.logo_problem(), None);
    assert_eq!(deployment.logo().map(|l| l.media_type()), Some("image/png"));
    assert_ne!(
        deployment.branding(),
        &lifeline_protocol::Branding::default()
    );
    Ok(())
}

#[test]
fn the_manual_names_every_key_of_the_deployment_file() -> TestResult {
    // Every field set, so serialising leaves none out.
    let mut file: lifeline_protocol::DeploymentFile =
        toml::from_str(&deployment_toml("https://help.example.com", "dk_abc")?)?;
    file.allow_insecure_http = true;
    file.branding.logo = Some("logo.png".into());
    let table: toml::Table = toml::from_str(&toml::to_string(&file)?)?;
    let mut keys = Vec::new();
    for (key, value) in &table {
        match value.as_table() {
            Some(inner) => keys.extend(inner.keys().map(|k| format!("`[{key}] {k}`"))),
            None => keys.push(format!("`{key}`")),
        }
    }
    assert!(keys.len() >= 10, "{keys:?}");
    let manual = operating_manual()?;
    let missing: Vec<&String> = keys.iter().filter(|k| !manual.contains(*k)).collect();
    assert!(
        missing.is_empty(),
        "docs/operating.md does not document {missing:?}"
    );
    Ok(())
}
