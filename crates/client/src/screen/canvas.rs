//! The viewer's side in Rust: screen update messages painted onto a picture
//! of the screen. The console draws in a browser canvas; this one serves the
//! tests and the benchmark, which check what a viewer would see.

use lifeline_protocol::screen::{Codec, ScreenError, ScreenHeader, ScreenMessage, decode};

use super::capture::{Frame, Rect, Size};

/// A picture of the customer's screen, kept up to date from update messages.
#[derive(Debug, Clone)]
pub struct Canvas {
    frame: Frame,
    /// Pointer position from the last cursor rectangle.
    pointer: Option<(u16, u16)>,
}

/// What one message painted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Painted {
    /// The message's header.
    pub header: ScreenHeader,
    /// The screen rectangles it painted (the cursor's excluded).
    pub rects: Vec<Rect>,
}

/// A message that could not be painted.
#[derive(Debug, thiserror::Error)]
pub enum PaintError {
    /// The message breaks the binary format.
    #[error("not a screen update: {0}")]
    Format(#[from] ScreenError),
    /// A JPEG rectangle that does not decode, or not to its rectangle's size.
    #[error("rectangle at ({x}, {y}): bad JPEG: {reason}")]
    Jpeg {
        /// Its column.
        x: u16,
        /// Its row.
        y: u16,
        /// What was wrong.
        reason: String,
    },
}

impl Canvas {
    /// A black canvas of `size`.
    #[must_use]
    pub fn new(size: Size) -> Self {
        Canvas {
            frame: Frame::new(size),
            pointer: None,
        }
    }

    /// The picture so far.
    #[must_use]
    pub fn frame(&self) -> &Frame {
        &self.frame
    }

    /// Where the last cursor rectangle put the pointer.
    #[must_use]
    pub fn pointer(&self) -> Option<(u16, u16)> {
        self.pointer
    }

    /// Decodes `message` with the protocol's decoder and paints it. A message
    /// for another screen size starts a new black canvas of that size first.
    ///
    /// # Errors
    /// [`PaintError`] for a malformed message or JPEG; rectangles before the
    /// bad one are painted.
    pub fn paint(&mut self, message: &[u8]) -> Result<Painted, PaintError> {
        let ScreenMessage { header, rects } = decode(message)?;
        let size = Size {
            width: header.width,
            height: header.height,
        };
        if size != self.frame.size() {
            self.frame = Frame::new(size);
        }
        let mut painted = Vec::with_capacity(rects.len());
        for rect in rects {
            let area = Rect {
                x: rect.x,
                y: rect.y,
                width: rect.w,
                height: rect.h,
            };
            match rect.codec {
                Codec::Solid => {
                    let [r, g, b] = rect.solid_rgb().unwrap_or_default();
                    self.frame.fill(area, u32::from_be_bytes([0, r, g, b]));
                }
                Codec::Jpeg => self.paint_jpeg(area, rect.payload)?,
                Codec::Cursor => {
                    self.pointer = Some((rect.x, rect.y));
                    continue;
                }
            }
            painted.push(area);
        }
        Ok(Painted {
            header,
            rects: painted,
        })
    }

    fn paint_jpeg(&mut self, area: Rect, jpeg: &[u8]) -> Result<(), PaintError> {
        let bad = |reason: String| PaintError::Jpeg {
            x: area.x,
            y: area.y,
            reason,
        };
        let mut decoder = jpeg_decoder::Decoder::new(jpeg);
        let pixels = decoder.decode().map_err(|error| bad(error.to_string()))?;
        let info = decoder
            .info()
            .ok_or_else(|| bad("no image header".to_owned()))?;
        if (info.width, info.height) != (area.width, area.height)
            || info.pixel_format != jpeg_decoder::PixelFormat::RGB24
        {
            return Err(bad(format!(
                "{}×{} {:?} in a {}×{} rectangle",
                info.width, info.height, info.pixel_format, area.width, area.height
            )));
        }
        let row_len = usize::from(area.width) * 3;
        for (y, row) in (area.y..).zip(pixels.chunks_exact(row_len)) {
            let target = self.frame.row_mut(area.x, y, area.width);
            for (pixel, rgb) in target.iter_mut().zip(row.chunks_exact(3)) {
                *pixel = u32::from_be_bytes([0xFF, rgb[0], rgb[1], rgb[2]]);
            }
        }
        Ok(())
    }
}
