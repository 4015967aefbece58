//! The remote screen: consent states and input events (JSON text frames), and
//! the binary screen updates (customer → server → experts).
//!
//! A binary message is at most [`MAX_MESSAGE_BYTES`]: a fixed
//! [`HEADER_LEN`]-byte [`ScreenHeader`], then `count` rectangles of
//! [`RECT_HEADER_LEN`] bytes plus a payload each; all integers big-endian.
//! One update (one captured moment) may span several messages with the same
//! `seq`; the last one carries [`ScreenHeader::last`]. [`decode`] borrows the
//! payloads from the message; [`UpdateEncoder`] splits an update into messages
//! that each fit. The server reads only [`ScreenHeader::parse`].

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Largest binary message, header included.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;
/// Length of the fixed message header.
pub const HEADER_LEN: usize = 14;
/// Length of a rectangle's fixed part, before its payload.
pub const RECT_HEADER_LEN: usize = 13;
/// Largest payload one rectangle can carry (alone in a message).
pub const MAX_RECT_PAYLOAD: usize = MAX_MESSAGE_BYTES - HEADER_LEN - RECT_HEADER_LEN;
/// The header version this crate writes and reads.
pub const VERSION: u8 = 1;
/// The only message kind: a screen update.
pub const KIND_UPDATE: u8 = 1;
/// Widest screen accepted, in pixels.
pub const MAX_WIDTH: u16 = 7680;
/// Tallest screen accepted, in pixels.
pub const MAX_HEIGHT: u16 = 4320;
/// Widest and tallest cursor image accepted, in pixels.
pub const MAX_CURSOR_SIDE: u16 = 256;
/// Longest `text` input event, in characters.
pub const INPUT_TEXT_MAX_CHARS: usize = 256;
/// Longest `key` value of a key input event, in characters.
pub const INPUT_KEY_MAX_CHARS: usize = 32;
/// Updates the customer may have sent and not yet seen acknowledged.
pub const MAX_UNACKED_UPDATES: u32 = 2;
/// A view or control request unanswered this long lapses.
pub const REQUEST_LAPSES_AFTER_SECS: u64 = 60;

/// Header flag: this message is the last of its update.
const FLAG_LAST: u8 = 0b01;
/// Header flag: the update covers the whole screen (a key frame).
const FLAG_FULL: u8 = 0b10;

/// What an expert asks for: to see the screen, or to use mouse and keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ScreenMode {
    /// See the screen, view only.
    View,
    /// Use the customer's mouse and keyboard.
    Control,
}

/// Where screen viewing stands in a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ViewState {
    /// Nobody sees the screen and nobody asked.
    #[default]
    Off,
    /// An expert asked; the customer has not answered yet.
    Requested,
    /// The customer shares the screen.
    Sharing,
    /// The customer paused sharing; the expert keeps the last picture.
    Paused,
}

/// Where remote control stands in a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ControlState {
    /// The expert cannot send input.
    #[default]
    Off,
    /// The expert asked; the customer has not answered yet.
    Requested,
    /// The expert's input events reach the customer's computer.
    Granted,
}

/// What the customer's app reports about its capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ShareStatus {
    /// Capturing (started or resumed), with the screen size.
    Sharing,
    /// Paused by the customer.
    Paused,
    /// Stopped by the customer: the expert must ask again.
    Stopped,
}

/// The consent state of a case's screen, pushed to both sides after every change.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreenState {
    /// Screen viewing.
    pub view: ViewState,
    /// Remote control.
    pub control: ControlState,
    /// Screen width in pixels from the last `screen_status`; 0 before any.
    pub width: u16,
    /// Screen height in pixels from the last `screen_status`; 0 before any.
    pub height: u16,
    /// Display name of the expert who asked (and views), if any.
    pub expert: Option<String>,
    /// When the pending request lapses, if one is pending.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// How many expert sockets watch right now; the customer's app captures
    /// only while this is above 0.
    #[serde(default)]
    pub viewers: u16,
}

/// A mouse button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MouseButton {
    /// The primary button.
    Left,
    /// The wheel button.
    Middle,
    /// The secondary button.
    Right,
}

/// One input event from an expert with control, in screen pixels of the last
/// `screen_status` size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InputEvent {
    /// The pointer moved to (`x`, `y`).
    PointerMove {
        /// Column, 0 at the left.
        x: u16,
        /// Row, 0 at the top.
        y: u16,
    },
    /// A button went down or up at (`x`, `y`).
    Button {
        /// Column.
        x: u16,
        /// Row.
        y: u16,
        /// Which button.
        button: MouseButton,
        /// Pressed (`true`) or released.
        down: bool,
    },
    /// The wheel turned at (`x`, `y`), in notches: positive is down / right.
    Wheel {
        /// Column.
        x: u16,
        /// Row.
        y: u16,
        /// Horizontal notches.
        dx: i16,
        /// Vertical notches.
        dy: i16,
    },
    /// A key went down or up; `key` is a DOM `KeyboardEvent.key` value such
    /// as `"a"`, `"Enter"` or `"ArrowLeft"`.
    Key {
        /// The key, 1 to [`INPUT_KEY_MAX_CHARS`] characters.
        key: String,
        /// Pressed (`true`) or released.
        down: bool,
    },
    /// Text to type as it is (pasted or composed), 1 to
    /// [`INPUT_TEXT_MAX_CHARS`] characters.
    Text {
        /// The text.
        text: String,
    },
}

/// Why an input event was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// The point is not on a screen of the given size.
    #[error("({x}, {y}) is outside the {width}×{height} screen")]
    OutsideScreen {
        /// Column given.
        x: u16,
        /// Row given.
        y: u16,
        /// Screen width.
        width: u16,
        /// Screen height.
        height: u16,
    },
    /// The text is empty or longer than [`INPUT_TEXT_MAX_CHARS`].
    #[error("text: 1 to {INPUT_TEXT_MAX_CHARS} characters")]
    TextLength,
    /// The key is empty or longer than [`INPUT_KEY_MAX_CHARS`].
    #[error("key: 1 to {INPUT_KEY_MAX_CHARS} characters")]
    KeyLength,
}

impl InputEvent {
    /// Checks the event against a `width` × `height` screen and the text limits.
    pub fn check(&self, width: u16, height: u16) -> Result<(), InputError> {
        let on_screen = |x: u16, y: u16| {
            if x < width && y < height {
                Ok(())
            } else {
                Err(InputError::OutsideScreen {
                    x,
                    y,
                    width,
                    height,
                })
            }
        };
        match self {
            InputEvent::PointerMove { x, y }
            | InputEvent::Button { x, y, .. }
            | InputEvent::Wheel { x, y, .. } => on_screen(*x, *y),
            InputEvent::Key { key, .. } => {
                let chars = key.chars().count();
                if (1..=INPUT_KEY_MAX_CHARS).contains(&chars) {
                    Ok(())
                } else {
                    Err(InputError::KeyLength)
                }
            }
            InputEvent::Text { text } => {
                let chars = text.chars().count();
                if (1..=INPUT_TEXT_MAX_CHARS).contains(&chars) {
                    Ok(())
                } else {
                    Err(InputError::TextLength)
                }
            }
        }
    }
}

/// How a rectangle's payload is encoded (the wire byte in parentheses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Codec {
    /// (1) A baseline JPEG of exactly w × h pixels.
    Jpeg,
    /// (2) One colour: 3 bytes, R G B.
    Solid,
    /// (3) The pointer at (x, y): u16 hot_x, u16 hot_y, then w × h × 4 bytes
    /// RGBA. With w = h = 0 and no pixels: the position only, same image as before.
    Cursor,
}

impl Codec {
    /// The wire byte.
    pub fn to_byte(self) -> u8 {
        match self {
            Codec::Jpeg => 1,
            Codec::Solid => 2,
            Codec::Cursor => 3,
        }
    }

    /// Reads a wire byte.
    pub fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            1 => Some(Codec::Jpeg),
            2 => Some(Codec::Solid),
            3 => Some(Codec::Cursor),
            _ => None,
        }
    }
}

/// The fixed header of a binary screen message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreenHeader {
    /// The update's sequence number (+1 per update; shared by its messages).
    pub seq: u32,
    /// Screen width, 1 to [`MAX_WIDTH`].
    pub width: u16,
    /// Screen height, 1 to [`MAX_HEIGHT`].
    pub height: u16,
    /// Number of rectangles in this message.
    pub count: u16,
    /// This is the last message of the update.
    pub last: bool,
    /// The update covers the whole screen (a key frame); set on every message of it.
    pub full: bool,
}

impl ScreenHeader {
    /// Reads and checks the fixed header at the start of `message` (and the
    /// message's length), without looking at the rectangles.
    pub fn parse(message: &[u8]) -> Result<Self, ScreenError> {
        if message.len() > MAX_MESSAGE_BYTES {
            return Err(ScreenError::TooLarge { len: message.len() });
        }
        let Some(bytes) = message.get(..HEADER_LEN) else {
            return Err(ScreenError::Truncated {
                at: "header",
                needed: HEADER_LEN,
                available: message.len(),
            });
        };
        if bytes[0] != VERSION {
            return Err(ScreenError::Version(bytes[0]));
        }
        if bytes[1] != KIND_UPDATE {
            return Err(ScreenError::Kind(bytes[1]));
        }
        let flags = bytes[2];
        if flags & !(FLAG_LAST | FLAG_FULL) != 0 {
            return Err(ScreenError::Flags(flags));
        }
        if bytes[3] != 0 {
            return Err(ScreenError::Reserved(bytes[3]));
        }
        let header = ScreenHeader {
            seq: u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]),
            width: u16::from_be_bytes([bytes[8], bytes[9]]),
            height: u16::from_be_bytes([bytes[10], bytes[11]]),
            count: u16::from_be_bytes([bytes[12], bytes[13]]),
            last: flags & FLAG_LAST != 0,
            full: flags & FLAG_FULL != 0,
        };
        check_size(header.width, header.height)?;
        Ok(header)
    }

    /// Appends the 14 header bytes to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        let mut flags = 0;
        if self.last {
            flags |= FLAG_LAST;
        }
        if self.full {
            flags |= FLAG_FULL;
        }
        out.extend_from_slice(&[VERSION, KIND_UPDATE, flags, 0]);
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.width.to_be_bytes());
        out.extend_from_slice(&self.height.to_be_bytes());
        out.extend_from_slice(&self.count.to_be_bytes());
    }
}

/// One rectangle of a screen message; the payload is borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rectangle<'a> {
    /// Left column (for a cursor: the pointer's column).
    pub x: u16,
    /// Top row (for a cursor: the pointer's row).
    pub y: u16,
    /// Width in pixels.
    pub w: u16,
    /// Height in pixels.
    pub h: u16,
    /// How the payload is encoded.
    pub codec: Codec,
    /// The encoded pixels, as [`Codec`] describes.
    pub payload: &'a [u8],
}

/// A cursor rectangle's contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CursorImage<'a> {
    /// Column of the hot spot inside the image.
    pub hot_x: u16,
    /// Row of the hot spot inside the image.
    pub hot_y: u16,
    /// w × h × 4 bytes RGBA, rows top to bottom; empty for "position only".
    pub rgba: &'a [u8],
}

impl<'a> Rectangle<'a> {
    /// A JPEG rectangle of `w` × `h` pixels at (`x`, `y`).
    pub fn jpeg(x: u16, y: u16, w: u16, h: u16, jpeg: &'a [u8]) -> Self {
        Self {
            x,
            y,
            w,
            h,
            codec: Codec::Jpeg,
            payload: jpeg,
        }
    }

    /// A one-colour rectangle; `rgb` is borrowed for as long as the rectangle.
    pub fn solid(x: u16, y: u16, w: u16, h: u16, rgb: &'a [u8; 3]) -> Self {
        Self {
            x,
            y,
            w,
            h,
            codec: Codec::Solid,
            payload: rgb,
        }
    }

    /// A cursor rectangle; `payload` must come from [`cursor_payload`].
    pub fn cursor(x: u16, y: u16, w: u16, h: u16, payload: &'a [u8]) -> Self {
        Self {
            x,
            y,
            w,
            h,
            codec: Codec::Cursor,
            payload,
        }
    }

    /// The colour of a solid rectangle.
    pub fn solid_rgb(&self) -> Option<[u8; 3]> {
        match (self.codec, self.payload) {
            (Codec::Solid, &[r, g, b]) => Some([r, g, b]),
            _ => None,
        }
    }

    /// The hot spot and pixels of a cursor rectangle.
    pub fn cursor_image(&self) -> Option<CursorImage<'a>> {
        if self.codec != Codec::Cursor || self.payload.len() < 4 {
            return None;
        }
        let p = self.payload;
        Some(CursorImage {
            hot_x: u16::from_be_bytes([p[0], p[1]]),
            hot_y: u16::from_be_bytes([p[2], p[3]]),
            rgba: &p[4..],
        })
    }

    /// Bytes this rectangle takes in a message.
    pub fn encoded_len(&self) -> usize {
        RECT_HEADER_LEN + self.payload.len()
    }

    /// Checks the rectangle against a `width` × `height` screen and its codec's
    /// payload rules; `index` names it in the error.
    fn check(&self, index: u16, width: u16, height: u16) -> Result<(), ScreenError> {
        let outside = || ScreenError::OutsideScreen {
            index,
            x: self.x,
            y: self.y,
            w: self.w,
            h: self.h,
            width,
            height,
        };
        let payload_error = |expected: &'static str| ScreenError::Payload {
            index,
            codec: self.codec,
            len: self.payload.len(),
            expected,
        };
        match self.codec {
            Codec::Jpeg | Codec::Solid => {
                let fits = |at: u16, side: u16, screen: u16| {
                    side > 0 && u32::from(at) + u32::from(side) <= u32::from(screen)
                };
                if !fits(self.x, self.w, width) || !fits(self.y, self.h, height) {
                    return Err(outside());
                }
                if self.codec == Codec::Solid && self.payload.len() != 3 {
                    return Err(payload_error("3 bytes RGB"));
                }
                if self.codec == Codec::Jpeg && self.payload.is_empty() {
                    return Err(payload_error("a JPEG image"));
                }
            }
            Codec::Cursor => {
                // The image may hang over the screen's edge; the pointer may not.
                let shape_ok = (self.w == 0) == (self.h == 0)
                    && self.w <= MAX_CURSOR_SIDE
                    && self.h <= MAX_CURSOR_SIDE;
                if self.x >= width || self.y >= height || !shape_ok {
                    return Err(outside());
                }
                let pixels = usize::from(self.w) * usize::from(self.h) * 4;
                if self.payload.len() != 4 + pixels {
                    return Err(payload_error("4 bytes hot spot, then w × h × 4 bytes RGBA"));
                }
            }
        }
        Ok(())
    }

    fn write(&self, out: &mut Vec<u8>) {
        for value in [self.x, self.y, self.w, self.h] {
            out.extend_from_slice(&value.to_be_bytes());
        }
        out.push(self.codec.to_byte());
        // Checked by the encoder: every payload is at most MAX_RECT_PAYLOAD.
        let len = u32::try_from(self.payload.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(self.payload);
    }
}

/// Builds a cursor rectangle's payload: the hot spot, then the RGBA pixels.
pub fn cursor_payload(hot_x: u16, hot_y: u16, rgba: &[u8]) -> Vec<u8> {
    let mut payload = Vec::with_capacity(4 + rgba.len());
    payload.extend_from_slice(&hot_x.to_be_bytes());
    payload.extend_from_slice(&hot_y.to_be_bytes());
    payload.extend_from_slice(rgba);
    payload
}

/// One decoded binary message: its header and rectangles, borrowing the payloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenMessage<'a> {
    /// The fixed header.
    pub header: ScreenHeader,
    /// The rectangles, in the order sent (later ones paint over earlier ones).
    pub rects: Vec<Rectangle<'a>>,
}

/// Why a binary screen message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScreenError {
    /// The message ends inside a part of it.
    #[error("truncated {at}: needs {needed} bytes, {available} left")]
    Truncated {
        /// Which part: `header`, `rectangle` or `payload`.
        at: &'static str,
        /// Bytes that part needs.
        needed: usize,
        /// Bytes left in the message.
        available: usize,
    },
    /// The message is longer than [`MAX_MESSAGE_BYTES`].
    #[error("the message is {len} bytes; at most {MAX_MESSAGE_BYTES}")]
    TooLarge {
        /// Its length.
        len: usize,
    },
    /// An unknown header version.
    #[error("unknown screen message version {0}; expected {VERSION}")]
    Version(u8),
    /// An unknown message kind.
    #[error("unknown screen message kind {0}; expected {KIND_UPDATE}")]
    Kind(u8),
    /// Flag bits that mean nothing.
    #[error("unknown flags {0:#04x}; only bit 0 (last) and bit 1 (full) are defined")]
    Flags(u8),
    /// The reserved byte is not 0.
    #[error("the reserved header byte is {0}; must be 0")]
    Reserved(u8),
    /// The screen size is 0 or beyond [`MAX_WIDTH`] × [`MAX_HEIGHT`].
    #[error("screen size {width}×{height} is outside 1×1 to {MAX_WIDTH}×{MAX_HEIGHT}")]
    ScreenSize {
        /// Width given.
        width: u16,
        /// Height given.
        height: u16,
    },
    /// An unknown rectangle codec.
    #[error("rectangle {index}: unknown codec {codec}")]
    Codec {
        /// Which rectangle, from 0.
        index: u16,
        /// The byte given.
        codec: u8,
    },
    /// A rectangle outside the screen (or an empty one; or a cursor whose
    /// pointer is off screen or whose image is too big).
    #[error("rectangle {index} ({x},{y} {w}×{h}) is not inside the {width}×{height} screen")]
    OutsideScreen {
        /// Which rectangle, from 0.
        index: u16,
        /// Its column.
        x: u16,
        /// Its row.
        y: u16,
        /// Its width.
        w: u16,
        /// Its height.
        h: u16,
        /// Screen width.
        width: u16,
        /// Screen height.
        height: u16,
    },
    /// A rectangle's length field promises more than the message holds.
    #[error("rectangle {index}: payload length {len} but only {available} bytes left")]
    LyingLength {
        /// Which rectangle, from 0.
        index: u16,
        /// The length given.
        len: u32,
        /// Bytes left in the message.
        available: usize,
    },
    /// A payload whose size does not fit its codec.
    #[error("rectangle {index}: a {codec:?} payload of {len} bytes; expected {expected}")]
    Payload {
        /// Which rectangle, from 0.
        index: u16,
        /// Its codec.
        codec: Codec,
        /// Its payload length.
        len: usize,
        /// What the codec needs.
        expected: &'static str,
    },
    /// Bytes after the last rectangle the header counts.
    #[error("{extra} bytes after the last of the header's {count} rectangles")]
    TrailingBytes {
        /// The header's rectangle count.
        count: u16,
        /// How many bytes are left over.
        extra: usize,
    },
    /// One rectangle's payload cannot fit any message; split it first.
    #[error("a rectangle payload of {len} bytes cannot fit a message; at most {MAX_RECT_PAYLOAD}")]
    RectangleTooLarge {
        /// Its payload length.
        len: usize,
    },
    /// More rectangles than a header can count.
    #[error("more than {} rectangles in one message", u16::MAX)]
    TooManyRectangles,
}

fn check_size(width: u16, height: u16) -> Result<(), ScreenError> {
    if (1..=MAX_WIDTH).contains(&width) && (1..=MAX_HEIGHT).contains(&height) {
        Ok(())
    } else {
        Err(ScreenError::ScreenSize { width, height })
    }
}

/// Reads and checks a whole binary message: header, every rectangle inside
/// the screen with a payload its codec accepts, and no bytes left over.
pub fn decode(message: &[u8]) -> Result<ScreenMessage<'_>, ScreenError> {
    let header = ScreenHeader::parse(message)?;
    let mut rest = &message[HEADER_LEN..];
    // A rectangle takes at least 13 bytes, so a lying count cannot make us allocate much.
    let mut rects = Vec::with_capacity(usize::from(header.count).min(rest.len() / RECT_HEADER_LEN));
    for index in 0..header.count {
        let Some((fixed, after)) = rest.split_at_checked(RECT_HEADER_LEN) else {
            return Err(ScreenError::Truncated {
                at: "rectangle",
                needed: RECT_HEADER_LEN,
                available: rest.len(),
            });
        };
        let word = |at: usize| u16::from_be_bytes([fixed[at], fixed[at + 1]]);
        let codec = Codec::from_byte(fixed[8]).ok_or(ScreenError::Codec {
            index,
            codec: fixed[8],
        })?;
        let len = u32::from_be_bytes([fixed[9], fixed[10], fixed[11], fixed[12]]);
        let Some((payload, after)) = usize::try_from(len)
            .ok()
            .and_then(|len| after.split_at_checked(len))
        else {
            return Err(ScreenError::LyingLength {
                index,
                len,
                available: after.len(),
            });
        };
        let rect = Rectangle {
            x: word(0),
            y: word(2),
            w: word(4),
            h: word(6),
            codec,
            payload,
        };
        rect.check(index, header.width, header.height)?;
        rects.push(rect);
        rest = after;
    }
    if !rest.is_empty() {
        return Err(ScreenError::TrailingBytes {
            count: header.count,
            extra: rest.len(),
        });
    }
    Ok(ScreenMessage { header, rects })
}

/// Writes one message: the header (its `count` taken from `rects`) and the
/// rectangles, each checked as [`decode`] checks it.
pub fn encode(header: ScreenHeader, rects: &[Rectangle<'_>]) -> Result<Vec<u8>, ScreenError> {
    check_size(header.width, header.height)?;
    let count = u16::try_from(rects.len()).map_err(|_| ScreenError::TooManyRectangles)?;
    let len = HEADER_LEN + rects.iter().map(Rectangle::encoded_len).sum::<usize>();
    if len > MAX_MESSAGE_BYTES {
        return Err(ScreenError::TooLarge { len });
    }
    let mut out = Vec::with_capacity(len);
    ScreenHeader { count, ..header }.write(&mut out);
    for (index, rect) in (0..count).zip(rects) {
        rect.check(index, header.width, header.height)?;
        rect.write(&mut out);
    }
    Ok(out)
}

/// Splits one update into messages of at most [`MAX_MESSAGE_BYTES`]: push
/// rectangles in painting order, then [`finish`](Self::finish) to get the
/// messages, the last one flagged `last`.
///
/// ```
/// use lifeline_protocol::screen::{Rectangle, UpdateEncoder};
/// let mut update = UpdateEncoder::new(7, 1280, 800, true)?;
/// update.push(Rectangle::solid(0, 0, 1280, 800, &[0, 0, 255]))?;
/// let messages = update.finish();
/// assert_eq!(messages.len(), 1);
/// # Ok::<(), lifeline_protocol::screen::ScreenError>(())
/// ```
#[derive(Debug)]
pub struct UpdateEncoder {
    header: ScreenHeader,
    done: Vec<Vec<u8>>,
    current: Vec<u8>,
}

impl UpdateEncoder {
    /// Starts update `seq` of a `width` × `height` screen; `full` when it
    /// covers the whole screen.
    pub fn new(seq: u32, width: u16, height: u16, full: bool) -> Result<Self, ScreenError> {
        check_size(width, height)?;
        let header = ScreenHeader {
            seq,
            width,
            height,
            count: 0,
            last: false,
            full,
        };
        Ok(Self {
            header,
            done: Vec::new(),
            current: Self::start(header),
        })
    }

    fn start(header: ScreenHeader) -> Vec<u8> {
        let mut out = Vec::with_capacity(MAX_MESSAGE_BYTES);
        header.write(&mut out);
        out
    }

    /// Adds a rectangle, starting a new message when the current one is full.
    /// A payload over [`MAX_RECT_PAYLOAD`] is refused: split the area first.
    pub fn push(&mut self, rect: Rectangle<'_>) -> Result<(), ScreenError> {
        if rect.payload.len() > MAX_RECT_PAYLOAD {
            return Err(ScreenError::RectangleTooLarge {
                len: rect.payload.len(),
            });
        }
        let count = self.count();
        rect.check(count, self.header.width, self.header.height)?;
        let full = self.current.len() + rect.encoded_len() > MAX_MESSAGE_BYTES || count == u16::MAX;
        if full && count > 0 {
            self.seal(false);
        }
        rect.write(&mut self.current);
        let count = self.count() + 1;
        self.current[12..14].copy_from_slice(&count.to_be_bytes());
        Ok(())
    }

    /// Rectangles in the message being filled.
    fn count(&self) -> u16 {
        u16::from_be_bytes([self.current[12], self.current[13]])
    }

    /// Bytes pushed so far, headers included.
    pub fn len(&self) -> usize {
        self.done.iter().map(Vec::len).sum::<usize>() + self.current.len()
    }

    /// Whether no rectangle was pushed yet.
    pub fn is_empty(&self) -> bool {
        self.done.is_empty() && self.count() == 0
    }

    fn seal(&mut self, last: bool) {
        let next = Self::start(self.header);
        let mut message = std::mem::replace(&mut self.current, next);
        if last {
            message[2] |= FLAG_LAST;
        }
        self.done.push(message);
    }

    /// The update's messages, in order; the last is flagged `last`. An update
    /// with no rectangles is one message with none (it still paces the sender).
    pub fn finish(mut self) -> Vec<Vec<u8>> {
        self.seal(true);
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn header(width: u16, height: u16) -> ScreenHeader {
        ScreenHeader {
            seq: 1,
            width,
            height,
            count: 0,
            last: true,
            full: false,
        }
    }

    #[test]
    fn a_message_round_trips_with_borrowed_payloads() {
        let cursor = cursor_payload(1, 2, &[9; 2 * 2 * 4]);
        let rects = [
            Rectangle::jpeg(0, 0, 32, 32, b"\xff\xd8jpeg"),
            Rectangle::solid(32, 0, 32, 32, &[1, 2, 3]),
            Rectangle::cursor(99, 79, 2, 2, &cursor),
        ];
        let bytes = encode(header(100, 80), &rects).expect("encodes");
        let message = decode(&bytes).expect("decodes");
        assert_eq!(message.header.count, 3);
        assert_eq!(message.rects, rects);
        assert_eq!(message.rects[1].solid_rgb(), Some([1, 2, 3]));
        let image = message.rects[2].cursor_image().expect("a cursor");
        assert_eq!((image.hot_x, image.hot_y, image.rgba.len()), (1, 2, 16));
        // Borrowed: the payload points into the message.
        assert!(
            bytes
                .as_ptr_range()
                .contains(&message.rects[0].payload.as_ptr())
        );
    }

    #[test]
    fn the_header_is_fourteen_big_endian_bytes() {
        let mut out = Vec::new();
        ScreenHeader {
            seq: 0x0102_0304,
            width: 1280,
            height: 800,
            count: 2,
            last: true,
            full: true,
        }
        .write(&mut out);
        assert_eq!(out, [1, 1, 3, 0, 1, 2, 3, 4, 5, 0, 3, 32, 0, 2]);
    }

    #[test]
    fn bad_headers_get_their_own_errors() {
        let good = encode(header(10, 10), &[]).expect("encodes");
        let with = |at: usize, value: u8| {
            let mut bytes = good.clone();
            bytes[at] = value;
            ScreenHeader::parse(&bytes)
        };
        assert_eq!(with(0, 2), Err(ScreenError::Version(2)));
        assert_eq!(with(1, 9), Err(ScreenError::Kind(9)));
        assert_eq!(with(2, 4), Err(ScreenError::Flags(4)));
        assert_eq!(with(3, 1), Err(ScreenError::Reserved(1)));
        assert!(matches!(with(8, 0xff), Err(ScreenError::ScreenSize { .. })));
        assert!(matches!(
            ScreenHeader::parse(&vec![0; MAX_MESSAGE_BYTES + 1]),
            Err(ScreenError::TooLarge { .. })
        ));
    }

    #[test]
    fn rectangles_outside_the_screen_are_refused() {
        for rect in [
            Rectangle::solid(90, 0, 11, 10, &[0; 3]),
            Rectangle::solid(0, 0, 0, 10, &[0; 3]),
            Rectangle::solid(0, 75, 1, 6, &[0; 3]),
            Rectangle::cursor(100, 0, 0, 0, &[0; 4]),
            Rectangle::cursor(0, 0, 0, 1, &[0; 4]),
        ] {
            assert!(
                matches!(
                    encode(header(100, 80), &[rect]),
                    Err(ScreenError::OutsideScreen { .. })
                ),
                "{rect:?}"
            );
        }
        assert!(encode(header(100, 80), &[Rectangle::solid(0, 0, 1, 1, &[0; 3])]).is_ok());
    }

    #[test]
    fn payloads_must_fit_their_codec() {
        assert!(matches!(
            encode(header(100, 80), &[Rectangle::cursor(0, 0, 1, 1, &[0; 4])]),
            Err(ScreenError::Payload { .. })
        ));
        assert!(matches!(
            encode(header(100, 80), &[Rectangle::jpeg(0, 0, 1, 1, &[])]),
            Err(ScreenError::Payload { .. })
        ));
    }

    #[test]
    fn an_unknown_codec_and_trailing_bytes_are_refused() {
        let mut bytes =
            encode(header(10, 10), &[Rectangle::solid(0, 0, 1, 1, &[0; 3])]).expect("encodes");
        bytes[HEADER_LEN + 8] = 7;
        assert_eq!(
            decode(&bytes),
            Err(ScreenError::Codec { index: 0, codec: 7 })
        );
        let mut bytes = encode(header(10, 10), &[]).expect("encodes");
        bytes.push(0);
        assert_eq!(
            decode(&bytes),
            Err(ScreenError::TrailingBytes { count: 0, extra: 1 })
        );
    }

    #[test]
    fn the_encoder_splits_an_update_into_messages_that_fit() {
        let jpeg = vec![7u8; 30_000];
        let mut update = UpdateEncoder::new(5, 1920, 1080, true).expect("a size");
        for i in 0..5 {
            update
                .push(Rectangle::jpeg(i * 64, 0, 64, 64, &jpeg))
                .expect("fits");
        }
        let messages = update.finish();
        assert_eq!(messages.len(), 3, "two 30 kB payloads per message");
        let mut seen = 0;
        for (i, bytes) in messages.iter().enumerate() {
            assert!(bytes.len() <= MAX_MESSAGE_BYTES);
            let message = decode(bytes).expect("decodes");
            assert_eq!(message.header.seq, 5);
            assert!(message.header.full);
            assert_eq!(message.header.last, i == messages.len() - 1);
            seen += message.rects.len();
        }
        assert_eq!(seen, 5);
    }

    #[test]
    fn the_encoder_refuses_a_payload_no_message_can_hold() {
        let mut update = UpdateEncoder::new(1, 100, 100, false).expect("a size");
        let big = vec![0; MAX_RECT_PAYLOAD + 1];
        assert!(matches!(
            update.push(Rectangle::jpeg(0, 0, 10, 10, &big)),
            Err(ScreenError::RectangleTooLarge { .. })
        ));
        let exact = vec![0; MAX_RECT_PAYLOAD];
        update
            .push(Rectangle::jpeg(0, 0, 10, 10, &exact))
            .expect("fits alone");
        update
            .push(Rectangle::solid(0, 0, 1, 1, &[0; 3]))
            .expect("goes to a second message");
        let messages = update.finish();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].len(), MAX_MESSAGE_BYTES, "exactly full");
    }

    #[test]
    fn an_empty_update_is_one_last_message() {
        let messages = UpdateEncoder::new(3, 10, 10, false)
            .expect("a size")
            .finish();
        assert_eq!(messages.len(), 1);
        let message = decode(&messages[0]).expect("decodes");
        assert!(message.header.last && message.rects.is_empty());
    }

    #[test]
    fn input_events_are_checked_against_the_screen() {
        let at = |x, y| InputEvent::PointerMove { x, y };
        assert_eq!(at(99, 79).check(100, 80), Ok(()));
        assert!(matches!(
            at(100, 0).check(100, 80),
            Err(InputError::OutsideScreen { .. })
        ));
        assert!(matches!(
            at(0, 0).check(0, 0),
            Err(InputError::OutsideScreen { .. })
        ));
        let text = |n| InputEvent::Text {
            text: "é".repeat(n),
        };
        assert_eq!(text(INPUT_TEXT_MAX_CHARS).check(1, 1), Ok(()));
        assert_eq!(
            text(INPUT_TEXT_MAX_CHARS + 1).check(1, 1),
            Err(InputError::TextLength)
        );
        assert_eq!(text(0).check(1, 1), Err(InputError::TextLength));
        let key = |k: &str| InputEvent::Key {
            key: k.into(),
            down: true,
        };
        assert_eq!(key("ArrowLeft").check(1, 1), Ok(()));
        assert_eq!(key("").check(1, 1), Err(InputError::KeyLength));
    }

    #[test]
    fn input_events_use_the_documented_json() {
        let event = InputEvent::Button {
            x: 3,
            y: 4,
            button: MouseButton::Left,
            down: true,
        };
        let json = serde_json::to_value(&event).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"kind":"button","x":3,"y":4,"button":"left","down":true})
        );
    }

    #[test]
    fn screen_frames_use_the_documented_json() {
        use crate::{ClientFrame, ServerFrame};
        let paused: ClientFrame =
            serde_json::from_str(r#"{"type":"screen_status","status":"paused"}"#).expect("parses");
        assert_eq!(
            paused,
            ClientFrame::ScreenStatus {
                status: ShareStatus::Paused,
                width: 0,
                height: 0
            }
        );
        let request: ClientFrame =
            serde_json::from_str(r#"{"type":"screen_request","mode":"control"}"#).expect("parses");
        assert_eq!(
            request,
            ClientFrame::ScreenRequest {
                mode: ScreenMode::Control
            }
        );
        let state = ServerFrame::Screen(ScreenState {
            view: ViewState::Sharing,
            width: 1280,
            height: 800,
            expert: Some("Ana".into()),
            viewers: 1,
            ..ScreenState::default()
        });
        assert_eq!(
            serde_json::to_value(&state).expect("serializes"),
            serde_json::json!({"type":"screen","view":"sharing","control":"off","width":1280,
                "height":800,"expert":"Ana","expires_at":null,"viewers":1})
        );
        let refresh = serde_json::to_string(&ServerFrame::ScreenRefresh).expect("serializes");
        assert_eq!(refresh, r#"{"type":"screen_refresh"}"#);
    }

    fn any_rect(
        width: u16,
        height: u16,
    ) -> impl Strategy<Value = (u16, u16, u16, u16, u8, Vec<u8>)> {
        (0..width, 0..height, 0u8..3).prop_flat_map(move |(x, y, kind)| {
            (
                Just(x),
                Just(y),
                1..=width - x,
                1..=height - y,
                Just(kind),
                proptest::collection::vec(any::<u8>(), 1..200),
            )
        })
    }

    /// Builds an owned payload for a generated rectangle so it obeys its codec.
    fn payload_for(kind: u8, w: u16, h: u16, bytes: Vec<u8>) -> (Codec, u16, u16, Vec<u8>) {
        match kind {
            0 => (Codec::Jpeg, w, h, bytes),
            1 => (Codec::Solid, w, h, bytes[..1].repeat(3)),
            _ => {
                let (w, h) = (w.min(4), h.min(4));
                let rgba = vec![bytes[0]; usize::from(w) * usize::from(h) * 4];
                (Codec::Cursor, w, h, cursor_payload(0, 0, &rgba))
            }
        }
    }

    fn any_message() -> impl Strategy<Value = Vec<u8>> {
        (
            1..=200u16,
            1..=200u16,
            any::<u32>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_flat_map(|(width, height, seq, last, full)| {
                proptest::collection::vec(any_rect(width, height), 0..6).prop_map(move |rects| {
                    let owned: Vec<_> = rects
                        .into_iter()
                        .map(|(x, y, w, h, kind, bytes)| (x, y, payload_for(kind, w, h, bytes)))
                        .collect();
                    let rects: Vec<_> = owned
                        .iter()
                        .map(|(x, y, (codec, w, h, payload))| Rectangle {
                            x: *x,
                            y: *y,
                            w: *w,
                            h: *h,
                            codec: *codec,
                            payload,
                        })
                        .collect();
                    let header = ScreenHeader {
                        seq,
                        width,
                        height,
                        count: 0,
                        last,
                        full,
                    };
                    encode(header, &rects).expect("generated rectangles are valid")
                })
            })
    }

    proptest! {
        #[test]
        fn encode_then_decode_gives_the_same_message(bytes in any_message()) {
            let message = decode(&bytes).expect("decodes");
            let again = encode(message.header, &message.rects).expect("re-encodes");
            prop_assert_eq!(again, bytes);
        }

        #[test]
        fn every_truncation_is_an_error(bytes in any_message()) {
            for len in 0..bytes.len() {
                prop_assert!(decode(&bytes[..len]).is_err(), "cut at {} of {}", len, bytes.len());
            }
        }

        #[test]
        fn a_lying_length_is_refused(bytes in any_message(), extra in 1u32..=u32::MAX) {
            let message = decode(&bytes).expect("decodes");
            prop_assume!(!message.rects.is_empty());
            // The first rectangle's length field, made longer than the message allows.
            let at = HEADER_LEN + 9;
            let len = u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
            let mut lying = bytes.clone();
            lying[at..at + 4].copy_from_slice(&len.saturating_add(extra).max(len + 1).to_be_bytes());
            let decoded = decode(&lying);
            prop_assert!(decoded.is_err());
            // Longer than what is left is a lie; shorter leaves a malformed rest.
            if len.saturating_add(extra) as usize > bytes.len() - at - 4 {
                let is_lying_length = matches!(decoded, Err(ScreenError::LyingLength { index: 0, .. }));
                prop_assert!(is_lying_length, "{:?}", decoded);
            }
        }

        #[test]
        fn a_lying_count_is_refused(bytes in any_message(), count in any::<u16>()) {
            let message = decode(&bytes).expect("decodes");
            prop_assume!(usize::from(count) != message.rects.len());
            let mut lying = bytes.clone();
            lying[12..14].copy_from_slice(&count.to_be_bytes());
            prop_assert!(decode(&lying).is_err());
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode(&bytes);
        }

        #[test]
        fn the_encoder_keeps_every_message_within_the_limit(
            sizes in proptest::collection::vec(1usize..40_000, 1..12),
        ) {
            let payloads: Vec<Vec<u8>> = sizes.iter().map(|n| vec![1; *n]).collect();
            let mut update = UpdateEncoder::new(9, 640, 480, false).expect("a size");
            for payload in &payloads {
                update.push(Rectangle::jpeg(0, 0, 640, 480, payload)).expect("fits");
            }
            let messages = update.finish();
            let mut total = 0;
            for (i, bytes) in messages.iter().enumerate() {
                prop_assert!(bytes.len() <= MAX_MESSAGE_BYTES);
                let message = decode(bytes).expect("decodes");
                prop_assert_eq!(message.header.last, i == messages.len() - 1);
                total += message.rects.len();
            }
            prop_assert_eq!(total, payloads.len());
        }
    }
}
