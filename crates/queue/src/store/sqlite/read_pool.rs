//! Read-only connections, lent one at a time to reads running in place on
//! the calling task.

use std::path::PathBuf;
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags};

use super::open::open_connection;
use crate::store::StoreError;

/// Read connections kept open; more are opened if more reads run at once.
const IDLE_READERS: usize = 4;

pub(super) struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for ReadPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadPool")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl ReadPool {
    pub(super) fn open(path: PathBuf) -> Result<Self, StoreError> {
        let idle = (0..IDLE_READERS)
            .map(|_| open_connection(&path, OpenFlags::SQLITE_OPEN_READ_ONLY))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            path,
            idle: Mutex::new(idle),
        })
    }

    /// Runs `work` on a read-only connection.
    pub(super) fn with<T>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let lent = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match lent {
            Some(conn) => conn,
            None => open_connection(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY)?,
        };
        let result = work(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
        result
    }
}
