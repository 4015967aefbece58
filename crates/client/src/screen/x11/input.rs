//! X11 input through XTEST: the server plays the events as if they came from
//! the real keyboard and mouse. Keys are found through the keyboard mapping;
//! a character the keyboard has no key for is given a free keycode first.

use x11rb::connection::{Connection as _, RequestConnection as _};
use x11rb::cookie::VoidCookie;
use x11rb::protocol::xproto::{
    self, BUTTON_PRESS_EVENT, BUTTON_RELEASE_EVENT, ConnectionExt as _, KEY_PRESS_EVENT,
    KEY_RELEASE_EVENT, MOTION_NOTIFY_EVENT,
};
use x11rb::protocol::xtest::{self, ConnectionExt as _};
use x11rb::rust_connection::RustConnection;

use lifeline_protocol::screen::{InputEvent, MouseButton};

use super::super::Unavailable;
use super::super::capture::Size;
use super::super::input::{
    InjectError, InputSink, MAX_WHEEL_NOTCHES, SHIFT_KEYSYM, keysym_for_char, keysym_for_key,
};
use super::{connect, missing};

/// Plays input on an X display through XTEST.
#[derive(Debug)]
pub(crate) struct X11Input {
    connection: RustConnection,
    root: xproto::Window,
    size: Size,
    keyboard: Keyboard,
    /// Keycodes and buttons pressed and not yet released.
    held_keys: Vec<u8>,
    held_buttons: Vec<u8>,
}

impl X11Input {
    /// Connects to `display` (`None`: `$DISPLAY`) and reads its keyboard mapping.
    pub(crate) fn open(display: Option<&str>) -> Result<Self, Unavailable> {
        let (connection, screen_number) = connect(display)?;
        let screen = &connection.setup().roots[screen_number];
        let (root, size) = (
            screen.root,
            Size {
                width: screen.width_in_pixels,
                height: screen.height_in_pixels,
            },
        );
        let lost = |error: &dyn std::fmt::Display| Unavailable::Display {
            display: display.unwrap_or_default().to_owned(),
            reason: error.to_string(),
        };
        if connection
            .extension_information(xtest::X11_EXTENSION_NAME)
            .map_err(|error| lost(&error))?
            .is_none()
        {
            return Err(Unavailable::Extension(xtest::X11_EXTENSION_NAME));
        }
        connection
            .xtest_get_version(2, 2)
            .map_err(|error| lost(&error))?
            .reply()
            .map_err(missing(xtest::X11_EXTENSION_NAME))?;
        let keyboard = Keyboard::read(&connection).map_err(|error| lost(&error))?;
        Ok(X11Input {
            connection,
            root,
            size,
            keyboard,
            held_keys: Vec::new(),
            held_buttons: Vec::new(),
        })
    }

    fn fake(
        &self,
        kind: u8,
        detail: u8,
        x: u16,
        y: u16,
    ) -> Result<VoidCookie<'_, RustConnection>, InjectError> {
        // x and y only matter for motion; they are checked to be on screen (< 7680).
        Ok(self.connection.xtest_fake_input(
            kind,
            detail,
            x11rb::CURRENT_TIME,
            self.root,
            x.cast_signed(),
            y.cast_signed(),
            0,
        )?)
    }

    fn move_to(&self, x: u16, y: u16) -> Result<(), InjectError> {
        // detail 0: absolute coordinates on `root`.
        self.fake(MOTION_NOTIFY_EVENT, 0, x, y)?.check()?;
        Ok(())
    }

    fn button(&mut self, button: u8, down: bool) -> Result<(), InjectError> {
        let kind = if down {
            BUTTON_PRESS_EVENT
        } else {
            BUTTON_RELEASE_EVENT
        };
        self.fake(kind, button, 0, 0)?.check()?;
        self.held_buttons.retain(|held| *held != button);
        if down {
            self.held_buttons.push(button);
        }
        Ok(())
    }

    fn key(&mut self, keycode: u8, down: bool) -> Result<(), InjectError> {
        let kind = if down {
            KEY_PRESS_EVENT
        } else {
            KEY_RELEASE_EVENT
        };
        self.fake(kind, keycode, 0, 0)?.check()?;
        self.held_keys.retain(|held| *held != keycode);
        if down {
            self.held_keys.push(keycode);
        }
        Ok(())
    }

    /// Types one character: its key, with Shift when it is on the shifted level.
    fn type_char(&mut self, c: char) -> Result<(), InjectError> {
        let keysym = keysym_for_char(c);
        let (keycode, shifted) = self
            .keyboard
            .find_or_assign(&self.connection, keysym)?
            .ok_or_else(|| InjectError::NoKeycode(c.to_string()))?;
        let shift = if shifted {
            let (shift, _) = self
                .keyboard
                .find(SHIFT_KEYSYM)
                .ok_or_else(|| InjectError::NoKeycode("Shift".to_owned()))?;
            Some(shift)
        } else {
            None
        };
        if let Some(shift) = shift {
            self.key(shift, true)?;
        }
        self.key(keycode, true)?;
        self.key(keycode, false)?;
        if let Some(shift) = shift {
            self.key(shift, false)?;
        }
        Ok(())
    }
}

impl InputSink for X11Input {
    fn size(&self) -> Size {
        self.size
    }

    fn inject(&mut self, event: &InputEvent) -> Result<(), InjectError> {
        match event {
            InputEvent::PointerMove { x, y } => self.move_to(*x, *y),
            InputEvent::Button { x, y, button, down } => {
                self.move_to(*x, *y)?;
                self.button(button_number(*button), *down)
            }
            InputEvent::Wheel { x, y, dx, dy } => {
                self.move_to(*x, *y)?;
                // X has no wheel axis: each notch is a click of buttons 4–7.
                for (delta, backward, forward) in [(*dy, 4, 5), (*dx, 6, 7)] {
                    let button = if delta < 0 { backward } else { forward };
                    for _ in 0..delta.unsigned_abs().min(MAX_WHEEL_NOTCHES) {
                        self.button(button, true)?;
                        self.button(button, false)?;
                    }
                }
                Ok(())
            }
            InputEvent::Key { key, down } => {
                let keysym =
                    keysym_for_key(key).ok_or_else(|| InjectError::UnknownKey(key.clone()))?;
                // The expert's modifiers arrive as their own key events, so a
                // key goes down as it is, on whichever level it was found.
                let (keycode, _) = self
                    .keyboard
                    .find_or_assign(&self.connection, keysym)?
                    .ok_or_else(|| InjectError::NoKeycode(key.clone()))?;
                self.key(keycode, *down)
            }
            InputEvent::Text { text } => text.chars().try_for_each(|c| self.type_char(c)),
        }
    }

    fn release_all(&mut self) -> Result<(), InjectError> {
        for keycode in std::mem::take(&mut self.held_keys) {
            self.fake(KEY_RELEASE_EVENT, keycode, 0, 0)?.check()?;
        }
        for button in std::mem::take(&mut self.held_buttons) {
            self.fake(BUTTON_RELEASE_EVENT, button, 0, 0)?.check()?;
        }
        self.connection.flush()?;
        Ok(())
    }
}

fn button_number(button: MouseButton) -> u8 {
    match button {
        MouseButton::Left => 1,
        MouseButton::Middle => 2,
        MouseButton::Right => 3,
    }
}

/// The display's keyboard mapping: the keysyms of each keycode, by level.
#[derive(Debug)]
struct Keyboard {
    min_keycode: u8,
    per_keycode: u8,
    keysyms: Vec<u32>,
    /// Keycodes with no keysym at all, lent to characters the layout lacks.
    spare: Vec<u8>,
    /// The next spare keycode to lend (they are reused round-robin).
    next_spare: usize,
}

impl Keyboard {
    fn read(connection: &RustConnection) -> Result<Self, x11rb::errors::ReplyError> {
        let setup = connection.setup();
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let reply = connection
            .get_keyboard_mapping(min, max - min + 1)?
            .reply()?;
        let per_keycode = reply.keysyms_per_keycode.max(1);
        let spare = (min..=max)
            .zip(reply.keysyms.chunks(usize::from(per_keycode)))
            .filter(|(_, keysyms)| keysyms.iter().all(|keysym| *keysym == 0))
            .map(|(keycode, _)| keycode)
            .collect();
        Ok(Keyboard {
            min_keycode: min,
            per_keycode,
            keysyms: reply.keysyms,
            spare,
            next_spare: 0,
        })
    }

    /// The keycode typing `keysym`, and whether it needs Shift (found on the
    /// second level rather than the first).
    fn find(&self, keysym: u32) -> Option<(u8, bool)> {
        for level in 0..usize::from(self.per_keycode.min(2)) {
            let found = self
                .keysyms
                .chunks(usize::from(self.per_keycode))
                .position(|keysyms| keysyms[level] == keysym);
            if let Some(index) = found {
                let keycode = self.min_keycode + u8::try_from(index).ok()?;
                return Some((keycode, level == 1));
            }
        }
        None
    }

    /// [`find`](Self::find), or else a spare keycode given `keysym` on
    /// every level. `None` when there is no spare keycode.
    fn find_or_assign(
        &mut self,
        connection: &RustConnection,
        keysym: u32,
    ) -> Result<Option<(u8, bool)>, InjectError> {
        if let Some(found) = self.find(keysym) {
            return Ok(Some(found));
        }
        if self.spare.is_empty() {
            return Ok(None);
        }
        let keycode = self.spare[self.next_spare % self.spare.len()];
        self.next_spare += 1;
        let levels = vec![keysym; usize::from(self.per_keycode)];
        connection
            .change_keyboard_mapping(1, keycode, self.per_keycode, &levels)?
            .check()?;
        let start = usize::from(keycode - self.min_keycode) * usize::from(self.per_keycode);
        self.keysyms[start..start + levels.len()].copy_from_slice(&levels);
        Ok(Some((keycode, false)))
    }
}
