//! The X11 capturer: DAMAGE says which parts of the root window changed,
//! GetImage reads them, XFIXES gives the cursor (X draws no cursor into the
//! root window's pixels).

use x11rb::connection::{Connection as _, RequestConnection as _};
use x11rb::protocol::damage::{self, ConnectionExt as _};
use x11rb::protocol::xfixes::{self, ConnectionExt as _};
use x11rb::protocol::xproto::{self, ConnectionExt as _, ImageFormat, ImageOrder};
use x11rb::rust_connection::RustConnection;

use super::super::Unavailable;
use super::super::capture::{CaptureError, Capturer, Cursor, Frame, Rect, Size};
use super::{connect, missing};

/// Past this many damaged rectangles, one read of their bounding box is
/// cheaper than a round trip each.
const MAX_READS: usize = 32;

/// Captures the root window of an X display.
#[derive(Debug)]
pub(crate) struct X11Capturer {
    connection: RustConnection,
    root: xproto::Window,
    size: Size,
    damage: damage::Damage,
    /// Receives the damage taken out of `damage` on each capture.
    region: xfixes::Region,
}

impl X11Capturer {
    /// Connects to `display` (`None`: `$DISPLAY`) and starts tracking damage.
    pub(crate) fn open(display: Option<&str>) -> Result<Self, Unavailable> {
        let (connection, screen_number) = connect(display)?;
        let setup = connection.setup();
        let screen = &setup.roots[screen_number];
        check_pixel_format(setup, screen)?;
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
        // Both extensions must be asked for their version before any other request.
        for extension in [xfixes::X11_EXTENSION_NAME, damage::X11_EXTENSION_NAME] {
            if connection
                .extension_information(extension)
                .map_err(|error| lost(&error))?
                .is_none()
            {
                return Err(Unavailable::Extension(extension));
            }
        }
        connection
            .xfixes_query_version(5, 0)
            .map_err(|error| lost(&error))?
            .reply()
            .map_err(missing(xfixes::X11_EXTENSION_NAME))?;
        connection
            .damage_query_version(1, 1)
            .map_err(|error| lost(&error))?
            .reply()
            .map_err(missing(damage::X11_EXTENSION_NAME))?;
        let damage = connection.generate_id().map_err(|error| lost(&error))?;
        let region = connection.generate_id().map_err(|error| lost(&error))?;
        // NonEmpty: one event when damage appears, not one per drawing call;
        // the damage itself is read with Subtract + FetchRegion.
        connection
            .damage_create(damage, root, damage::ReportLevel::NON_EMPTY)
            .map_err(|error| lost(&error))?
            .check()
            .map_err(missing(damage::X11_EXTENSION_NAME))?;
        connection
            .xfixes_create_region(region, &[])
            .map_err(|error| lost(&error))?
            .check()
            .map_err(missing(xfixes::X11_EXTENSION_NAME))?;
        Ok(X11Capturer {
            connection,
            root,
            size,
            damage,
            region,
        })
    }

    /// Takes the damage accumulated since the last call, as rectangles on screen.
    fn take_damage(&mut self) -> Result<Vec<Rect>, CaptureError> {
        // Damage events only say "there is damage"; drop them so they do not pile up.
        while self.connection.poll_for_event()?.is_some() {}
        self.connection
            .damage_subtract(self.damage, x11rb::NONE, self.region)?;
        let reply = self.connection.xfixes_fetch_region(self.region)?.reply()?;
        let rects: Vec<Rect> = reply
            .rectangles
            .iter()
            .filter_map(|rect| screen_rect(*rect, self.size))
            .collect();
        if rects.len() > MAX_READS {
            return Ok(screen_rect(reply.extents, self.size).into_iter().collect());
        }
        Ok(rects)
    }

    /// Reads `rects` into `frame`, every request sent before the first answer
    /// is awaited.
    fn read(&self, frame: &mut Frame, rects: &[Rect]) -> Result<(), CaptureError> {
        let mut cookies = Vec::with_capacity(rects.len());
        for rect in rects {
            cookies.push(self.connection.get_image(
                ImageFormat::Z_PIXMAP,
                self.root,
                rect.x.cast_signed(),
                rect.y.cast_signed(),
                rect.width,
                rect.height,
                !0,
            )?);
        }
        for (rect, cookie) in rects.iter().zip(cookies) {
            let image = cookie.reply()?;
            // 32 bits per pixel with 32-bit scanline padding: rows are unpadded.
            let row_len = usize::from(rect.width) * 4;
            for (y, row) in (rect.y..).zip(image.data.chunks_exact(row_len)) {
                let target = frame.row_mut(rect.x, y, rect.width);
                for (pixel, bytes) in target.iter_mut().zip(row.chunks_exact(4)) {
                    // B, G, R, X with X = 0 at depth 24: make the alpha opaque.
                    *pixel = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], 0xFF]);
                }
            }
        }
        Ok(())
    }

    /// Whether the root window still has the size it was opened with.
    fn check_size(&self) -> Result<(), CaptureError> {
        let geometry = self.connection.get_geometry(self.root)?.reply()?;
        let now = Size {
            width: geometry.width,
            height: geometry.height,
        };
        if now == self.size {
            Ok(())
        } else {
            Err(CaptureError::Resized {
                old: self.size,
                new: now,
            })
        }
    }
}

impl Capturer for X11Capturer {
    fn size(&self) -> Size {
        self.size
    }

    fn capture(&mut self, frame: &mut Frame, full: bool) -> Result<Vec<Rect>, CaptureError> {
        let damaged = self.take_damage()?;
        let rects = if full {
            self.check_size()?;
            vec![Rect::whole(self.size)]
        } else {
            damaged
        };
        self.read(frame, &rects)?;
        Ok(rects)
    }

    fn cursor(&mut self) -> Result<Option<Cursor>, CaptureError> {
        let image = self.connection.xfixes_get_cursor_image()?.reply()?;
        let rgba = image
            .cursor_image
            .iter()
            .flat_map(|argb| unpremultiply(*argb))
            .collect();
        Ok(Some(Cursor {
            x: u16::try_from(image.x.max(0)).unwrap_or_default(),
            y: u16::try_from(image.y.max(0)).unwrap_or_default(),
            serial: image.cursor_serial,
            width: image.width,
            height: image.height,
            hot_x: image.xhot,
            hot_y: image.yhot,
            rgba,
        }))
    }
}

impl Drop for X11Capturer {
    fn drop(&mut self) {
        // Best effort: the server frees both with the connection anyway.
        let _ = self.connection.damage_destroy(self.damage);
        let _ = self.connection.xfixes_destroy_region(self.region);
        let _ = self.connection.flush();
    }
}

/// Accepts only what [`X11Capturer::read`] decodes: 32 bits per pixel,
/// least significant byte first, 8 bits each of red, green and blue.
fn check_pixel_format(setup: &xproto::Setup, screen: &xproto::Screen) -> Result<(), Unavailable> {
    let bits_per_pixel = setup
        .pixmap_formats
        .iter()
        .find(|format| format.depth == screen.root_depth)
        .map_or(0, |format| format.bits_per_pixel);
    let visual = screen
        .allowed_depths
        .iter()
        .flat_map(|depth| &depth.visuals)
        .find(|visual| visual.visual_id == screen.root_visual);
    let rgb888 = visual.is_some_and(|visual| {
        (visual.red_mask, visual.green_mask, visual.blue_mask) == (0xFF_0000, 0xFF00, 0xFF)
    });
    if bits_per_pixel == 32 && setup.image_byte_order == ImageOrder::LSB_FIRST && rgb888 {
        Ok(())
    } else {
        Err(Unavailable::PixelFormat {
            depth: screen.root_depth,
            bits_per_pixel,
        })
    }
}

/// An X rectangle clipped to the screen.
fn screen_rect(rect: xproto::Rectangle, size: Size) -> Option<Rect> {
    // Damage can start left of or above the screen (a window partly off it).
    let (x, y) = (i32::from(rect.x), i32::from(rect.y));
    let left = x.max(0);
    let top = y.max(0);
    let width = (x + i32::from(rect.width) - left).max(0);
    let height = (y + i32::from(rect.height) - top).max(0);
    Rect {
        x: u16::try_from(left).ok()?,
        y: u16::try_from(top).ok()?,
        width: u16::try_from(width).ok()?,
        height: u16::try_from(height).ok()?,
    }
    .clip(size)
}

/// XFIXES gives premultiplied ARGB; a canvas wants straight RGBA.
fn unpremultiply(argb: u32) -> [u8; 4] {
    let [a, r, g, b] = argb.to_be_bytes();
    if a == 0 {
        return [0, 0, 0, 0];
    }
    let straight =
        |c: u8| u8::try_from((u32::from(c) * 255 / u32::from(a)).min(255)).unwrap_or(255);
    [straight(r), straight(g), straight(b), a]
}
