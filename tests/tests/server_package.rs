//! The queue server's `.deb` and `.rpm`, as IT installs them: the `.deb` by
//! dpkg itself into a throwaway root (its maintainer scripts run there, the
//! service user is made in that root's `/etc/passwd`), the unit checked by
//! `systemd-analyze`, then the packaged binary started as the unit starts it,
//! as the packaged user with the packaged config, until `/healthz` answers;
//! an upgrade keeps the administrator's config and the data; removing and
//! purging keep the data. The `.rpm` is checked against the same files.
//!
//! Needs the packages built first and root (dpkg gives files to the service
//! user), so it is ignored in the plain test run: `cargo xtask test` builds
//! them with `cargo xtask dist --server-only` and runs this with
//! `LIFELINE_SERVER_DEB` and `LIFELINE_SERVER_RPM` naming them
//! (`cargo xtask test --server-package`: only this).

mod support;

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use support::{Fallible, ProcessGroup, TestResult, run};

const DEB_ENV: &str = "LIFELINE_SERVER_DEB";
const RPM_ENV: &str = "LIFELINE_SERVER_RPM";
const NAME: &str = "lifeline-queue";
const BINARY: &str = "usr/bin/lifeline-queue";
const UNIT: &str = "usr/lib/systemd/system/lifeline-queue.service";
const SYSUSERS: &str = "usr/lib/sysusers.d/lifeline-queue.conf";
const CONFIG: &str = "etc/lifeline-queue/lifeline-queue.toml";
const DATA_DIR: &str = "/var/lib/lifeline-queue";
/// Where the host's systemd keeps its units (the targets every service
/// depends on by default, which `systemd-analyze verify --root` must find).
const HOST_UNITS: &str = "/usr/lib/systemd/system";
/// The unit's exposure score (`systemd-analyze security`, 0 to 100) may not
/// exceed this: 2.0 of 10, "OK".
const EXPOSURE_THRESHOLD: &str = "20";

fn package(env: &str) -> Fallible<PathBuf> {
    Ok(PathBuf::from(std::env::var_os(env).ok_or_else(|| {
        format!("{env} must name the package (cargo xtask test --server-package)")
    })?))
}

fn require_programs(programs: &[(&str, &str)]) -> TestResult {
    for (program, package) in programs {
        if support::find_program(program).is_none() {
            return Err(format!("{program} not found (Debian: apt-get install {package})").into());
        }
    }
    Ok(())
}

#[test]
#[ignore = "needs the server packages and root: `cargo xtask test` builds them and runs this (`--server-package`: only this)"]
fn the_deb_installs_a_hardened_service_whose_server_answers_and_upgrades_keep_config_and_data()
-> TestResult {
    let deb = package(DEB_ENV)?;
    require_programs(&[
        ("dpkg", "dpkg"),
        ("systemd-analyze", "systemd"),
        ("systemd-sysusers", "systemd"),
        ("setpriv", "util-linux"),
        ("readelf", "binutils"),
    ])?;
    let root = ThrowawayRoot::new()?;

    root.dpkg(&["--install".as_ref(), deb.as_os_str()])?;
    // The dist profile's binary: stripped, and of the package's version.
    let binary = root.path(BINARY);
    let sections = run(
        "readelf",
        &[
            "--section-headers".as_ref(),
            "--wide".as_ref(),
            binary.as_os_str(),
        ],
    )?;
    assert!(
        !sections.contains(" .symtab ") && !sections.contains(" .debug_"),
        "the packaged binary is stripped:\n{sections}"
    );
    let version = run(
        "dpkg-deb",
        &["--field".as_ref(), deb.as_os_str(), "Version".as_ref()],
    )?;
    let said = run(&binary.display().to_string(), &["--version"])?;
    assert_eq!(
        said.trim().strip_prefix("lifeline-queue "),
        version.trim().strip_suffix("-1"),
        "the binary's version is the package's"
    );
    let user = root.service_user()?;
    assert!(
        user.uid < 1000 && user.uid != 0,
        "a system user, not root: {user:?}"
    );
    assert_eq!(user.home, DATA_DIR);
    assert!(user.shell.ends_with("/nologin"), "no login: {user:?}");
    let data_dir = root.path(DATA_DIR);
    assert_owned(&data_dir, 0o700, user.uid, user.gid)?;
    let config = root.path(CONFIG);
    assert_owned(&config, 0o640, 0, user.gid)?;
    let status = run("dpkg", &[root.admin_arg(), "--status".into(), NAME.into()])?;
    assert!(
        status.contains(&format!("Conffiles:\n /{CONFIG} ")),
        "the config file is a conffile, kept on upgrade:\n{status}"
    );
    let loaded = lifeline_queue::Config::load(Some(&config), &HashMap::new())?;
    assert_eq!(
        loaded.data_dir,
        Path::new(DATA_DIR),
        "the packaged config puts the data in {DATA_DIR}"
    );

    let unit = Unit::read(&root.path(UNIT))?;
    for (key, value) in [
        ("User", NAME),
        ("Group", NAME),
        ("WorkingDirectory", DATA_DIR),
        ("ReadWritePaths", DATA_DIR),
        ("StateDirectory", NAME),
        ("StateDirectoryMode", "0700"),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("Restart", "on-failure"),
        ("CapabilityBoundingSet", ""),
    ] {
        assert_eq!(unit.values(key), [value], "{key}= in the unit");
    }
    let file_limit: u64 = unit.one("LimitNOFILE")?.parse()?;
    assert!(file_limit >= 65536, "LimitNOFILE={file_limit} is raised");
    root.add_host_units()?;
    let verified = Command::new("systemd-analyze")
        .arg("verify")
        .arg(format!("--root={}", root.dir.path().display()))
        .arg(format!("{NAME}.service"))
        .output()?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&verified.stdout),
        String::from_utf8_lossy(&verified.stderr)
    );
    assert!(
        verified.status.success() && said.trim().is_empty(),
        "systemd-analyze verify passes without a warning ({}):\n{said}",
        verified.status
    );
    run(
        "systemd-analyze",
        &[
            "security",
            "--offline=true",
            &format!("--root={}", root.dir.path().display()),
            &format!("--threshold={EXPOSURE_THRESHOLD}"),
            &format!("{NAME}.service"),
        ],
    )
    .map_err(|e| format!("the unit's exposure is above {EXPOSURE_THRESHOLD}/100: {e}"))?;

    // The server as the unit starts it, as the service user.
    root.serve_healthy(&unit, &user)?;
    for file in ["secret.key", "lifeline.db"] {
        assert_owned(&data_dir.join(file), 0o600, user.uid, user.gid)?;
    }
    let secret = std::fs::read(data_dir.join("secret.key"))?;

    // The administrator sets the config; an upgrade (the package installed
    // again) keeps it, the user and the data, and the server starts again on
    // the same database and secret.
    let mut edited = std::fs::read_to_string(&config)?;
    edited.push_str("\n# Acme: set by IT, kept across upgrades.\ncase_ttl = \"12h\"\n");
    std::fs::write(&config, &edited)?;
    root.dpkg(&["--install".as_ref(), deb.as_os_str()])?;
    assert_eq!(std::fs::read_to_string(&config)?, edited);
    assert_owned(&config, 0o640, 0, user.gid)?;
    assert_eq!(root.service_user()?, user, "the same user, made once");
    let passwd = std::fs::read_to_string(root.path("etc/passwd"))?;
    assert_eq!(
        passwd
            .lines()
            .filter(|l| l.starts_with(&format!("{NAME}:")))
            .count(),
        1
    );
    assert_eq!(std::fs::read(data_dir.join("secret.key"))?, secret);
    root.serve_healthy(&unit, &user)?;

    // Removing keeps the config and the data; purging keeps the data.
    root.dpkg(&["--remove".as_ref(), NAME.as_ref()])?;
    assert!(!root.path(BINARY).exists() && !root.path(UNIT).exists());
    assert_eq!(std::fs::read_to_string(&config)?, edited);
    root.dpkg(&["--purge".as_ref(), NAME.as_ref()])?;
    assert!(!config.exists(), "purging removes the config");
    assert_eq!(
        std::fs::read(data_dir.join("secret.key"))?,
        secret,
        "purging never deletes the database or secret.key"
    );
    Ok(())
}

#[test]
#[ignore = "needs the server packages and root: `cargo xtask test` builds them and runs this (`--server-package`: only this)"]
fn without_systemd_sysusers_the_deb_makes_its_user_with_useradd() -> TestResult {
    let deb = package(DEB_ENV)?;
    require_programs(&[("dpkg-deb", "dpkg"), ("useradd", "passwd")])?;
    let root = ThrowawayRoot::new()?;
    run(
        "dpkg-deb",
        &["-x".as_ref(), deb.as_os_str(), root.dir.path().as_os_str()],
    )?;
    let control = tempfile::tempdir()?;
    run(
        "dpkg-deb",
        &["-e".as_ref(), deb.as_os_str(), control.path().as_os_str()],
    )?;
    // What the script uses, but systemd-sysusers: a machine without systemd.
    let tools = tempfile::tempdir()?;
    for tool in ["sh", "awk", "useradd", "install", "chown", "chmod"] {
        let found = support::find_program(tool).ok_or_else(|| format!("{tool} not found"))?;
        std::os::unix::fs::symlink(found, tools.path().join(tool))?;
    }
    // Configured once as a first install, then again as an upgrade would.
    for args in [&["configure"][..], &["configure", "0.1.0-1"]] {
        let status = Command::new(tools.path().join("sh"))
            .arg(control.path().join("postinst"))
            .args(args)
            .env_clear()
            .env("PATH", tools.path())
            .env("DPKG_ROOT", root.dir.path())
            .status()?;
        assert!(status.success(), "postinst {args:?}: {status}");
    }
    let user = root.service_user()?;
    assert!(user.uid < 1000 && user.uid != 0, "{user:?}");
    assert_eq!(user.home, DATA_DIR);
    assert!(user.shell.ends_with("/nologin"), "no login: {user:?}");
    let passwd = std::fs::read_to_string(root.path("etc/passwd"))?;
    assert_eq!(passwd.lines().count(), 1, "one user, made once:\n{passwd}");
    assert_owned(&root.path(DATA_DIR), 0o700, user.uid, user.gid)?;
    assert_owned(&root.path(CONFIG), 0o640, 0, user.gid)
}

#[test]
#[ignore = "needs the server packages: `cargo xtask test` builds them and runs this (`--server-package`: only this)"]
fn the_rpm_installs_the_same_files_owned_alike_and_keeps_a_changed_config() -> TestResult {
    let (deb, rpm) = (package(DEB_ENV)?, package(RPM_ENV)?);
    require_programs(&[
        ("dpkg-deb", "dpkg"),
        ("rpm", "rpm"),
        ("rpm2cpio", "rpm2cpio"),
        ("cpio", "cpio"),
    ])?;
    let query = |format: &str| {
        run(
            "rpm",
            &[
                "-qp".as_ref(),
                "--qf".as_ref(),
                format.as_ref(),
                rpm.as_os_str(),
            ],
        )
    };
    assert_eq!(query("%{NAME}")?, NAME);
    let deb_version = run(
        "dpkg-deb",
        &["--field".as_ref(), deb.as_os_str(), "Version".as_ref()],
    )?;
    assert_eq!(
        format!("{}\n", query("%{VERSION}-%{RELEASE}")?),
        deb_version,
        "both packages carry one version"
    );

    // Path, mode, owner, group and flags (`c`onfig, `n`oreplace) of each file.
    let files = query(
        "[%{FILENAMES}\t%{FILEMODES:perms}\t%{FILEUSERNAME}\t%{FILEGROUPNAME}\t%{FILEFLAGS:fflags}\n]",
    )?;
    let entry = |path: &str| {
        files
            .lines()
            .find(|line| line.split('\t').next() == Some(path))
            .map(|line| line.split('\t').skip(1).collect::<Vec<_>>())
    };
    assert_eq!(
        entry(&format!("/{CONFIG}")),
        Some(vec!["-rw-r-----", "root", NAME, "cn"]),
        "the config: root's, the service group may read, kept on upgrade:\n{files}"
    );
    assert_eq!(
        entry(DATA_DIR),
        Some(vec!["drwx------", NAME, NAME, ""]),
        "the data dir: the service user's alone:\n{files}"
    );
    assert_eq!(
        entry(&format!("/{BINARY}")),
        Some(vec!["-rwxr-xr-x", "root", "root", ""])
    );
    let scripts = run(
        "rpm",
        &["-qp".as_ref(), "--scripts".as_ref(), rpm.as_os_str()],
    )?;
    let (_, preinstall) = scripts
        .split_once("preinstall scriptlet")
        .ok_or_else(|| format!("the rpm makes its user before its files:\n{scripts}"))?;
    assert!(preinstall.contains("useradd --system"), "{scripts}");
    let requires = run("rpm", &["-qpR".as_ref(), rpm.as_os_str()])?;
    assert!(requires.contains("libc.so.6"), "{requires}");

    // The files themselves are the .deb's, whose server the other test runs.
    let from_rpm = tempfile::tempdir()?;
    let status = Command::new("sh")
        .arg("-c")
        .arg("rpm2cpio \"$0\" | cpio --extract --make-directories --quiet")
        .arg(&rpm)
        .current_dir(from_rpm.path())
        .status()?;
    assert!(status.success(), "rpm2cpio | cpio: {status}");
    let from_deb = tempfile::tempdir()?;
    run(
        "dpkg-deb",
        &["-x".as_ref(), deb.as_os_str(), from_deb.path().as_os_str()],
    )?;
    for file in [BINARY, UNIT, SYSUSERS, CONFIG] {
        assert!(
            std::fs::read(from_rpm.path().join(file))?
                == std::fs::read(from_deb.path().join(file))?,
            "{file} is the same in both packages"
        );
    }
    Ok(())
}

/// A folder dpkg installs into as if it were `/` (`--root`), running the
/// maintainer scripts outside a chroot with `DPKG_ROOT` set.
struct ThrowawayRoot {
    dir: tempfile::TempDir,
}

impl ThrowawayRoot {
    fn new() -> Fallible<Self> {
        let dir = tempfile::tempdir()?;
        // The service user must reach the binary and its data dir in here.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))?;
        let admin = dir.path().join("var/lib/dpkg");
        for sub in ["info", "updates"] {
            std::fs::create_dir_all(admin.join(sub))?;
        }
        std::fs::write(admin.join("status"), "")?;
        Ok(Self { dir })
    }

    /// `relative` (an absolute path of the installed system) in this root.
    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative.trim_start_matches('/'))
    }

    fn admin_arg(&self) -> std::ffi::OsString {
        format!("--root={}", self.dir.path().display()).into()
    }

    /// Runs dpkg on this root. Its dependencies (libc6, libgcc-s1) are the
    /// host's, which this root's empty database does not list.
    fn dpkg(&self, args: &[&std::ffi::OsStr]) -> TestResult {
        let mut all: Vec<&std::ffi::OsStr> = Vec::new();
        let root = self.admin_arg();
        all.extend([
            root.as_os_str(),
            "--force-script-chrootless".as_ref(),
            "--force-depends".as_ref(),
            "--log=/dev/null".as_ref(),
        ]);
        all.extend(args);
        run("dpkg", &all)?;
        Ok(())
    }

    /// The service user in this root's `/etc/passwd`.
    fn service_user(&self) -> Fallible<User> {
        let passwd = std::fs::read_to_string(self.path("etc/passwd"))?;
        let fields: Vec<&str> = passwd
            .lines()
            .find(|line| line.starts_with(&format!("{NAME}:")))
            .ok_or_else(|| format!("no user {NAME} in /etc/passwd:\n{passwd}"))?
            .split(':')
            .collect();
        let [_, _, uid, gid, _, home, shell] = fields.as_slice() else {
            return Err(format!("a passwd line of seven fields: {fields:?}").into());
        };
        Ok(User {
            uid: uid.parse()?,
            gid: gid.parse()?,
            home: (*home).to_owned(),
            shell: (*shell).to_owned(),
        })
    }

    /// Copies the host's units next to the package's (those present win), so
    /// `systemd-analyze verify --root` finds the targets a service depends on.
    fn add_host_units(&self) -> TestResult {
        let units = self.path(HOST_UNITS);
        for entry in std::fs::read_dir(HOST_UNITS)? {
            let source = entry?.path();
            let target = units.join(source.file_name().ok_or("a unit has a name")?);
            if source.is_file() && !target.exists() {
                std::fs::copy(&source, &target)?;
            }
        }
        Ok(())
    }

    /// Starts the server with the unit's command line and working directory
    /// (their paths in this root), as `user`, on a free port, and waits for
    /// `/healthz` to answer 200.
    fn serve_healthy(&self, unit: &Unit, user: &User) -> TestResult {
        let exec = unit.one("ExecStart")?;
        let mut words = exec
            .split_whitespace()
            .map(|word| match word.starts_with('/') {
                true => self.path(word).into_os_string(),
                false => word.into(),
            });
        let binary = words.next().ok_or("ExecStart= names a program")?;
        let port = support::free_port()?;
        let mut command = Command::new("setpriv");
        command
            .arg(format!("--reuid={}", user.uid))
            .arg(format!("--regid={}", user.gid))
            .arg("--clear-groups")
            .arg("--")
            .arg(binary)
            .args(words)
            .current_dir(self.path(unit.one("WorkingDirectory")?))
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            // In this root, the data dir is not at the configured path.
            .env("LIFELINE_DATA_DIR", self.path(DATA_DIR))
            .env("LIFELINE_LISTEN", format!("127.0.0.1:{port}"))
            .stdout(std::process::Stdio::null());
        let _server = ProcessGroup::spawn(&mut command)?;
        support::wait_for_listener(port, "the packaged server")?;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let status = http_status(port, "/healthz")?;
            if status == 200 {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("/healthz still answers {status} after 20 s").into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The service user as `/etc/passwd` has it.
#[derive(Debug, PartialEq, Eq)]
struct User {
    uid: u32,
    gid: u32,
    home: String,
    shell: String,
}

/// A systemd unit file's `Key=value` lines (a key may repeat).
struct Unit {
    lines: Vec<(String, String)>,
}

impl Unit {
    fn read(path: &Path) -> Fallible<Self> {
        let text = std::fs::read_to_string(path)?;
        let lines = text
            .lines()
            .filter(|line| !line.starts_with('#') && !line.starts_with('['))
            .filter_map(|line| line.split_once('='))
            .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
            .collect();
        Ok(Self { lines })
    }

    fn values(&self, key: &str) -> Vec<&str> {
        self.lines
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn one(&self, key: &str) -> Fallible<&str> {
        match self.values(key).as_slice() {
            [value] => Ok(value),
            values => Err(format!("one {key}= expected in the unit, found {values:?}").into()),
        }
    }
}

/// Asserts `path`'s permission bits and numeric owner.
fn assert_owned(path: &Path, mode: u32, uid: u32, gid: u32) -> TestResult {
    let metadata = std::fs::metadata(path)?;
    let found = format!(
        "{:o} {}:{}",
        metadata.mode() & 0o7777,
        metadata.uid(),
        metadata.gid()
    );
    assert_eq!(
        found,
        format!("{mode:o} {uid}:{gid}"),
        "{}: mode and owner",
        path.display()
    );
    Ok(())
}

/// The status code of a plain `GET` on 127.0.0.1.
fn http_status(port: u16, path: &str) -> Fallible<u16> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let status = answer
        .split_whitespace()
        .nth(1)
        .ok_or_else(|| format!("not an HTTP answer: {answer:?}"))?;
    Ok(status.parse()?)
}
