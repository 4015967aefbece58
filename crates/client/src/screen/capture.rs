//! What a screen capturer is: the [`Capturer`] trait and the pixels it fills.

/// Width and height of a screen in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Pixels across.
    pub width: u16,
    /// Pixels down.
    pub height: u16,
}

/// A rectangle of screen pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    /// Left edge.
    pub x: u16,
    /// Top edge.
    pub y: u16,
    /// Width.
    pub width: u16,
    /// Height.
    pub height: u16,
}

impl Rect {
    /// The whole of a screen of `size`.
    #[must_use]
    pub fn whole(size: Size) -> Self {
        Rect {
            x: 0,
            y: 0,
            width: size.width,
            height: size.height,
        }
    }

    /// The part of `self` inside a screen of `size`, `None` when nothing is.
    #[must_use]
    pub fn clip(self, size: Size) -> Option<Self> {
        let right = (u32::from(self.x) + u32::from(self.width)).min(u32::from(size.width));
        let bottom = (u32::from(self.y) + u32::from(self.height)).min(u32::from(size.height));
        let width = right.checked_sub(u32::from(self.x)).filter(|w| *w > 0)?;
        let height = bottom.checked_sub(u32::from(self.y)).filter(|h| *h > 0)?;
        Some(Rect {
            x: self.x,
            y: self.y,
            width: u16::try_from(width).ok()?,
            height: u16::try_from(height).ok()?,
        })
    }
}

/// The screen's pixels, row by row, one `u32` each as `0xAARRGGBB` with the
/// alpha byte always `0xFF` (X11's depth 24 leaves it 0).
///
/// On a little-endian machine the bytes of a row are B, G, R, A: what the JPEG
/// encoder reads as BGRA without a conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    size: Size,
    pixels: Vec<u32>,
}

impl Frame {
    /// A black frame of `size`.
    #[must_use]
    pub fn new(size: Size) -> Self {
        Frame {
            size,
            pixels: vec![0xFF00_0000; usize::from(size.width) * usize::from(size.height)],
        }
    }

    /// Its size.
    #[must_use]
    pub fn size(&self) -> Size {
        self.size
    }

    /// The pixel at (`x`, `y`) as `0xFFRRGGBB`.
    ///
    /// # Panics
    /// When (`x`, `y`) is outside the frame.
    #[must_use]
    pub fn pixel(&self, x: u16, y: u16) -> u32 {
        assert!(
            x < self.size.width && y < self.size.height,
            "pixel outside the frame"
        );
        self.pixels[self.index(x, y)]
    }

    /// Row `y` from column `x`, `width` pixels long.
    ///
    /// # Panics
    /// When the run is not inside the frame.
    #[must_use]
    pub fn row(&self, x: u16, y: u16, width: u16) -> &[u32] {
        let start = self.index(x, y);
        &self.pixels[start..start + usize::from(width)]
    }

    /// The same row, to write into (a [`Capturer`] fills it with
    /// `0xFFRRGGBB` pixels).
    ///
    /// # Panics
    /// When the run is not inside the frame.
    pub fn row_mut(&mut self, x: u16, y: u16, width: u16) -> &mut [u32] {
        let start = self.index(x, y);
        &mut self.pixels[start..start + usize::from(width)]
    }

    /// Fills `rect` with `colour` (`0xRRGGBB`); for tests and synthetic screens.
    ///
    /// # Panics
    /// When `rect` is not inside the frame.
    pub fn fill(&mut self, rect: Rect, colour: u32) {
        assert_eq!(
            rect.clip(self.size),
            Some(rect),
            "rectangle outside the frame"
        );
        for y in rect.y..rect.y + rect.height {
            self.row_mut(rect.x, y, rect.width)
                .fill(colour | 0xFF00_0000);
        }
    }

    fn index(&self, x: u16, y: u16) -> usize {
        usize::from(y) * usize::from(self.size.width) + usize::from(x)
    }
}

/// The pointer: where it is and what it looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// Pointer position on the screen.
    pub x: u16,
    /// Pointer position on the screen.
    pub y: u16,
    /// Changes whenever the image does, so an unchanged image is not sent again.
    pub serial: u32,
    /// Image width.
    pub width: u16,
    /// Image height.
    pub height: u16,
    /// The pixel of the image at the pointer position.
    pub hot_x: u16,
    /// The pixel of the image at the pointer position.
    pub hot_y: u16,
    /// `width × height` pixels, 4 bytes each: R, G, B, A (not premultiplied).
    pub rgba: Vec<u8>,
}

/// A screen capturer: one per platform, all behind this trait.
///
/// Calls block (they talk to the display server); run them on a blocking thread.
pub trait Capturer: Send {
    /// The screen's size.
    fn size(&self) -> Size;

    /// Brings `frame` up to date and returns the parts of it that were read
    /// again: the whole screen when `full`, otherwise what changed since the
    /// previous call (possibly nothing). `frame` has the capturer's [`size`].
    ///
    /// [`size`]: Capturer::size
    ///
    /// # Errors
    /// When the display server cannot be read.
    fn capture(&mut self, frame: &mut Frame, full: bool) -> Result<Vec<Rect>, CaptureError>;

    /// The pointer now; `None` when the system does not tell.
    ///
    /// # Errors
    /// When the display server cannot be read.
    fn cursor(&mut self) -> Result<Option<Cursor>, CaptureError>;
}

/// Reading the screen failed after it was opened.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The connection to the display server broke (the session ended, the
    /// server went away).
    #[error("lost the connection to the display: {0}")]
    Connection(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The display server refused a request.
    #[error("the display refused a capture request: {0}")]
    Refused(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The screen changed size; open the source again.
    #[error("the screen changed size from {old:?} to {new:?}")]
    Resized {
        /// The size the source was opened with.
        old: Size,
        /// The size now.
        new: Size,
    },
}
