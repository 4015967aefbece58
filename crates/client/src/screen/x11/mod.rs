//! X11: capture through GetImage, DAMAGE and XFIXES; input through XTEST.
//! All of it over x11rb's pure-Rust connection, so no system library.

mod capture;
mod input;
mod virtual_display;

pub(crate) use capture::X11Capturer;
pub(crate) use input::X11Input;
pub use virtual_display::VirtualDisplay;

use x11rb::errors::{ConnectError, ConnectionError, ReplyError, ReplyOrIdError};
use x11rb::rust_connection::RustConnection;

use super::Unavailable;
use super::capture::CaptureError;
use super::input::InjectError;

/// Opens `display` (`None`: `$DISPLAY`), returning the connection and its
/// default screen's number.
fn connect(display: Option<&str>) -> Result<(RustConnection, usize), Unavailable> {
    RustConnection::connect(display).map_err(|error: ConnectError| Unavailable::Display {
        display: display
            .map(str::to_owned)
            .or_else(|| std::env::var("DISPLAY").ok())
            .unwrap_or_default(),
        reason: error.to_string(),
    })
}

/// An extension the X server lacks, or that could not be asked about.
fn missing(extension: &'static str) -> impl Fn(ReplyError) -> Unavailable {
    move |_| Unavailable::Extension(extension)
}

impl From<ConnectionError> for CaptureError {
    fn from(error: ConnectionError) -> Self {
        CaptureError::Connection(Box::new(error))
    }
}

impl From<ReplyError> for CaptureError {
    fn from(error: ReplyError) -> Self {
        match error {
            ReplyError::ConnectionError(error) => error.into(),
            refused @ ReplyError::X11Error(_) => CaptureError::Refused(Box::new(refused)),
        }
    }
}

impl From<ReplyOrIdError> for CaptureError {
    fn from(error: ReplyOrIdError) -> Self {
        match error {
            ReplyOrIdError::ConnectionError(error) => error.into(),
            other => CaptureError::Refused(Box::new(other)),
        }
    }
}

impl From<ConnectionError> for InjectError {
    fn from(error: ConnectionError) -> Self {
        InjectError::Connection(Box::new(error))
    }
}

impl From<ReplyError> for InjectError {
    fn from(error: ReplyError) -> Self {
        match error {
            ReplyError::ConnectionError(error) => error.into(),
            refused @ ReplyError::X11Error(_) => InjectError::Refused(Box::new(refused)),
        }
    }
}
