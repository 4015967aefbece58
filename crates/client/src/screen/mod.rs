//! The customer's screen, shared with an expert: capture, encoding into the
//! binary screen updates of `lifeline_protocol::screen`, and remote input.
//!
//! - [`ScreenSource`]: opens this system's screen and turns it into [`Update`]s.
//! - [`Injector`]: plays an expert's [`InputEvent`](lifeline_protocol::screen::InputEvent)s.
//! - [`Canvas`]: the viewer's side, for tests and the benchmark.
//! - [`Capturer`], [`InputSink`]: the two per-platform traits behind them.
//! - `VirtualDisplay` (X11 systems): a private Xvfb for tests and the benchmark.
//! - [`Unavailable`]: why this system cannot share its screen (yet), in words
//!   the window can show.
//!
//! Only X11 is built (Xorg, Xvfb). Windows and macOS (`xcap` is the
//! candidate) and Wayland (the ScreenCast portal) answer [`Unavailable`].

mod canvas;
mod capture;
mod encode;
mod input;
mod synthetic;
#[cfg(all(unix, not(target_os = "macos")))]
mod x11;

pub use canvas::{Canvas, PaintError, Painted};
pub use capture::{CaptureError, Capturer, Cursor, Frame, Rect, Size};
pub use encode::Update;
pub use input::{InjectError, Injector, InputSink};
pub use synthetic::{ChangingScreen, RecordingInput, SyntheticProbe};
#[cfg(all(unix, not(target_os = "macos")))]
pub use x11::VirtualDisplay;

use encode::Encoder;
use lifeline_protocol::screen;

/// Why screen sharing cannot start on this system. The message is meant for
/// the customer's window as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    /// No capturer is written for this operating system yet.
    #[error("screen sharing is not available on this system yet ({os} is not supported)")]
    Os {
        /// `std::env::consts::OS`.
        os: &'static str,
    },
    /// A Wayland session: capture needs the ScreenCast portal, not written yet.
    #[error(
        "screen sharing is not available on this system yet (Wayland sessions are not supported)"
    )]
    Wayland,
    /// No graphical display to capture (`DISPLAY` is not set).
    #[error("screen sharing is not available on this system yet (no display: DISPLAY is not set)")]
    NoDisplay,
    /// The display could not be opened.
    #[error("screen sharing is not available: cannot open the display {display:?} ({reason})")]
    Display {
        /// The display's name.
        display: String,
        /// What went wrong.
        reason: String,
    },
    /// The display server lacks an extension capture or input needs.
    #[error(
        "screen sharing is not available on this system yet (the display has no {0} extension)"
    )]
    Extension(&'static str),
    /// A screen bigger than the protocol carries (7680×4320).
    #[error("screen sharing is not available for a {width}×{height} screen (at most 7680×4320)")]
    ScreenSize {
        /// Its width.
        width: u16,
        /// Its height.
        height: u16,
    },
    /// A pixel format the capturer does not read (only 8 bits per colour in 32-bit pixels).
    #[error(
        "screen sharing is not available on this system yet ({depth}-bit colour with {bits_per_pixel} bits per pixel is not supported)"
    )]
    PixelFormat {
        /// The screen's colour depth.
        depth: u8,
        /// Bits each pixel takes.
        bits_per_pixel: u8,
    },
}

/// This system's screen as a stream of updates: captures what changed since
/// the previous update and encodes it.
///
/// Every call blocks (capture talks to the display server, encoding takes
/// milliseconds): run it on a blocking thread.
pub struct ScreenSource {
    capturer: Box<dyn Capturer>,
    frame: Frame,
    encoder: Encoder,
    /// Whether a full update went out; the first update is always full.
    started: bool,
}

impl std::fmt::Debug for ScreenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScreenSource")
            .field("size", &self.frame.size())
            .field("started", &self.started)
            .finish_non_exhaustive()
    }
}

impl ScreenSource {
    /// Opens this system's screen.
    ///
    /// # Errors
    /// [`Unavailable`], with the reason, where no capturer exists yet or the
    /// display cannot be opened.
    pub fn open() -> Result<Self, Unavailable> {
        Self::from_capturer(platform::open_capturer()?)
    }

    /// Opens the screen of the X display `display` (such as `":99"`),
    /// whatever the session type.
    ///
    /// # Errors
    /// [`Unavailable`] when the display cannot be opened or lacks an extension.
    #[cfg(all(unix, not(target_os = "macos")))]
    pub fn open_x11(display: &str) -> Result<Self, Unavailable> {
        Self::from_capturer(Box::new(x11::X11Capturer::open(Some(display))?))
    }

    /// Streams the screen `capturer` reads.
    ///
    /// # Errors
    /// [`Unavailable::ScreenSize`] for a screen empty or bigger than the
    /// protocol carries.
    pub fn from_capturer(capturer: Box<dyn Capturer>) -> Result<Self, Unavailable> {
        let size = capturer.size();
        if !(1..=screen::MAX_WIDTH).contains(&size.width)
            || !(1..=screen::MAX_HEIGHT).contains(&size.height)
        {
            return Err(Unavailable::ScreenSize {
                width: size.width,
                height: size.height,
            });
        }
        Ok(ScreenSource {
            capturer,
            frame: Frame::new(size),
            encoder: Encoder::new(size),
            started: false,
        })
    }

    /// The screen's size (what `screen_status` reports).
    #[must_use]
    pub fn size(&self) -> Size {
        self.frame.size()
    }

    /// The screen as the last update left it.
    #[must_use]
    pub fn frame(&self) -> &Frame {
        &self.frame
    }

    /// Captures and encodes what changed since the last update: the whole
    /// screen when `full` (a viewer asked with `screen_refresh`) and on the
    /// first call. `None` when nothing changed, the cursor included.
    ///
    /// # Errors
    /// [`CaptureError`] when the screen cannot be read any more; the source
    /// is then best dropped and opened again.
    pub fn next_update(&mut self, full: bool) -> Result<Option<Update>, CaptureError> {
        let full = full || !self.started;
        let damaged = self.capturer.capture(&mut self.frame, full)?;
        let cursor = self.capturer.cursor()?;
        let update = self
            .encoder
            .encode(&self.frame, &damaged, cursor.as_ref(), full);
        self.started = true;
        Ok(update)
    }
}

/// Which capturer and injector this system gets.
mod platform {
    use super::{Capturer, InputSink, Unavailable};

    #[cfg(all(unix, not(target_os = "macos")))]
    fn check_x11_session() -> Result<(), Unavailable> {
        // Under Wayland, DISPLAY may point at XWayland, which shows only X
        // clients: capturing it would share a misleading picture.
        let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some_and(|name| !name.is_empty())
            || std::env::var("XDG_SESSION_TYPE").is_ok_and(|kind| kind == "wayland");
        if wayland {
            return Err(Unavailable::Wayland);
        }
        if std::env::var_os("DISPLAY").is_none_or(|name| name.is_empty()) {
            return Err(Unavailable::NoDisplay);
        }
        Ok(())
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    pub(super) fn open_capturer() -> Result<Box<dyn Capturer>, Unavailable> {
        check_x11_session()?;
        Ok(Box::new(super::x11::X11Capturer::open(None)?))
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    pub(super) fn open_input() -> Result<Box<dyn InputSink>, Unavailable> {
        check_x11_session()?;
        Ok(Box::new(super::x11::X11Input::open(None)?))
    }

    #[cfg(not(all(unix, not(target_os = "macos"))))]
    pub(super) fn open_capturer() -> Result<Box<dyn Capturer>, Unavailable> {
        Err(Unavailable::Os {
            os: std::env::consts::OS,
        })
    }

    #[cfg(not(all(unix, not(target_os = "macos"))))]
    pub(super) fn open_input() -> Result<Box<dyn InputSink>, Unavailable> {
        Err(Unavailable::Os {
            os: std::env::consts::OS,
        })
    }
}
