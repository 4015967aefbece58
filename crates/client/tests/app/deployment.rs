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
fn the_logo_is_found_next_to_the_file_and_must_exist() -> TestResult {
    let places = Places::new()?;
    let with_logo = format!(
        "{}\n",
        good_file("help.example.com")?.replace("[branding]\n", "[branding]\nlogo = \"logo.png\"\n")
    );
    places.write(&places.system(), &with_logo)?;

    let error = Deployment::discover_in(&places.paths(None))
        .err()
        .ok_or("a logo that is not there is refused")?;
    assert!(
        error.to_string().contains("branding.logo: cannot open"),
        "{error}"
    );

    let logo = places.system().with_file_name("logo.png");
    places.write(&logo, "png")?;
    let deployment = Deployment::discover_in(&places.paths(None))?;
    assert_eq!(deployment.logo_path(), Some(logo.as_path()));
    Ok(())
}
