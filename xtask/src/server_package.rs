//! The queue server's Linux packages, a `.deb` and an `.rpm` of
//! `lifeline-queue` built with the `dist` profile: the binary, a hardened
//! systemd unit, the system user (systemd-sysusers, else useradd), the config
//! file in `/etc/lifeline-queue` and the data dir `/var/lib/lifeline-queue`.
//!
//! The unit, the maintainer scripts and the RPM spec are plain files in
//! `deploy/package/`; this stages them with the binary and hands the tree to
//! Debian's `dpkg-deb` and to `rpmbuild` (Debian's `rpm` package).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::cargo;
use crate::system;

/// The package, its binary, its service and its user all have this name.
pub const NAME: &str = "lifeline-queue";

/// Debian packages the build needs besides dpkg: `rpmbuild`, and
/// `dpkg-shlibdeps` (dpkg-dev) for the `.deb`'s library dependencies.
pub const BUILD_PACKAGES: &[&str] = &["rpm", "dpkg-dev"];

/// The packaged config file, its folder, and the data dir it names.
pub const CONFIG_PATH: &str = "etc/lifeline-queue/lifeline-queue.toml";

/// The keys the packaged config sets, with their values (TOML): each
/// replaces the key's commented line in the example config. The backup dir
/// lets a package upgrade that brings a migration start by itself, after a
/// backup, inside the unit's writable data dir.
const PACKAGED_SETTINGS: &[(&str, &str)] = &[
    ("data_dir", "\"/var/lib/lifeline-queue\""),
    (
        "migration_backup_dir",
        "\"/var/lib/lifeline-queue/backups\"",
    ),
];

/// What replaces the example's opening paragraph in the packaged config.
const PACKAGED_CONFIG_HEADER: &str = "\
# lifeline-queue configuration, installed by its package: the service reads it
# (`systemctl restart lifeline-queue` after a change), and so do the admin
# commands (run them as the service's user: sudo -u lifeline-queue lifeline-queue …).
# Owned by root, readable by the group lifeline-queue (mode 0640): it may hold
# a database password or the secret. An upgrade keeps your changes.
# Every key is optional; LIFELINE_<KEY> environment variables override the file.";

/// The two packages one build makes.
#[derive(Debug, Clone)]
pub struct ServerPackages {
    pub deb: PathBuf,
    pub rpm: PathBuf,
}

/// Builds the server with the `dist` profile and packages it; the packages
/// land in `target/dist/server-package/`.
pub fn build() -> Result<ServerPackages> {
    if !cfg!(target_os = "linux") {
        bail!("the server's .deb and .rpm are built on Linux only");
    }
    for (program, package) in [
        ("dpkg-deb", "dpkg"),
        ("dpkg-shlibdeps", "dpkg-dev"),
        ("rpmbuild", "rpm"),
    ] {
        if !system::has_program(program) {
            bail!("{program} not found (Debian: apt-get install {package})");
        }
    }
    let started = Instant::now();
    let binary = crate::dist::build_server_binary()?;
    eprintln!(
        "xtask: {NAME} built ({} profile) in {:.0} s",
        crate::dist::PROFILE,
        started.elapsed().as_secs_f64()
    );
    let version = cargo::package_version(NAME)?;
    let out = cargo::target_dir()?
        .join(crate::dist::PROFILE)
        .join("server-package");
    if out.exists() {
        std::fs::remove_dir_all(&out)
            .with_context(|| format!("failed to empty {}", out.display()))?;
    }
    let staging = out.join("root");
    stage(&binary, &staging)?;
    let deb = build_deb(&binary, &staging, &version, &out)?;
    let rpm = build_rpm(&staging, &version, &out)?;
    eprintln!(
        "xtask: server packages built in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(ServerPackages { deb, rpm })
}

/// The source files of the packages (`deploy/package/`).
fn sources() -> PathBuf {
    cargo::workspace_root().join("deploy/package")
}

/// Lays out the installed files under `root`, with their modes; owners are
/// set by the package tools (root) and the scripts (the service's group).
fn stage(binary: &Path, root: &Path) -> Result<()> {
    let example_path = cargo::workspace_root().join("crates/queue/lifeline-queue.example.toml");
    let example = std::fs::read_to_string(&example_path)
        .with_context(|| format!("failed to read {}", example_path.display()))?;
    let sources = sources();
    let files: [(&str, Content, u32); 5] = [
        (
            "usr/bin/lifeline-queue",
            Content::Copy(binary.to_owned()),
            0o755,
        ),
        (
            "usr/lib/systemd/system/lifeline-queue.service",
            Content::Copy(sources.join("lifeline-queue.service")),
            0o644,
        ),
        (
            "usr/lib/sysusers.d/lifeline-queue.conf",
            Content::Copy(sources.join("lifeline-queue.sysusers")),
            0o644,
        ),
        (
            CONFIG_PATH,
            Content::Text(packaged_config(&example)?),
            0o640,
        ),
        (
            "usr/share/doc/lifeline-queue/lifeline-queue.example.toml",
            Content::Text(example),
            0o644,
        ),
    ];
    for (path, content, mode) in files {
        let target = root.join(path);
        let parent = target.parent().context("a staged file has a folder")?;
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create {}", parent.display()))?;
        match content {
            Content::Copy(source) => std::fs::copy(&source, &target)
                .map(drop)
                .with_context(|| format!("failed to copy {}", source.display()))?,
            Content::Text(text) => std::fs::write(&target, text)
                .with_context(|| format!("failed to write {}", target.display()))?,
        }
        set_mode(&target, mode)?;
    }
    Ok(())
}

/// A staged file's content: a file copied, or text written.
enum Content {
    Copy(PathBuf),
    Text(String),
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("failed to set the mode of {}", path.display()))
}

/// The config file the package installs: the commented example (so every
/// key is documented in place, and a key added to it reaches the package),
/// with its own opening paragraph and [`PACKAGED_SETTINGS`] made active (the
/// data dir in `/var/lib/lifeline-queue` rather than the service user's home).
pub fn packaged_config(example: &str) -> Result<String> {
    let (_, body) = example
        .split_once("\n\n")
        .context("the example config has no opening paragraph")?;
    let mut lines: Vec<String> = body.lines().map(str::to_owned).collect();
    for (key, value) in PACKAGED_SETTINGS {
        let commented = format!("# {key} = ");
        let line = lines
            .iter_mut()
            .find(|line| line.starts_with(&commented))
            .with_context(|| {
                format!("the example config has no line `{commented}…` for the package to set")
            })?;
        *line = format!("{key} = {value}");
    }
    Ok(format!(
        "{PACKAGED_CONFIG_HEADER}\n\n{}\n",
        lines.join("\n")
    ))
}

/// Debian's name for this machine's architecture.
fn deb_architecture() -> Result<&'static str> {
    match std::env::consts::ARCH {
        "x86_64" => Ok("amd64"),
        "aarch64" => Ok("arm64"),
        other => bail!("no Debian architecture known for {other}"),
    }
}

fn build_deb(binary: &Path, staging: &Path, version: &str, out: &Path) -> Result<PathBuf> {
    let tree = out.join("deb");
    copy_tree(staging, &tree)?;
    let control_dir = tree.join("DEBIAN");
    std::fs::create_dir_all(&control_dir)
        .with_context(|| format!("failed to create {}", control_dir.display()))?;
    for script in ["postinst", "prerm", "postrm"] {
        let target = control_dir.join(script);
        std::fs::copy(sources().join("debian").join(script), &target)
            .with_context(|| format!("failed to copy the {script} script"))?;
        set_mode(&target, 0o755)?;
    }
    // Listed, the config file is a conffile: dpkg keeps the administrator's
    // version on upgrade and removes it only on purge.
    std::fs::write(control_dir.join("conffiles"), format!("/{CONFIG_PATH}\n"))
        .context("failed to write conffiles")?;
    let control = deb_control(
        version,
        deb_architecture()?,
        &shlib_depends(binary, out)?,
        installed_kib(staging)?,
    );
    std::fs::write(control_dir.join("control"), control).context("failed to write control")?;

    let deb = out.join(format!("{NAME}_{version}-1_{}.deb", deb_architecture()?));
    let mut dpkg_deb = Command::new("dpkg-deb");
    dpkg_deb
        .args(["--root-owner-group", "--build"])
        .arg(&tree)
        .arg(&deb);
    system::run_checked(dpkg_deb, "dpkg-deb --build")?;
    Ok(deb)
}

/// The `.deb`'s control file.
fn deb_control(version: &str, architecture: &str, depends: &str, installed_kib: u64) -> String {
    format!(
        "Package: {NAME}\n\
         Version: {version}-1\n\
         Architecture: {architecture}\n\
         Maintainer: Lifeline <lifeline@lifeline-sos.org>\n\
         Installed-Size: {installed_kib}\n\
         Depends: {depends}\n\
         Section: net\n\
         Priority: optional\n\
         Homepage: https://github.com/lifeline-sos/lifeline\n\
         Description: Lifeline queue server\n \
         The queue server of Lifeline: customers' help requests, the experts'\n \
         console and the API, on SQLite or PostgreSQL. Runs as the system\n \
         service lifeline-queue, configured in\n \
         /etc/lifeline-queue/lifeline-queue.toml, with its data in\n \
         /var/lib/lifeline-queue.\n"
    )
}

/// The Debian packages of the shared libraries `binary` links (libc6,
/// libgcc-s1) with their minimum versions, from `dpkg-shlibdeps`.
fn shlib_depends(binary: &Path, out: &Path) -> Result<String> {
    // dpkg-shlibdeps reads the package's name from debian/control.
    let dir = out.join("shlibdeps");
    std::fs::create_dir_all(dir.join("debian"))
        .with_context(|| format!("failed to create {}", dir.display()))?;
    std::fs::write(
        dir.join("debian/control"),
        format!("Source: {NAME}\n\nPackage: {NAME}\nArchitecture: any\n"),
    )
    .context("failed to write debian/control for dpkg-shlibdeps")?;
    let output = Command::new("dpkg-shlibdeps")
        .current_dir(&dir)
        .arg("-O")
        .arg(binary)
        .output()
        .context("failed to run dpkg-shlibdeps")?;
    if !output.status.success() {
        bail!(
            "dpkg-shlibdeps failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find_map(|line| line.strip_prefix("shlibs:Depends="))
        .map(str::to_owned)
        .with_context(|| format!("dpkg-shlibdeps printed no shlibs:Depends: {text}"))
}

/// The size of the staged files in KiB, as `Installed-Size` counts it.
fn installed_kib(root: &Path) -> Result<u64> {
    let mut bytes = 0;
    for entry in walk(root)? {
        if entry.is_file() {
            bytes += std::fs::metadata(&entry)
                .with_context(|| format!("failed to read {}", entry.display()))?
                .len();
        }
    }
    Ok(bytes.div_ceil(1024))
}

/// Every path under `root` (not `root` itself), parents before children.
fn walk(root: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).with_context(|| format!("failed to read {}", dir.display()))?;
        for entry in entries {
            let path = entry
                .with_context(|| format!("failed to read {}", dir.display()))?
                .path();
            if path.is_dir() {
                pending.push(path.clone());
            }
            found.push(path);
        }
    }
    Ok(found)
}

/// Copies the staged tree (files keep their modes).
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for path in walk(from)? {
        let target = to.join(path.strip_prefix(from)?);
        if path.is_dir() {
            std::fs::create_dir_all(&target)
                .with_context(|| format!("failed to create {}", target.display()))?;
        } else {
            std::fs::copy(&path, &target)
                .with_context(|| format!("failed to copy {}", path.display()))?;
        }
    }
    Ok(())
}

fn build_rpm(staging: &Path, version: &str, out: &Path) -> Result<PathBuf> {
    let arch = std::env::consts::ARCH;
    let top = out.join("rpmbuild");
    let mut rpmbuild = Command::new("rpmbuild");
    rpmbuild
        .arg("-bb")
        .args(["--target", arch])
        .arg("--define")
        .arg(format!("_topdir {}", top.display()))
        .arg("--define")
        .arg(format!("staging {}", staging.display()))
        .arg("--define")
        .arg(format!("version_ {version}"))
        .arg(sources().join("rpm/lifeline-queue.spec"));
    system::run_checked(rpmbuild, "rpmbuild")?;
    let name = format!("{NAME}-{version}-1.{arch}.rpm");
    let built = top.join("RPMS").join(arch).join(&name);
    let rpm = out.join(&name);
    std::fs::rename(&built, &rpm)
        .with_context(|| format!("rpmbuild made no {}", built.display()))?;
    Ok(rpm)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> String {
        std::fs::read_to_string(
            cargo::workspace_root().join("crates/queue/lifeline-queue.example.toml"),
        )
        .expect("the example config is readable")
    }

    #[test]
    fn the_packaged_config_sets_the_data_dir_and_keeps_every_documented_key() {
        let example = example();
        let packaged = packaged_config(&example).expect("the example has the data_dir line");
        let active: Vec<&str> = packaged
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .collect();
        assert_eq!(
            active,
            [
                "data_dir = \"/var/lib/lifeline-queue\"",
                "migration_backup_dir = \"/var/lib/lifeline-queue/backups\""
            ]
        );
        let keys = |text: &str| -> Vec<String> {
            text.lines()
                .filter_map(|line| line.trim_start_matches("# ").split_once(" = "))
                .map(|(key, _)| key.to_owned())
                .collect()
        };
        assert_eq!(
            keys(&packaged),
            keys(&example),
            "every key stays documented"
        );
        assert!(packaged.starts_with(PACKAGED_CONFIG_HEADER));
    }

    #[test]
    fn an_example_without_the_data_dir_line_stops_the_build() {
        let error = packaged_config("# header\n\n# listen = \"127.0.0.1:8080\"\n")
            .expect_err("no data_dir line");
        assert!(error.to_string().contains("data_dir"), "{error}");
    }
}
