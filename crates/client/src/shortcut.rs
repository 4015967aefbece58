//! The SOS shortcut the app puts on the desktop on first run.
//!
//! Per OS: a `.desktop` launcher (Linux, on the desktop and in the app menu),
//! a `.lnk` Shell Link (Windows), a symlink to the app bundle (macOS). What is
//! written is made by plain functions ([`desktop_entry`], [`shell_link`]), so
//! every OS's output is tested on any OS. The shortcut is installed once and
//! recorded in the state: a shortcut the customer deleted stays deleted unless
//! the deployment file sets `enforce_shortcut = true`.

use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};

use crate::deployment::Deployment;
use crate::state::{StateError, StateStore};

/// The argument the shortcut starts the app with: ask for help at once.
pub const SOS_ARGUMENT: &str = "--sos";

/// File name of the app-menu entry on Linux: one stable id, whatever the
/// shortcut's display name, so a renamed deployment does not leave two.
pub const MENU_ENTRY_FILE_NAME: &str = "lifeline-sos.desktop";

/// What kind of shortcut to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortcutKind {
    /// A freedesktop.org `.desktop` launcher (Linux and other Unix desktops).
    DesktopEntry,
    /// A Windows Shell Link (`.lnk`).
    ShellLink,
    /// A macOS symlink named `<name>.app` to the app bundle. Finder aliases
    /// proper need the CoreServices bookmark API; a symlink launches the app
    /// the same way when double-clicked and needs no OS API to make.
    BundleSymlink,
}

impl ShortcutKind {
    /// The kind this OS uses.
    pub fn for_this_os() -> Self {
        if cfg!(target_os = "windows") {
            ShortcutKind::ShellLink
        } else if cfg!(target_os = "macos") {
            ShortcutKind::BundleSymlink
        } else {
            ShortcutKind::DesktopEntry
        }
    }
}

/// Where shortcuts go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortcutDirs {
    /// The user's desktop folder.
    pub desktop: PathBuf,
    /// The app-menu folder (`~/.local/share/applications` on Linux); `None`
    /// where the OS has no such place the app should write.
    pub applications: Option<PathBuf>,
}

impl ShortcutDirs {
    /// The current user's folders: on Linux the XDG desktop dir (see
    /// [`xdg_desktop_dir`]) and `$XDG_DATA_HOME/applications`; elsewhere the
    /// OS's desktop folder.
    pub fn for_this_user() -> Option<Self> {
        let home = dirs::home_dir()?;
        if ShortcutKind::for_this_os() != ShortcutKind::DesktopEntry {
            return Some(Self {
                desktop: dirs::desktop_dir().unwrap_or_else(|| home.join("Desktop")),
                applications: None,
            });
        }
        let config_home = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".config"));
        let user_dirs = std::fs::read_to_string(config_home.join("user-dirs.dirs")).ok();
        let desktop = xdg_desktop_dir(
            &home,
            std::env::var_os("XDG_DESKTOP_DIR").as_deref(),
            xdg_user_dir_command().as_deref(),
            user_dirs.as_deref(),
        );
        let applications = dirs::data_dir()
            .unwrap_or_else(|| home.join(".local").join("share"))
            .join("applications");
        Some(Self {
            desktop,
            applications: Some(applications),
        })
    }
}

/// The desktop folder by XDG rules, from the first that gives one:
/// `$XDG_DESKTOP_DIR`, the output of `xdg-user-dir DESKTOP`, the
/// `XDG_DESKTOP_DIR=` line of `user-dirs.dirs`, then `~/Desktop`.
pub fn xdg_desktop_dir(
    home: &Path,
    from_env: Option<&OsStr>,
    from_command: Option<&str>,
    user_dirs_file: Option<&str>,
) -> PathBuf {
    if let Some(dir) = from_env.filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    // xdg-user-dir prints $HOME when nothing is configured: not a desktop.
    if let Some(dir) = from_command
        .map(str::trim)
        .filter(|d| !d.is_empty() && Path::new(d) != home)
    {
        return PathBuf::from(dir);
    }
    if let Some(dir) = user_dirs_file.and_then(|text| desktop_from_user_dirs(text, home)) {
        return dir;
    }
    home.join("Desktop")
}

/// The `XDG_DESKTOP_DIR="$HOME/…"` line of `user-dirs.dirs` (only `$HOME/…`
/// and absolute paths are allowed there).
fn desktop_from_user_dirs(text: &str, home: &Path) -> Option<PathBuf> {
    let value = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| line.strip_prefix("XDG_DESKTOP_DIR="))?;
    let value = value.trim().trim_matches('"');
    if let Some(rest) = value.strip_prefix("$HOME") {
        let rest = rest.trim_start_matches('/');
        // A desktop equal to $HOME means "no desktop folder" by XDG convention.
        return (!rest.is_empty()).then(|| home.join(rest));
    }
    value.starts_with('/').then(|| PathBuf::from(value))
}

fn xdg_user_dir_command() -> Option<String> {
    let output = std::process::Command::new("xdg-user-dir")
        .arg("DESKTOP")
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// What the shortcut launches and how it looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortcutTarget {
    /// The app: its executable (Linux, Windows) or its `.app` bundle (macOS).
    pub app: PathBuf,
    /// The icon to use when the deployment file has no logo.
    pub default_icon: Option<PathBuf>,
    /// The language of the launcher's tooltip (a tag of
    /// [`lifeline_i18n::LANGUAGES`]): the one the app speaks.
    pub language: String,
}

/// What [`ensure_shortcut`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShortcutOutcome {
    /// The shortcut was written (first run, or put back because it is enforced).
    Created {
        /// The files written.
        files: Vec<PathBuf>,
    },
    /// It was installed before and is still there.
    AlreadyPresent,
    /// It was installed before and the customer removed it; that choice stands.
    LeftDeleted,
}

/// Installing the shortcut failed.
#[derive(Debug, thiserror::Error)]
pub enum ShortcutError {
    /// A file or folder could not be written.
    #[error("{}: cannot {action}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
    /// A path is too long for a Shell Link's string fields.
    #[error("{0}: too long for a Windows shortcut")]
    PathTooLong(String),
    /// The state recording the installation could not be read or written.
    #[error(transparent)]
    State(#[from] StateError),
}

/// Puts the SOS shortcut in place on first run, and afterwards only if the
/// deployment enforces it; records the installation in the state.
pub fn ensure_shortcut(
    deployment: &Deployment,
    state: &StateStore,
    target: &ShortcutTarget,
    dirs: &ShortcutDirs,
    kind: ShortcutKind,
) -> Result<ShortcutOutcome, ShortcutError> {
    let name = &deployment.behaviour().shortcut_name;
    let desktop_file = dirs.desktop.join(desktop_file_name(name, kind));
    let installed_before = state.load()?.shortcut_installed;
    // symlink_metadata: a macOS symlink whose bundle moved is still "there".
    let present = desktop_file.symlink_metadata().is_ok();

    if installed_before && present {
        return Ok(ShortcutOutcome::AlreadyPresent);
    }
    if installed_before && !deployment.behaviour().enforce_shortcut {
        tracing::info!(path = %desktop_file.display(), "the SOS shortcut was removed by the user; leaving it so");
        return Ok(ShortcutOutcome::LeftDeleted);
    }

    let icon = deployment.logo_path().or(target.default_icon.as_deref());
    let comment = lifeline_i18n::messages(&target.language).text(
        "shortcut-comment",
        &[("company", (&deployment.branding().company_name).into())],
    );
    let mut files = Vec::new();
    match kind {
        ShortcutKind::DesktopEntry => {
            let entry = desktop_entry(name, &comment, &target.app, icon);
            write_launcher(&desktop_file, &entry)?;
            mark_trusted(&desktop_file);
            files.push(desktop_file);
            if let Some(applications) = &dirs.applications {
                let menu_file = applications.join(MENU_ENTRY_FILE_NAME);
                write_launcher(&menu_file, &entry)?;
                files.push(menu_file);
            }
        }
        ShortcutKind::ShellLink => {
            let working_dir = target.app.parent().unwrap_or(Path::new(""));
            // Windows takes link icons from .ico or .exe files only; a PNG logo
            // would show as a blank page, so it gives way to the app's icon.
            let icon = icon
                .filter(|path| {
                    path.extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("ico"))
                })
                .or(target.default_icon.as_deref());
            let link = shell_link(&ShellLinkSpec {
                target: &path_text(&target.app),
                arguments: SOS_ARGUMENT,
                working_dir: &path_text(working_dir),
                icon: icon.map(path_text).as_deref(),
                description: &comment,
            })?;
            create_parent(&desktop_file)?;
            std::fs::write(&desktop_file, link).map_err(|e| io_error(&desktop_file, "write", e))?;
            files.push(desktop_file);
        }
        ShortcutKind::BundleSymlink => {
            create_parent(&desktop_file)?;
            make_bundle_symlink(&target.app, &desktop_file)?;
            files.push(desktop_file);
        }
    }
    state.update(|s| s.shortcut_installed = true)?;
    tracing::info!(?files, "SOS shortcut installed");
    Ok(ShortcutOutcome::Created { files })
}

/// The shortcut's file name on the desktop.
pub fn desktop_file_name(name: &str, kind: ShortcutKind) -> String {
    match kind {
        ShortcutKind::DesktopEntry => format!("{name}.desktop"),
        ShortcutKind::ShellLink => format!("{name}.lnk"),
        ShortcutKind::BundleSymlink => format!("{name}.app"),
    }
}

/// A `.desktop` launcher that starts `app --sos`; `comment` is its tooltip.
pub fn desktop_entry(name: &str, comment: &str, app: &Path, icon: Option<&Path>) -> String {
    let mut entry = String::from("[Desktop Entry]\nType=Application\nVersion=1.0\n");
    entry.push_str(&format!("Name={}\n", escape_desktop_string(name)));
    entry.push_str(&format!("Comment={}\n", escape_desktop_string(comment)));
    entry.push_str(&format!(
        "Exec={} {SOS_ARGUMENT}\n",
        escape_desktop_string(&quote_exec_argument(&path_text(app)))
    ));
    if let Some(icon) = icon {
        entry.push_str(&format!(
            "Icon={}\n",
            escape_desktop_string(&path_text(icon))
        ));
    }
    entry.push_str("Terminal=false\nCategories=Utility;\nStartupNotify=true\n");
    entry
}

/// Quotes one `Exec` argument per the Desktop Entry spec: inside double
/// quotes, `"`, `` ` ``, `$` and `\` take a backslash; `%` is doubled
/// because it starts a field code.
fn quote_exec_argument(argument: &str) -> String {
    let mut quoted = String::from("\"");
    for c in argument.chars() {
        match c {
            '"' | '`' | '$' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            '%' => quoted.push_str("%%"),
            _ => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// Escapes a value of type `string` in a desktop file (applied after the
/// `Exec` quoting, as the spec layers them).
fn escape_desktop_string(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '\n' => escaped.push_str("\\n"),
            '\t' => escaped.push_str("\\t"),
            '\r' => escaped.push_str("\\r"),
            _ => escaped.push(c),
        }
    }
    escaped
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn write_launcher(path: &Path, entry: &str) -> Result<(), ShortcutError> {
    create_parent(path)?;
    std::fs::write(path, entry).map_err(|e| io_error(path, "write", e))?;
    // Desktops refuse to run launchers that are not executable.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| io_error(path, "make executable", e))?;
    }
    Ok(())
}

/// GNOME shows an untrusted launcher as a text file until the user allows it;
/// `gio` marks ours trusted. Best effort: other desktops have no `gio`, or no
/// metadata store (such as under a bare test session).
fn mark_trusted(path: &Path) {
    let result = std::process::Command::new("gio")
        .args(["set"])
        .arg(path)
        .args(["metadata::trusted", "true"])
        .output();
    match result {
        Ok(output) if output.status.success() => {}
        Ok(output) => tracing::info!(
            path = %path.display(),
            stderr = %String::from_utf8_lossy(&output.stderr).trim(),
            "gio could not mark the launcher trusted"
        ),
        Err(error) => tracing::debug!(%error, "no gio to mark the launcher trusted"),
    }
}

#[cfg(unix)]
fn make_bundle_symlink(bundle: &Path, link: &Path) -> Result<(), ShortcutError> {
    // An enforced shortcut may find a dangling link of the same name.
    if link.symlink_metadata().is_ok() {
        std::fs::remove_file(link).map_err(|e| io_error(link, "replace", e))?;
    }
    std::os::unix::fs::symlink(bundle, link).map_err(|e| io_error(link, "create the link", e))
}

#[cfg(not(unix))]
fn make_bundle_symlink(_bundle: &Path, link: &Path) -> Result<(), ShortcutError> {
    Err(io_error(
        link,
        "create the link",
        io::Error::new(
            io::ErrorKind::Unsupported,
            "bundle links are a macOS shortcut",
        ),
    ))
}

fn create_parent(path: &Path) -> Result<(), ShortcutError> {
    match path.parent() {
        Some(parent) => {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, "create the folder", e))
        }
        None => Ok(()),
    }
}

fn io_error(path: &Path, action: &'static str, source: io::Error) -> ShortcutError {
    ShortcutError::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}

/// The fields of a minimal Windows shortcut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShellLinkSpec<'a> {
    /// Absolute path of the program, such as `C:\Program Files\Lifeline\lifeline.exe`.
    pub target: &'a str,
    /// Its command-line arguments.
    pub arguments: &'a str,
    /// The folder it starts in.
    pub working_dir: &'a str,
    /// An `.ico` or `.exe` to take the icon from (index 0); `None` uses the target's.
    pub icon: Option<&'a str>,
    /// The tooltip.
    pub description: &'a str,
}

/// Shell Link header's fixed size, [MS-SHLLINK] 2.1.
const LINK_HEADER_SIZE: u32 = 0x4C;
/// `00021401-0000-0000-C000-000000000046`, in the header's byte order.
const LINK_CLSID: [u8; 16] = [
    0x01, 0x14, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46,
];
const HAS_LINK_INFO: u32 = 0x0000_0002;
const HAS_NAME: u32 = 0x0000_0004;
const HAS_WORKING_DIR: u32 = 0x0000_0010;
const HAS_ARGUMENTS: u32 = 0x0000_0020;
const HAS_ICON_LOCATION: u32 = 0x0000_0040;
const IS_UNICODE: u32 = 0x0000_0080;
const FILE_ATTRIBUTE_NORMAL: u32 = 0x0000_0080;
const SW_SHOWNORMAL: u32 = 1;
/// LinkInfo header with the optional Unicode offsets, [MS-SHLLINK] 2.3.
const LINK_INFO_HEADER_SIZE: u32 = 0x24;
const VOLUME_ID_AND_LOCAL_BASE_PATH: u32 = 1;
const DRIVE_FIXED: u32 = 3;

/// A Windows `.lnk` file ([MS-SHLLINK]) for a local program with arguments,
/// working folder, icon and tooltip.
///
/// Minimal by design: no item-ID list, only a LinkInfo with the local base
/// path (ANSI and Unicode) and the Unicode string data, which Explorer
/// resolves like a link it made itself.
pub fn shell_link(spec: &ShellLinkSpec<'_>) -> Result<Vec<u8>, ShortcutError> {
    let mut flags = HAS_LINK_INFO | HAS_NAME | HAS_WORKING_DIR | HAS_ARGUMENTS | IS_UNICODE;
    if spec.icon.is_some() {
        flags |= HAS_ICON_LOCATION;
    }

    let mut link = Vec::with_capacity(512);
    // ShellLinkHeader
    put_u32(&mut link, LINK_HEADER_SIZE);
    link.extend_from_slice(&LINK_CLSID);
    put_u32(&mut link, flags);
    put_u32(&mut link, FILE_ATTRIBUTE_NORMAL);
    link.extend_from_slice(&[0; 24]); // creation, access, write times: unknown
    put_u32(&mut link, 0); // file size: unknown
    put_u32(&mut link, 0); // icon index
    put_u32(&mut link, SW_SHOWNORMAL);
    link.extend_from_slice(&[0; 2]); // no hot key
    link.extend_from_slice(&[0; 10]); // reserved

    link.extend_from_slice(&link_info(spec.target));

    // StringData, in the order the format fixes.
    put_counted_utf16(&mut link, spec.description)?;
    put_counted_utf16(&mut link, spec.working_dir)?;
    put_counted_utf16(&mut link, spec.arguments)?;
    if let Some(icon) = spec.icon {
        put_counted_utf16(&mut link, icon)?;
    }
    put_u32(&mut link, 0); // TerminalBlock: no extra data
    Ok(link)
}

/// LinkInfo with a VolumeID (a fixed drive, no label) and the target as the
/// local base path, with an empty common path suffix.
fn link_info(target: &str) -> Vec<u8> {
    // A lossy ANSI copy for old readers; the Unicode one is what Windows uses.
    let ansi: Vec<u8> = target
        .chars()
        .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
        .collect();
    let volume_id: Vec<u8> = {
        let mut v = Vec::new();
        put_u32(&mut v, 0x11); // VolumeIDSize: 16 bytes of fields + the empty label
        put_u32(&mut v, DRIVE_FIXED);
        put_u32(&mut v, 0); // drive serial number: unknown
        put_u32(&mut v, 0x10); // VolumeLabelOffset
        v.push(0); // empty label
        v
    };
    let volume_id_offset = LINK_INFO_HEADER_SIZE;
    let local_base_path_offset = volume_id_offset + len_u32(&volume_id);
    let common_path_suffix_offset = local_base_path_offset + len_u32(&ansi) + 1;
    let local_base_path_unicode_offset = common_path_suffix_offset + 1;
    let target_utf16 = utf16_with_nul(target);
    let common_path_suffix_unicode_offset = local_base_path_unicode_offset + len_u32(&target_utf16);
    let size = common_path_suffix_unicode_offset + 2;

    let mut info = Vec::with_capacity(size as usize);
    put_u32(&mut info, size);
    put_u32(&mut info, LINK_INFO_HEADER_SIZE);
    put_u32(&mut info, VOLUME_ID_AND_LOCAL_BASE_PATH);
    put_u32(&mut info, volume_id_offset);
    put_u32(&mut info, local_base_path_offset);
    put_u32(&mut info, 0); // no network relative link
    put_u32(&mut info, common_path_suffix_offset);
    put_u32(&mut info, local_base_path_unicode_offset);
    put_u32(&mut info, common_path_suffix_unicode_offset);
    info.extend_from_slice(&volume_id);
    info.extend_from_slice(&ansi);
    info.push(0);
    info.push(0); // empty CommonPathSuffix
    info.extend_from_slice(&target_utf16);
    info.extend_from_slice(&[0, 0]); // empty CommonPathSuffixUnicode
    info
}

fn put_u32(bytes: &mut Vec<u8>, value: u32) {
    bytes.extend_from_slice(&value.to_le_bytes());
}

fn len_u32(bytes: &[u8]) -> u32 {
    // LinkInfo parts are paths of at most a few KiB; saturating keeps clippy honest.
    u32::try_from(bytes.len()).unwrap_or(u32::MAX)
}

fn utf16_with_nul(text: &str) -> Vec<u8> {
    text.encode_utf16()
        .chain(std::iter::once(0))
        .flat_map(u16::to_le_bytes)
        .collect()
}

/// A StringData entry: a 16-bit character count, then UTF-16LE without NUL.
fn put_counted_utf16(bytes: &mut Vec<u8>, text: &str) -> Result<(), ShortcutError> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let count =
        u16::try_from(units.len()).map_err(|_| ShortcutError::PathTooLong(text.to_owned()))?;
    bytes.extend_from_slice(&count.to_le_bytes());
    bytes.extend(units.iter().flat_map(|u| u.to_le_bytes()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
    }

    fn utf16_at(bytes: &[u8], at: usize, units: usize) -> String {
        let units: Vec<u16> = bytes[at..at + 2 * units]
            .chunks(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    }

    /// Reads the counted strings after the LinkInfo, as a reader of the format would.
    fn string_data(link: &[u8]) -> Vec<String> {
        let link_info_size = u32_at(link, 0x4C) as usize;
        let mut at = 0x4C + link_info_size;
        let mut strings = Vec::new();
        while at + 4 < link.len() {
            let count = u16::from_le_bytes([link[at], link[at + 1]]) as usize;
            strings.push(utf16_at(link, at + 2, count));
            at += 2 + 2 * count;
        }
        assert_eq!(
            &link[at..],
            [0, 0, 0, 0],
            "the terminal block ends the file"
        );
        strings
    }

    fn acme_link(icon: Option<&str>) -> Result<Vec<u8>, ShortcutError> {
        shell_link(&ShellLinkSpec {
            target: r"C:\Program Files\Lifeline\lifeline.exe",
            arguments: "--sos",
            working_dir: r"C:\Program Files\Lifeline",
            icon,
            description: "Get help from Acme IT — ñ",
        })
    }

    #[test]
    fn a_shell_link_starts_with_the_header_windows_expects() -> Result<(), ShortcutError> {
        let link = acme_link(Some(r"C:\ProgramData\Lifeline\sos.ico"))?;
        assert_eq!(u32_at(&link, 0), 0x4C, "HeaderSize");
        assert_eq!(&link[4..20], &LINK_CLSID, "LinkCLSID");
        assert_eq!(
            u32_at(&link, 20),
            HAS_LINK_INFO
                | HAS_NAME
                | HAS_WORKING_DIR
                | HAS_ARGUMENTS
                | HAS_ICON_LOCATION
                | IS_UNICODE
        );
        assert_eq!(u32_at(&link, 24), FILE_ATTRIBUTE_NORMAL, "FileAttributes");
        assert_eq!(u32_at(&link, 56), 0, "IconIndex");
        assert_eq!(u32_at(&link, 60), SW_SHOWNORMAL, "ShowCommand");
        assert_eq!(&link[64..76], &[0; 12], "no hot key, reserved fields zero");
        Ok(())
    }

    #[test]
    fn the_link_info_points_at_the_target_in_ansi_and_unicode() -> Result<(), ShortcutError> {
        let link = acme_link(None)?;
        let info = &link[0x4C..];
        let size = u32_at(info, 0) as usize;
        assert_eq!(u32_at(info, 4), LINK_INFO_HEADER_SIZE);
        assert_eq!(u32_at(info, 8), VOLUME_ID_AND_LOCAL_BASE_PATH);
        let volume = u32_at(info, 12) as usize;
        assert_eq!(u32_at(info, volume + 4), DRIVE_FIXED);
        let ansi_at = u32_at(info, 16) as usize;
        let ansi_end = ansi_at + info[ansi_at..].iter().position(|&b| b == 0).unwrap_or(0);
        assert_eq!(
            &info[ansi_at..ansi_end],
            br"C:\Program Files\Lifeline\lifeline.exe"
        );
        let unicode_at = u32_at(info, 28) as usize;
        assert_eq!(
            utf16_at(info, unicode_at, 38),
            r"C:\Program Files\Lifeline\lifeline.exe"
        );
        let suffix_unicode_at = u32_at(info, 32) as usize;
        assert_eq!(
            suffix_unicode_at + 2,
            size,
            "the Unicode suffix ends the LinkInfo"
        );
        Ok(())
    }

    #[test]
    fn the_string_data_holds_tooltip_folder_arguments_and_icon() -> Result<(), ShortcutError> {
        let with_icon = acme_link(Some(r"C:\ProgramData\Lifeline\sos.ico"))?;
        assert_eq!(
            string_data(&with_icon),
            [
                "Get help from Acme IT — ñ",
                r"C:\Program Files\Lifeline",
                "--sos",
                r"C:\ProgramData\Lifeline\sos.ico"
            ]
        );
        let without_icon = acme_link(None)?;
        assert_eq!(string_data(&without_icon).len(), 3);
        assert_eq!(u32_at(&without_icon, 20) & HAS_ICON_LOCATION, 0);
        Ok(())
    }

    #[test]
    fn a_desktop_entry_runs_the_app_with_sos_and_shows_the_icon() {
        let entry = desktop_entry(
            "Acme SOS",
            "Get help from Acme IT",
            Path::new("/opt/Lifeline 1/lifeline$app"),
            Some(Path::new("/etc/lifeline/logo.png")),
        );
        assert!(entry.starts_with("[Desktop Entry]\n"));
        assert!(entry.contains("\nType=Application\n"));
        assert!(entry.contains("\nName=Acme SOS\n"));
        assert!(entry.contains("\nComment=Get help from Acme IT\n"));
        assert!(
            entry.contains("\nExec=\"/opt/Lifeline 1/lifeline\\\\$app\" --sos\n"),
            "the path is quoted and $ escaped, then the backslash escaped again: {entry}"
        );
        assert!(entry.contains("\nIcon=/etc/lifeline/logo.png\n"));
        assert!(entry.contains("\nTerminal=false\n"));
    }

    #[test]
    fn percent_signs_in_the_app_path_are_not_field_codes() {
        let entry = desktop_entry("SOS", "Help", Path::new("/opt/100%/app"), None);
        assert!(entry.contains("Exec=\"/opt/100%%/app\" --sos"), "{entry}");
        assert!(!entry.contains("Icon="), "no icon line without an icon");
    }

    #[test]
    fn the_desktop_dir_follows_xdg_rules_in_order() {
        let home = Path::new("/home/luis");
        let file = "# comment\nXDG_DOWNLOAD_DIR=\"$HOME/Descargas\"\nXDG_DESKTOP_DIR=\"$HOME/Escritorio\"\n";
        assert_eq!(
            xdg_desktop_dir(home, Some(OsStr::new("/srv/desk")), Some("/x"), Some(file)),
            Path::new("/srv/desk"),
            "the environment wins"
        );
        assert_eq!(
            xdg_desktop_dir(home, None, Some("/home/luis/Bureau\n"), Some(file)),
            Path::new("/home/luis/Bureau"),
            "then xdg-user-dir"
        );
        assert_eq!(
            xdg_desktop_dir(home, None, Some("/home/luis"), Some(file)),
            Path::new("/home/luis/Escritorio"),
            "xdg-user-dir answering $HOME means unset; then the file"
        );
        assert_eq!(
            xdg_desktop_dir(home, None, None, Some("XDG_DESKTOP_DIR=\"/data/desk\"\n")),
            Path::new("/data/desk")
        );
        assert_eq!(
            xdg_desktop_dir(home, None, None, Some("XDG_DESKTOP_DIR=\"$HOME/\"\n")),
            Path::new("/home/luis/Desktop"),
            "a desktop equal to home falls back"
        );
        assert_eq!(
            xdg_desktop_dir(home, None, None, None),
            Path::new("/home/luis/Desktop")
        );
    }
}
