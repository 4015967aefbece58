//! Remote control: an expert's [`InputEvent`]s played on this machine as if
//! typed and clicked here, behind the [`InputSink`] trait (one per platform).

use lifeline_protocol::screen::InputEvent;

use super::{Size, Unavailable};

/// Most wheel notches played for one event: a lying `dy` cannot keep the
/// injector busy.
pub(crate) const MAX_WHEEL_NOTCHES: u16 = 50;

/// Plays input events on a display. Calls block (they talk to the display
/// server); run them on a blocking thread.
pub trait InputSink: Send {
    /// The size of the screen events are played on.
    fn size(&self) -> Size;

    /// Plays one event. Coordinates are checked by the caller ([`Injector`]).
    ///
    /// # Errors
    /// An unknown key, or the display refusing or gone.
    fn inject(&mut self, event: &InputEvent) -> Result<(), InjectError>;

    /// Releases every key and button this sink pressed and did not release,
    /// so a dropped session leaves nothing held down.
    ///
    /// # Errors
    /// The display refusing or gone.
    fn release_all(&mut self) -> Result<(), InjectError>;
}

/// Why an input event was not played.
#[derive(Debug, thiserror::Error)]
pub enum InjectError {
    /// The event breaks the protocol's rules (off screen, text too long).
    #[error("input event refused: {0}")]
    Invalid(#[from] lifeline_protocol::screen::InputError),
    /// A key name that is neither one character nor a DOM key this machine knows.
    #[error("unknown key {0:?}")]
    UnknownKey(String),
    /// The keyboard has no key for this symbol and none free to assign it.
    #[error("no key can type {0:?} on this keyboard")]
    NoKeycode(String),
    /// The connection to the display server broke.
    #[error("lost the connection to the display: {0}")]
    Connection(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The display server refused a request.
    #[error("the display refused an input request: {0}")]
    Refused(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The customer's end of remote control: checks each event against the
/// screen and plays it. Dropping it releases anything still held down.
pub struct Injector {
    sink: Box<dyn InputSink>,
}

impl std::fmt::Debug for Injector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Injector")
            .field("size", &self.sink.size())
            .finish_non_exhaustive()
    }
}

impl Injector {
    /// Opens input injection on this system's display.
    ///
    /// # Errors
    /// [`Unavailable`] when this system has no injector yet (Wayland, Windows,
    /// macOS) or the display cannot be opened.
    pub fn open() -> Result<Self, Unavailable> {
        super::platform::open_input().map(Self::from_sink)
    }

    /// Opens input injection on the X display `display` (such as `":99"`).
    ///
    /// # Errors
    /// [`Unavailable`] when the display cannot be opened or lacks XTEST.
    #[cfg(all(unix, not(target_os = "macos")))]
    pub fn open_x11(display: &str) -> Result<Self, Unavailable> {
        let sink = super::x11::X11Input::open(Some(display))?;
        Ok(Self::from_sink(Box::new(sink)))
    }

    /// Injects through `sink`.
    #[must_use]
    pub fn from_sink(sink: Box<dyn InputSink>) -> Self {
        Injector { sink }
    }

    /// The screen size events are checked against.
    #[must_use]
    pub fn size(&self) -> Size {
        self.sink.size()
    }

    /// Checks `event` against the screen and the protocol's limits, then plays it.
    ///
    /// # Errors
    /// [`InjectError::Invalid`] for an event off screen or over a limit
    /// (nothing is played), the sink's errors otherwise.
    pub fn inject(&mut self, event: &InputEvent) -> Result<(), InjectError> {
        let size = self.sink.size();
        event.check(size.width, size.height)?;
        self.sink.inject(event)
    }

    /// Releases every key and button still held down (control revoked or lost).
    ///
    /// # Errors
    /// The display refusing or gone.
    pub fn release_all(&mut self) -> Result<(), InjectError> {
        self.sink.release_all()
    }
}

impl Drop for Injector {
    fn drop(&mut self) {
        if let Err(error) = self.sink.release_all() {
            tracing::warn!(%error, "could not release held keys and buttons");
        }
    }
}

/// The X keysym a DOM `KeyboardEvent.key` value stands for: one character,
/// or a named key.
pub(crate) fn keysym_for_key(key: &str) -> Option<u32> {
    let mut chars = key.chars();
    if let (Some(only), None) = (chars.next(), chars.next()) {
        return Some(keysym_for_char(only));
    }
    if let Some(number) = key.strip_prefix('F').and_then(|n| n.parse::<u32>().ok()) {
        // F1 is 0xFFBE; X names keys up to F35.
        return (1..=35).contains(&number).then(|| 0xFFBE + number - 1);
    }
    let keysym = match key {
        "Enter" => 0xFF0D,
        "Tab" => 0xFF09,
        "Backspace" => 0xFF08,
        "Escape" => 0xFF1B,
        "Delete" => 0xFFFF,
        "Insert" => 0xFF63,
        "Home" => 0xFF50,
        "End" => 0xFF57,
        "PageUp" => 0xFF55,
        "PageDown" => 0xFF56,
        "ArrowLeft" => 0xFF51,
        "ArrowUp" => 0xFF52,
        "ArrowRight" => 0xFF53,
        "ArrowDown" => 0xFF54,
        "Shift" => SHIFT_KEYSYM,
        "Control" => 0xFFE3,
        "Alt" => 0xFFE9,
        "AltGraph" => 0xFE03,
        "Meta" | "OS" => 0xFFEB,
        "CapsLock" => 0xFFE5,
        "NumLock" => 0xFF7F,
        "ScrollLock" => 0xFF14,
        "Pause" => 0xFF13,
        "PrintScreen" => 0xFF61,
        "ContextMenu" => 0xFF67,
        _ => return None,
    };
    Some(keysym)
}

/// The left Shift key.
pub(crate) const SHIFT_KEYSYM: u32 = 0xFFE1;

/// The X keysym of a typed character.
pub(crate) fn keysym_for_char(c: char) -> u32 {
    match c {
        '\n' | '\r' => 0xFF0D,
        '\t' => 0xFF09,
        '\u{8}' => 0xFF08,
        // Latin-1 keysyms are the code points themselves; the rest of Unicode
        // sits at 0x0100_0000 + code point.
        ' '..='~' | '\u{A0}'..='\u{FF}' => u32::from(c),
        _ => 0x0100_0000 + u32::from(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dom_key_names_map_to_x_keysyms() {
        assert_eq!(keysym_for_key("a"), Some(0x61));
        assert_eq!(keysym_for_key("A"), Some(0x41));
        assert_eq!(keysym_for_key(" "), Some(0x20));
        assert_eq!(keysym_for_key("é"), Some(0xE9));
        assert_eq!(keysym_for_key("€"), Some(0x0100_20AC));
        assert_eq!(keysym_for_key("Enter"), Some(0xFF0D));
        assert_eq!(keysym_for_key("ArrowLeft"), Some(0xFF51));
        assert_eq!(keysym_for_key("F1"), Some(0xFFBE));
        assert_eq!(keysym_for_key("F12"), Some(0xFFC9));
        assert_eq!(keysym_for_key("F36"), None);
        assert_eq!(keysym_for_key("Unidentified"), None);
        assert_eq!(keysym_for_char('\n'), 0xFF0D);
    }
}
