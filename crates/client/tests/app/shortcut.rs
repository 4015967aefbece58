//! The SOS shortcut, written into a temporary home.

use std::path::PathBuf;

use lifeline_client::shortcut::{
    ShortcutDirs, ShortcutKind, ShortcutOutcome, ShortcutTarget, ensure_shortcut,
};
use lifeline_client::{Deployment, DeploymentSource, StateStore};

use crate::helpers::{Fallible, TestResult, deployment_toml};

/// A customer's home with an app installed in it.
struct Home {
    dir: tempfile::TempDir,
    state: StateStore,
}

impl Home {
    fn new() -> Fallible<Self> {
        let dir = tempfile::tempdir()?;
        let state = StateStore::new(dir.path().join(".local/share/lifeline/state.json"));
        Ok(Self { dir, state })
    }

    fn dirs(&self) -> ShortcutDirs {
        ShortcutDirs {
            desktop: self.dir.path().join("Escritorio"),
            applications: Some(self.dir.path().join(".local/share/applications")),
        }
    }

    fn target(&self) -> ShortcutTarget {
        ShortcutTarget {
            app: PathBuf::from("/opt/lifeline/lifeline"),
            default_icon: Some(PathBuf::from("/opt/lifeline/sos.png")),
            language: "es".into(),
        }
    }

    /// The deployment file, with `enforce_shortcut` as given.
    fn deployment(&self, enforce: bool) -> Fallible<Deployment> {
        let path = self.dir.path().join("deployment.toml");
        let text = deployment_toml("https://help.example.com", "dk_abc")?.replace(
            "enforce_shortcut = false",
            &format!("enforce_shortcut = {enforce}"),
        );
        std::fs::write(&path, text)?;
        Ok(Deployment::load(&path, DeploymentSource::Explicit)?)
    }

    fn install(&self, enforce: bool, kind: ShortcutKind) -> Fallible<ShortcutOutcome> {
        Ok(ensure_shortcut(
            &self.deployment(enforce)?,
            &self.state,
            &self.target(),
            &self.dirs(),
            kind,
        )?)
    }

    fn desktop_file(&self, name: &str) -> PathBuf {
        self.dirs().desktop.join(name)
    }
}

#[test]
fn first_run_puts_an_executable_launcher_on_the_desktop_and_in_the_menu() -> TestResult {
    let home = Home::new()?;

    let outcome = home.install(false, ShortcutKind::DesktopEntry)?;

    let on_desktop = home.desktop_file("Acme SOS.desktop");
    let in_menu = home
        .dir
        .path()
        .join(".local/share/applications/lifeline-sos.desktop");
    assert_eq!(
        outcome,
        ShortcutOutcome::Created {
            files: vec![on_desktop.clone(), in_menu.clone()]
        }
    );
    let entry = std::fs::read_to_string(&on_desktop)?;
    assert!(entry.contains("\nName=Acme SOS\n"), "{entry}");
    assert!(
        entry.contains("\nComment=Pedir ayuda a Acme IT\n"),
        "the tooltip speaks the app's language: {entry}"
    );
    assert!(
        entry.contains("\nExec=\"/opt/lifeline/lifeline\" --sos\n"),
        "{entry}"
    );
    assert!(entry.contains("\nIcon=/opt/lifeline/sos.png\n"), "{entry}");
    assert_eq!(
        std::fs::read_to_string(&in_menu)?,
        entry,
        "the menu entry is the same launcher"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&on_desktop)?.permissions().mode();
        assert_eq!(
            mode & 0o111,
            0o111,
            "desktops only run executable launchers: {mode:o}"
        );
    }
    assert!(
        home.state.load()?.shortcut_installed,
        "the installation is recorded"
    );
    Ok(())
}

#[test]
fn a_second_run_leaves_the_shortcut_alone() -> TestResult {
    let home = Home::new()?;
    home.install(false, ShortcutKind::DesktopEntry)?;

    assert_eq!(
        home.install(false, ShortcutKind::DesktopEntry)?,
        ShortcutOutcome::AlreadyPresent
    );
    Ok(())
}

#[test]
fn a_shortcut_the_customer_deleted_stays_deleted() -> TestResult {
    let home = Home::new()?;
    home.install(false, ShortcutKind::DesktopEntry)?;
    let on_desktop = home.desktop_file("Acme SOS.desktop");
    std::fs::remove_file(&on_desktop)?;

    let outcome = home.install(false, ShortcutKind::DesktopEntry)?;

    assert_eq!(outcome, ShortcutOutcome::LeftDeleted);
    assert!(!on_desktop.exists(), "the customer's choice stands");
    Ok(())
}

#[test]
fn an_enforced_shortcut_comes_back_after_being_deleted() -> TestResult {
    let home = Home::new()?;
    home.install(true, ShortcutKind::DesktopEntry)?;
    let on_desktop = home.desktop_file("Acme SOS.desktop");
    std::fs::remove_file(&on_desktop)?;

    let outcome = home.install(true, ShortcutKind::DesktopEntry)?;

    assert!(
        matches!(outcome, ShortcutOutcome::Created { .. }),
        "{outcome:?}"
    );
    assert!(on_desktop.exists(), "enforce_shortcut puts it back");
    Ok(())
}

#[test]
fn a_windows_shortcut_is_a_shell_link_file() -> TestResult {
    let home = Home::new()?;

    home.install(false, ShortcutKind::ShellLink)?;

    let link = std::fs::read(home.desktop_file("Acme SOS.lnk"))?;
    assert_eq!(&link[..4], &[0x4C, 0, 0, 0], "a Shell Link header");
    Ok(())
}

#[cfg(unix)]
#[test]
fn a_macos_shortcut_is_a_link_to_the_app_bundle() -> TestResult {
    let home = Home::new()?;

    home.install(false, ShortcutKind::BundleSymlink)?;

    let link = home.desktop_file("Acme SOS.app");
    assert_eq!(
        std::fs::read_link(&link)?,
        PathBuf::from("/opt/lifeline/lifeline")
    );
    Ok(())
}
