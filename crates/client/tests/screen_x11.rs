//! The X11 capturer and injector against a real X server: an Xvfb of the
//! test's own (so the pattern survives clients disconnecting, and the tests
//! do not depend on the caller's display). Xvfb missing fails the tests.
#![cfg(all(unix, not(target_os = "macos")))]

use std::time::{Duration, Instant};

use lifeline_client::screen::{
    Canvas, InjectError, Injector, Rect, ScreenSource, Size, Update, VirtualDisplay,
};
use lifeline_protocol::screen::{InputEvent, MouseButton};
use x11rb::connection::Connection as _;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{
    self, ChangeGCAux, ConnectionExt as _, CreateGCAux, CreateWindowAux, EventMask, InputFocus,
    KeyButMask, WindowClass,
};
use x11rb::rust_connection::RustConnection;

/// Tile-aligned halves (32 px tiles), so a recoloured quadrant maps to whole tiles.
const SIZE: Size = Size {
    width: 640,
    height: 384,
};
const DEADLINE: Duration = Duration::from_secs(10);

const RED: u32 = 0xE0_20_20;
const GREEN: u32 = 0x20_C0_40;
const BLUE: u32 = 0x30_40_E0;
const YELLOW: u32 = 0xF0_E0_30;
const PURPLE: u32 = 0x80_20_A0;

fn start_display() -> VirtualDisplay {
    VirtualDisplay::start(SIZE.width, SIZE.height)
        .expect("Xvfb must be installed for the screen tests (cargo xtask test installs it)")
}

/// A client drawing straight onto the root window.
struct Painter {
    connection: RustConnection,
    root: xproto::Window,
    gc: xproto::Gcontext,
}

impl Painter {
    fn connect(display: &str) -> Self {
        let (connection, screen) = RustConnection::connect(Some(display)).expect("connect");
        let root = connection.setup().roots[screen].root;
        let gc = connection.generate_id().expect("an id");
        connection
            .create_gc(gc, root, &CreateGCAux::new())
            .expect("create a GC");
        Painter {
            connection,
            root,
            gc,
        }
    }

    /// Fills `rect` with `colour` (0xRRGGBB is the pixel value at depth 24)
    /// and returns once the server has drawn it.
    fn fill(&self, rect: Rect, colour: u32) {
        self.connection
            .change_gc(self.gc, &ChangeGCAux::new().foreground(colour))
            .expect("set the colour");
        let area = xproto::Rectangle {
            x: rect.x.cast_signed(),
            y: rect.y.cast_signed(),
            width: rect.width,
            height: rect.height,
        };
        self.connection
            .poly_fill_rectangle(self.root, self.gc, &[area])
            .expect("fill");
        self.connection
            .get_input_focus()
            .expect("sync")
            .reply()
            .expect("sync");
    }
}

fn quadrant(index: u16) -> Rect {
    let (width, height) = (SIZE.width / 2, SIZE.height / 2);
    Rect {
        x: index % 2 * width,
        y: index / 2 * height,
        width,
        height,
    }
}

fn centre(rect: Rect) -> (u16, u16) {
    (rect.x + rect.width / 2, rect.y + rect.height / 2)
}

/// Paints every message of `update` and returns the screen rectangles painted.
fn paint(canvas: &mut Canvas, update: &Update) -> Vec<Rect> {
    let mut rects = Vec::new();
    for message in &update.messages {
        let painted = canvas.paint(message).expect("the viewer paints the update");
        assert_eq!(painted.header.seq, update.seq);
        rects.extend(painted.rects);
    }
    rects
}

/// Whether `actual` (0xFFRRGGBB) is `expected` give or take JPEG's error.
fn close(actual: u32, expected: u32) -> bool {
    let [_, r1, g1, b1] = actual.to_be_bytes();
    let [_, r2, g2, b2] = expected.to_be_bytes();
    [(r1, r2), (g1, g2), (b1, b2)]
        .iter()
        .all(|(a, b)| a.abs_diff(*b) <= 12)
}

#[test]
fn the_capturer_reads_the_screen_then_only_what_changed() {
    let display = start_display();
    let painter = Painter::connect(display.name());
    let colours = [RED, GREEN, BLUE, YELLOW];
    for (index, colour) in (0..).zip(colours) {
        painter.fill(quadrant(index), colour);
    }

    let mut source = ScreenSource::open_x11(display.name()).expect("open the screen");
    assert_eq!(source.size(), SIZE);
    let first = source
        .next_update(false)
        .expect("capture")
        .expect("a first update");
    assert!(first.full, "the first update is a full one");
    let mut canvas = Canvas::new(SIZE);
    paint(&mut canvas, &first);
    for (index, colour) in (0..).zip(colours) {
        let (x, y) = centre(quadrant(index));
        // Exact in the capture (BGRX read with the alpha made opaque)...
        assert_eq!(source.frame().pixel(x, y), 0xFF00_0000 | colour);
        // ... and as the viewer draws it.
        let seen = canvas.frame().pixel(x, y);
        assert!(
            close(seen, 0xFF00_0000 | colour),
            "quadrant {index}: {seen:08X}"
        );
    }
    assert!(
        canvas.pointer().is_some(),
        "the cursor travels with the first update"
    );

    let changed = quadrant(3);
    painter.fill(changed, PURPLE);
    // DAMAGE is recorded as the server draws, which `fill` waited for; the
    // loop only guards against a slow server.
    let started = Instant::now();
    let update = loop {
        if let Some(update) = source.next_update(false).expect("capture") {
            break update;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "the change was never captured"
        );
    };
    assert!(!update.full);
    let painted = paint(&mut canvas, &update);
    assert!(!painted.is_empty());
    for rect in &painted {
        let inside = rect.x >= changed.x && rect.y >= changed.y;
        assert!(inside, "{rect:?} lies outside the recoloured {changed:?}");
    }
    let area: u32 = painted
        .iter()
        .map(|rect| u32::from(rect.width) * u32::from(rect.height))
        .sum();
    assert_eq!(
        area,
        u32::from(changed.width) * u32::from(changed.height),
        "exactly the recoloured quadrant"
    );
    let (x, y) = centre(changed);
    assert!(close(canvas.frame().pixel(x, y), 0xFF00_0000 | PURPLE));
    let (x, y) = centre(quadrant(0));
    assert!(close(canvas.frame().pixel(x, y), 0xFF00_0000 | RED));

    assert_eq!(
        source.next_update(false).expect("capture"),
        None,
        "nothing changed since"
    );
    let refresh = source
        .next_update(true)
        .expect("capture")
        .expect("a full update on demand");
    assert!(refresh.full);
    let area: u32 = paint(&mut canvas, &refresh)
        .iter()
        .map(|rect| u32::from(rect.width) * u32::from(rect.height))
        .sum();
    assert_eq!(area, u32::from(SIZE.width) * u32::from(SIZE.height));
}

/// A window covering the screen with the keyboard focus, recording clicks and keys.
struct TestWindow {
    connection: RustConnection,
}

impl TestWindow {
    fn open(display: &str) -> Self {
        let (connection, screen) = RustConnection::connect(Some(display)).expect("connect");
        let screen = &connection.setup().roots[screen];
        let window = connection.generate_id().expect("an id");
        let events = EventMask::BUTTON_PRESS
            | EventMask::BUTTON_RELEASE
            | EventMask::KEY_PRESS
            | EventMask::KEY_RELEASE;
        connection
            .create_window(
                x11rb::COPY_DEPTH_FROM_PARENT,
                window,
                screen.root,
                0,
                0,
                SIZE.width,
                SIZE.height,
                0,
                WindowClass::INPUT_OUTPUT,
                x11rb::COPY_FROM_PARENT,
                // No window manager here: override-redirect maps it at once.
                &CreateWindowAux::new()
                    .override_redirect(1)
                    .background_pixel(screen.white_pixel)
                    .event_mask(events),
            )
            .expect("create the window");
        connection.map_window(window).expect("map");
        connection
            .set_input_focus(InputFocus::POINTER_ROOT, window, x11rb::CURRENT_TIME)
            .expect("focus");
        connection
            .get_input_focus()
            .expect("sync")
            .reply()
            .expect("sync");
        TestWindow { connection }
    }

    /// Events until `done` says the last expected one arrived.
    fn events_until(&self, mut done: impl FnMut(&Event) -> bool) -> Vec<Event> {
        let started = Instant::now();
        let mut events = Vec::new();
        loop {
            match self.connection.poll_for_event().expect("read events") {
                Some(event) => {
                    let last = done(&event);
                    events.push(event);
                    if last {
                        return events;
                    }
                }
                None => {
                    assert!(started.elapsed() < DEADLINE, "events so far: {events:#?}");
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        }
    }

    /// The keysym a key event typed, read from the keyboard mapping as it is now.
    fn keysym(&self, keycode: u8, state: KeyButMask) -> u32 {
        let mapping = self
            .connection
            .get_keyboard_mapping(keycode, 1)
            .expect("mapping")
            .reply()
            .expect("mapping");
        let shifted = state.contains(KeyButMask::SHIFT);
        match (shifted, mapping.keysyms.get(1)) {
            (true, Some(&upper)) if upper != 0 => upper,
            _ => mapping.keysyms[0],
        }
    }
}

const SHIFT_L: u32 = 0xFFE1;
const RETURN: u32 = 0xFF0D;

#[test]
fn injected_clicks_and_text_reach_the_focused_window() {
    let display = start_display();
    let window = TestWindow::open(display.name());
    let mut injector = Injector::open_x11(display.name()).expect("open input");
    assert_eq!(injector.size(), SIZE);

    for down in [true, false] {
        let click = InputEvent::Button {
            x: 100,
            y: 50,
            button: MouseButton::Left,
            down,
        };
        injector.inject(&click).expect("click");
    }
    injector
        .inject(&InputEvent::Text {
            text: "Hi é!".to_owned(),
        })
        .expect("type text");
    for down in [true, false] {
        let enter = InputEvent::Key {
            key: "Enter".to_owned(),
            down,
        };
        injector.inject(&enter).expect("press Enter");
    }

    // Refused before anything is played.
    let off_screen = InputEvent::Button {
        x: SIZE.width,
        y: 0,
        button: MouseButton::Left,
        down: true,
    };
    assert!(matches!(
        injector.inject(&off_screen),
        Err(InjectError::Invalid(_))
    ));
    let unknown = InputEvent::Key {
        key: "NoSuchKey".to_owned(),
        down: true,
    };
    assert!(matches!(
        injector.inject(&unknown),
        Err(InjectError::UnknownKey(key)) if key == "NoSuchKey"
    ));

    // A key left down when control ends is released.
    injector
        .inject(&InputEvent::Key {
            key: "Shift".to_owned(),
            down: true,
        })
        .expect("hold Shift");
    drop(injector);

    // Shift goes up three times: around 'H', around '!', and the held one.
    let mut shift_releases = 0;
    let events = window.events_until(|event| {
        if let Event::KeyRelease(key) = event
            && window.keysym(key.detail, KeyButMask::default()) == SHIFT_L
        {
            shift_releases += 1;
        }
        shift_releases == 3
    });

    let buttons: Vec<_> = events
        .iter()
        .filter_map(|event| match event {
            Event::ButtonPress(press) => Some((true, press.detail, press.event_x, press.event_y)),
            Event::ButtonRelease(release) => {
                Some((false, release.detail, release.event_x, release.event_y))
            }
            _ => None,
        })
        .collect();
    assert_eq!(buttons, [(true, 1, 100, 50), (false, 1, 100, 50)]);

    let typed: Vec<u32> = events
        .iter()
        .filter_map(|event| match event {
            Event::KeyPress(press) => Some(window.keysym(press.detail, press.state)),
            _ => None,
        })
        .filter(|keysym| *keysym != SHIFT_L)
        .collect();
    let expected: Vec<u32> = "Hi é!".chars().map(u32::from).chain([RETURN]).collect();
    assert_eq!(typed, expected, "keysyms typed");
}
