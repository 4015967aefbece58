//! Which app and server versions work together, stated in one place both
//! sides build from: the server answers `GET /api/v1/version` with
//! [`VersionInfo`], and the app decides with [`compatibility`].

use std::fmt;

use serde::{Deserialize, Serialize};

/// The wire contract's major version: both sides must speak the same one.
/// Raised only by a change that breaks existing apps or servers.
pub const API_VERSION: u32 = 1;

/// The oldest app version this server works with (the server states it in
/// [`AppVersions::oldest`]).
pub const OLDEST_APP_VERSION: &str = "0.1.0";

/// The oldest server version this app works with.
pub const OLDEST_SERVER_VERSION: &str = "0.1.0";

/// `GET /api/v1/version`: what this server is and which apps it works with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionInfo {
    /// The server's release, `MAJOR.MINOR.PATCH`.
    pub server_version: String,
    /// The wire contract's major version it speaks ([`API_VERSION`]).
    pub api_version: u32,
    /// The app versions it works with.
    pub app_versions: AppVersions,
}

/// A range of app versions, both ends included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppVersions {
    /// The oldest app version it works with.
    pub oldest: String,
    /// The newest, or `null`: every newer app speaking the same `api_version`.
    pub newest: Option<String>,
}

impl VersionInfo {
    /// What a server of release `server_version` built from this crate states.
    pub fn of_server(server_version: &str) -> Self {
        Self {
            server_version: server_version.to_owned(),
            api_version: API_VERSION,
            app_versions: AppVersions {
                oldest: OLDEST_APP_VERSION.to_owned(),
                newest: None,
            },
        }
    }
}

/// Whether an app and a server work together, and if not, which side is behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compatibility {
    /// They work together.
    Works,
    /// The server is older than this app works with: IT must upgrade it.
    ServerTooOld,
    /// The server no longer works with this app: IT must upgrade the app.
    ServerTooNew,
}

/// Whether the app of release `app_version` works with the server that
/// stated `server`. A version that does not read as `MAJOR.MINOR.PATCH`
/// decides nothing (the other checks still do).
pub fn compatibility(app_version: &str, server: &VersionInfo) -> Compatibility {
    use std::cmp::Ordering::{Greater, Less};
    match server.api_version.cmp(&API_VERSION) {
        Less => return Compatibility::ServerTooOld,
        Greater => return Compatibility::ServerTooNew,
        std::cmp::Ordering::Equal => {}
    }
    let app = Version::parse(app_version);
    let below = |low: Option<Version>, version: Option<Version>| matches!((version, low), (Some(version), Some(low)) if version < low);
    if below(
        Version::parse(OLDEST_SERVER_VERSION),
        Version::parse(&server.server_version),
    ) {
        return Compatibility::ServerTooOld;
    }
    if below(Version::parse(&server.app_versions.oldest), app) {
        return Compatibility::ServerTooNew;
    }
    if let Some(newest) = &server.app_versions.newest
        && below(app, Version::parse(newest))
    {
        return Compatibility::ServerTooOld;
    }
    Compatibility::Works
}

/// A release number, `MAJOR.MINOR.PATCH`; a `-pre` or `+build` suffix is
/// ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// Incompatible changes.
    pub major: u64,
    /// Additions.
    pub minor: u64,
    /// Fixes.
    pub patch: u64,
}

impl Version {
    /// Reads `MAJOR.MINOR.PATCH`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let core = text.trim().split(['-', '+']).next()?;
        let mut parts = core.split('.').map(|part| part.parse::<u64>().ok());
        let version = Self {
            major: parts.next()??,
            minor: parts.next()??,
            patch: parts.next()??,
        };
        parts.next().is_none().then_some(version)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(version: &str, api: u32, oldest: &str, newest: Option<&str>) -> VersionInfo {
        VersionInfo {
            server_version: version.to_owned(),
            api_version: api,
            app_versions: AppVersions {
                oldest: oldest.to_owned(),
                newest: newest.map(str::to_owned),
            },
        }
    }

    #[test]
    fn versions_read_and_order_by_number() {
        assert_eq!(
            Version::parse("1.10.2-rc.1"),
            Some(Version {
                major: 1,
                minor: 10,
                patch: 2
            })
        );
        assert!(Version::parse("1.10.0") > Version::parse("1.9.9"));
        for bad in ["", "1.2", "1.2.3.4", "a.b.c", "1..3"] {
            assert_eq!(Version::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn this_build_works_with_itself() {
        let info = VersionInfo::of_server(OLDEST_SERVER_VERSION);
        assert_eq!(
            compatibility(OLDEST_APP_VERSION, &info),
            Compatibility::Works
        );
    }

    #[test]
    fn each_side_behind_is_named() {
        let app = "5.0.0";
        let current = server("5.0.0", API_VERSION, "4.0.0", None);
        assert_eq!(compatibility(app, &current), Compatibility::Works);
        let moved_on = server("6.0.0", API_VERSION, "5.1.0", None);
        assert_eq!(compatibility(app, &moved_on), Compatibility::ServerTooNew);
        let capped = server("5.0.0", API_VERSION, "4.0.0", Some("4.9.0"));
        assert_eq!(compatibility(app, &capped), Compatibility::ServerTooOld);
        let old_api = server("5.0.0", API_VERSION - 1, "0.0.1", None);
        assert_eq!(compatibility(app, &old_api), Compatibility::ServerTooOld);
        let new_api = server("5.0.0", API_VERSION + 1, "0.0.1", None);
        assert_eq!(compatibility(app, &new_api), Compatibility::ServerTooNew);
        let ancient = server("0.0.1", API_VERSION, "0.0.1", None);
        assert_eq!(compatibility(app, &ancient), Compatibility::ServerTooOld);
    }
}
