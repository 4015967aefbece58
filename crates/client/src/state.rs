//! The app's local memory between runs: the open case, the help request in
//! flight, and whether the shortcut was installed. JSON in the OS data dir,
//! replaced atomically so a crash never leaves half a file.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use lifeline_protocol::{CreateCaseRequest, IdempotencyKey, SessionCode};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// Everything the app remembers between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The case the customer has open, if any.
    #[serde(default)]
    pub open_case: Option<OpenCase>,
    /// A help request sent (or about to be) whose answer has not arrived yet.
    #[serde(default)]
    pub pending_request: Option<PendingRequest>,
    /// Whether the SOS shortcut was installed once; a shortcut the user deleted
    /// afterwards stays deleted unless the deployment enforces it.
    #[serde(default)]
    pub shortcut_installed: bool,
}

/// A case this machine created or joined, and how to reach it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenCase {
    /// The case id.
    pub id: Uuid,
    /// The session code shown to the customer.
    pub code: SessionCode,
    /// The `ct_` case token; it reaches this case only.
    pub token: String,
    /// The server the case lives on (a changed deployment file means another server).
    pub server_url: String,
}

impl fmt::Debug for OpenCase {
    /// Leaves out the case token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenCase")
            .field("id", &self.id)
            .field("code", &self.code)
            .field("server_url", &self.server_url)
            .finish_non_exhaustive()
    }
}

/// A help request written down before it is sent, so a retry — even by the
/// next run of the app — sends the same key with the same body, and the
/// server's idempotency makes it one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRequest {
    /// The `Idempotency-Key` of the request.
    pub key: IdempotencyKey,
    /// The exact body sent with it (a different body under the same key is refused).
    pub request: CreateCaseRequest,
    /// The server it is for.
    pub server_url: String,
}

/// Reads and writes [`State`] at one path.
///
/// Updates within one process are serialized; the app is single-instance, so
/// no other process writes the file.
#[derive(Debug)]
pub struct StateStore {
    path: PathBuf,
    /// Held across read-modify-write so concurrent updates do not lose each other.
    lock: Mutex<()>,
}

/// The state could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// Reading, writing or renaming the file failed.
    #[error("{}: cannot {action} the app state: {source}", path.display())]
    Io {
        /// The file (or its temporary sibling).
        path: PathBuf,
        /// What was being done: `read`, `write`, `replace`…
        action: &'static str,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
    /// The state could not be encoded (should not happen: it is plain data).
    #[error("cannot encode the app state: {0}")]
    Encode(#[source] serde_json::Error),
    /// The OS has no per-user data folder to keep the state in.
    #[error("this system has no per-user data folder for the app state")]
    NoDataDir,
}

impl StateStore {
    /// A store of the state at `path` (tests use a temporary folder).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            lock: Mutex::new(()),
        }
    }

    /// The store at the OS's usual place: `<data dir>/lifeline/state.json`
    /// (`~/.local/share` on Linux, `%APPDATA%` on Windows,
    /// `~/Library/Application Support` on macOS).
    pub fn in_data_dir() -> Result<Self, StateError> {
        let data_dir = dirs::data_dir().ok_or(StateError::NoDataDir)?;
        Ok(Self::new(data_dir.join("lifeline").join("state.json")))
    }

    /// Where the state lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved state; the default state when there is none yet.
    ///
    /// A file that does not decode is moved aside to
    /// `state.json.corrupt-<unix time>` and logged, and the app starts afresh:
    /// a broken file must never stop a customer from asking for help.
    pub fn load(&self) -> Result<State, StateError> {
        let _guard = self.guard();
        self.load_unlocked()
    }

    /// Replaces the saved state.
    pub fn save(&self, state: &State) -> Result<(), StateError> {
        let _guard = self.guard();
        self.save_unlocked(state)
    }

    /// Loads the state, lets `change` modify it, saves and returns it.
    pub fn update(&self, change: impl FnOnce(&mut State)) -> Result<State, StateError> {
        let _guard = self.guard();
        let mut state = self.load_unlocked()?;
        change(&mut state);
        self.save_unlocked(&state)?;
        Ok(state)
    }

    /// Forgets case `case_id` if it is the open case (it is over, cancelled or
    /// unknown to the server), so the next start does not resume it. Another
    /// open case, opened meanwhile, is kept.
    pub fn forget_case(&self, case_id: Uuid) -> Result<(), StateError> {
        self.update(|s| {
            if s.open_case.as_ref().is_some_and(|c| c.id == case_id) {
                s.open_case = None;
            }
        })
        .map(drop)
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, ()> {
        // A panic while holding the lock leaves no half-written file (writes are
        // atomic), so the state is still good to use.
        self.lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn load_unlocked(&self) -> Result<State, StateError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(State::default()),
            Err(error) => return Err(self.io_error("read", error)),
        };
        match serde_json::from_slice(&bytes) {
            Ok(state) => Ok(state),
            Err(decode_error) => {
                let aside = self.corrupt_path(OffsetDateTime::now_utc());
                tracing::warn!(
                    path = %self.path.display(),
                    moved_to = %aside.display(),
                    error = %decode_error,
                    "the app state does not decode; starting afresh"
                );
                std::fs::rename(&self.path, &aside).map_err(|e| self.io_error("move aside", e))?;
                Ok(State::default())
            }
        }
    }

    fn corrupt_path(&self, now: OffsetDateTime) -> PathBuf {
        let mut name = self
            .path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_else(|| "state.json".into());
        name.push(format!(".corrupt-{}", now.unix_timestamp()));
        self.path.with_file_name(name)
    }

    /// Writes a temporary file next to the state, flushes it to disk and
    /// renames it over the state: readers see the old or the new file, whole.
    fn save_unlocked(&self, state: &State) -> Result<(), StateError> {
        let folder = match self.path.parent() {
            Some(folder) if !folder.as_os_str().is_empty() => folder,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(folder).map_err(|e| self.io_error("create the folder of", e))?;
        let json = serde_json::to_vec_pretty(state).map_err(StateError::Encode)?;
        // The temporary file is created readable by this user only, like the
        // state it replaces: it holds case tokens.
        let mut temporary =
            tempfile::NamedTempFile::new_in(folder).map_err(|e| self.io_error("write", e))?;
        temporary
            .write_all(&json)
            .and_then(|()| temporary.as_file().sync_all())
            .map_err(|e| self.io_error("write", e))?;
        temporary
            .persist(&self.path)
            .map_err(|e| self.io_error("replace", e.error))?;
        sync_folder(folder);
        Ok(())
    }

    fn io_error(&self, action: &'static str, source: io::Error) -> StateError {
        StateError::Io {
            path: self.path.clone(),
            action,
            source,
        }
    }
}

/// Makes the rename itself durable. Best effort: not every OS or file system
/// can sync a folder, and the rename is already atomic without it.
fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Err(error) = std::fs::File::open(folder).and_then(|dir| dir.sync_all()) {
        tracing::debug!(folder = %folder.display(), %error, "cannot sync the state folder");
    }
    #[cfg(not(unix))]
    let _ = folder;
}

#[cfg(test)]
mod tests {
    use lifeline_protocol::Channel;

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn sample_state() -> Result<State, Box<dyn std::error::Error>> {
        Ok(State {
            open_case: Some(OpenCase {
                id: Uuid::from_u128(1),
                code: SessionCode::parse("123456789")?,
                token: "ct_secret".into(),
                server_url: "https://help.example.com".into(),
            }),
            pending_request: Some(PendingRequest {
                key: IdempotencyKey::generate(),
                request: CreateCaseRequest {
                    channel: Channel::Sos,
                    customer: None,
                    description: None,
                    device: None,
                },
                server_url: "https://help.example.com".into(),
            }),
            shortcut_installed: true,
        })
    }

    #[test]
    fn a_missing_file_is_the_default_state() -> TestResult {
        let dir = tempfile::tempdir()?;
        let store = StateStore::new(dir.path().join("lifeline").join("state.json"));
        assert_eq!(store.load()?, State::default());
        Ok(())
    }

    #[test]
    fn what_is_saved_is_loaded_back_and_no_temporary_file_is_left() -> TestResult {
        let dir = tempfile::tempdir()?;
        let store = StateStore::new(dir.path().join("lifeline").join("state.json"));
        let state = sample_state()?;

        store.save(&state)?;

        assert_eq!(store.load()?, state);
        let files: Vec<_> = std::fs::read_dir(dir.path().join("lifeline"))?
            .map(|entry| entry.map(|e| e.file_name()))
            .collect::<Result<_, _>>()?;
        assert_eq!(files, ["state.json"], "only the state itself remains");
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn the_state_file_is_readable_by_its_user_only() -> TestResult {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir()?;
        let store = StateStore::new(dir.path().join("state.json"));
        store.save(&sample_state()?)?;
        let mode = std::fs::metadata(store.path())?.permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "case tokens are not for other users: {mode:o}"
        );
        Ok(())
    }

    #[test]
    fn update_changes_and_saves() -> TestResult {
        let dir = tempfile::tempdir()?;
        let store = StateStore::new(dir.path().join("state.json"));
        store.update(|state| state.shortcut_installed = true)?;
        assert!(store.load()?.shortcut_installed);
        Ok(())
    }

    #[test]
    fn forgetting_a_case_forgets_only_that_case() -> TestResult {
        let dir = tempfile::tempdir()?;
        let store = StateStore::new(dir.path().join("state.json"));
        let state = sample_state()?;
        store.save(&state)?;

        store.forget_case(Uuid::from_u128(2))?;
        assert_eq!(
            store.load()?,
            state,
            "another case's end leaves the open case"
        );

        store.forget_case(Uuid::from_u128(1))?;
        let after = store.load()?;
        assert_eq!(after.open_case, None, "the finished case is not resumed");
        assert_eq!(
            after.pending_request, state.pending_request,
            "the rest of the state stays"
        );
        Ok(())
    }

    #[test]
    fn a_corrupt_file_is_moved_aside_and_the_app_starts_afresh() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("state.json");
        std::fs::write(&path, b"{\"open_case\": {\"id\": ")?;
        let store = StateStore::new(&path);

        assert_eq!(store.load()?, State::default());

        let names: Vec<String> = std::fs::read_dir(dir.path())?
            .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<Result<_, _>>()?;
        assert_eq!(names.len(), 1, "{names:?}");
        assert!(
            names[0].starts_with("state.json.corrupt-"),
            "the broken file is kept for a look: {names:?}"
        );
        let fresh = sample_state()?;
        store.save(&fresh)?;
        assert_eq!(
            store.load()?,
            fresh,
            "the store works again after the reset"
        );
        Ok(())
    }

    #[test]
    fn the_token_is_not_in_debug_output() -> TestResult {
        let state = sample_state()?;
        assert!(!format!("{state:?}").contains("ct_secret"));
        Ok(())
    }
}
