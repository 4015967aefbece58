//! A customer's screen for the remote-screen test: an Xvfb display of its own
//! (`-noreset`, so nothing vanishes when a client leaves) and, on it, a test
//! window showing a known four-colour pattern that records the clicks and
//! the text it receives.

use std::sync::{Arc, Mutex};

use x11rb::connection::Connection as _;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    ChangeWindowAttributesAux, ConfigureWindowAux, ConnectionExt as _, CreateWindowAux, EventMask,
    InputFocus, KeyButMask, StackMode, Visibility, Window, WindowClass,
};
use x11rb::rust_connection::RustConnection;

use lifeline_client::screen::VirtualDisplay;

use super::{Fallible, find_program, missing_tools};

/// Width and height of the test display.
pub const WIDTH: u16 = 1280;
pub const HEIGHT: u16 = 800;

/// An Xvfb display of the test's own, stopped when dropped.
pub struct Display {
    /// `:N`, for `DISPLAY`.
    pub name: String,
    _server: VirtualDisplay,
}

impl Display {
    /// Starts Xvfb on a free display number (the client crate's
    /// [`VirtualDisplay`], as the screen tests and benchmark use); `None` only
    /// when Xvfb is missing outside CI with `LIFELINE_SKIP_E2E=1`.
    pub fn start_or_skip() -> Fallible<Option<Self>> {
        if find_program("Xvfb").is_none() {
            let missing = ["Xvfb not found (Debian: apt-get install xvfb)".to_string()];
            missing_tools("the remote-screen test", &missing)?;
            return Ok(None);
        }
        let server = VirtualDisplay::start(WIDTH, HEIGHT)
            .map_err(|e| format!("cannot start Xvfb at {WIDTH}x{HEIGHT}: {e}"))?;
        Ok(Some(Self {
            name: server.name().to_string(),
            _server: server,
        }))
    }
}

/// What the test window received.
#[derive(Debug, Default, Clone)]
pub struct Received {
    /// Button presses: (x, y) on the screen, button number.
    pub clicks: Vec<(i16, i16, u8)>,
    /// The text typed into it.
    pub text: String,
}

/// A window covering the whole display in four coloured quadrants, kept on
/// top of every other window (the app's own included), recording what it gets.
pub struct Pattern {
    connection: Arc<RustConnection>,
    quadrants: [Window; 4],
    received: Arc<Mutex<Received>>,
}

impl Pattern {
    /// Shows `colours` (0xRRGGBB: top left, top right, bottom left, bottom
    /// right) on `display`.
    pub fn show(display: &Display, colours: [u32; 4]) -> Fallible<Self> {
        let (connection, screen_number) = x11rb::connect(Some(&display.name))?;
        let connection = Arc::new(connection);
        let root = connection.setup().roots[screen_number].root;
        let top = connection.generate_id()?;
        connection.create_window(
            x11rb::COPY_DEPTH_FROM_PARENT,
            top,
            root,
            0,
            0,
            WIDTH,
            HEIGHT,
            0,
            WindowClass::INPUT_OUTPUT,
            x11rb::COPY_FROM_PARENT,
            &CreateWindowAux::new()
                .background_pixel(0)
                // No window manager here: placed where asked and kept on top by us.
                .override_redirect(1)
                .event_mask(
                    EventMask::BUTTON_PRESS | EventMask::KEY_PRESS | EventMask::VISIBILITY_CHANGE,
                ),
        )?;
        let (half_w, half_h) = (WIDTH / 2, HEIGHT / 2);
        let mut quadrants = [0; 4];
        for (i, colour) in colours.into_iter().enumerate() {
            let id = connection.generate_id()?;
            let x = if i % 2 == 0 { 0 } else { half_w };
            let y = if i < 2 { 0 } else { half_h };
            connection.create_window(
                x11rb::COPY_DEPTH_FROM_PARENT,
                id,
                top,
                i16::try_from(x)?,
                i16::try_from(y)?,
                half_w,
                half_h,
                0,
                WindowClass::INPUT_OUTPUT,
                x11rb::COPY_FROM_PARENT,
                // The server paints the colour itself: nothing to redraw on Expose.
                &CreateWindowAux::new().background_pixel(colour),
            )?;
            quadrants[i] = id;
        }
        connection.map_subwindows(top)?;
        connection.map_window(top)?;
        connection.flush()?;

        let received = Arc::new(Mutex::new(Received::default()));
        let listener = Arc::clone(&connection);
        let record = Arc::clone(&received);
        std::thread::spawn(move || {
            // Ends when the connection closes (the display stops).
            while let Ok(event) = listener.wait_for_event() {
                if let Err(error) = handle(&listener, top, &record, event) {
                    eprintln!("the pattern window: {error}");
                    return;
                }
            }
        });
        Ok(Self {
            connection,
            quadrants,
            received,
        })
    }

    /// Paints quadrant `index` (0 top left … 3 bottom right) in `colour`.
    pub fn recolour(&self, index: usize, colour: u32) -> Fallible<()> {
        let window = self.quadrants[index];
        self.connection.change_window_attributes(
            window,
            &ChangeWindowAttributesAux::new().background_pixel(colour),
        )?;
        self.connection.clear_area(false, window, 0, 0, 0, 0)?;
        self.connection.flush()?;
        Ok(())
    }

    /// What it received so far.
    pub fn received(&self) -> Received {
        self.received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

fn handle(
    connection: &RustConnection,
    top: Window,
    record: &Mutex<Received>,
    event: Event,
) -> Fallible<()> {
    match event {
        Event::VisibilityNotify(event) if event.state != Visibility::UNOBSCURED => {
            // Another window (the app's, when it shows itself) came on top.
            connection
                .configure_window(top, &ConfigureWindowAux::new().stack_mode(StackMode::ABOVE))?;
            connection.flush()?;
        }
        Event::ButtonPress(event) => {
            // Click to focus, as a window manager would: typed keys come here.
            connection.set_input_focus(InputFocus::POINTER_ROOT, top, x11rb::CURRENT_TIME)?;
            connection.flush()?;
            let mut record = record.lock().unwrap_or_else(|e| e.into_inner());
            record
                .clicks
                .push((event.root_x, event.root_y, event.detail));
        }
        Event::KeyPress(event) => {
            // Asked each time: an input injector may remap keycodes on the fly.
            let mapping = connection.get_keyboard_mapping(event.detail, 1)?.reply()?;
            let shifted = u16::from(event.state) & u16::from(KeyButMask::SHIFT) != 0;
            let per = usize::from(mapping.keysyms_per_keycode);
            let keysym = mapping
                .keysyms
                .get(usize::from(shifted).min(per.saturating_sub(1)))
                .copied()
                .unwrap_or(0);
            // Latin-1 keysyms are their characters.
            if let Some(c) = (0x20..=0x7e)
                .contains(&keysym)
                .then(|| char::from_u32(keysym))
                .flatten()
            {
                record
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .text
                    .push(c);
            }
        }
        _ => {}
    }
    Ok(())
}
