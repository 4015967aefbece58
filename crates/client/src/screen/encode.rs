//! Turns captured frames into screen update messages: 32×32 tiles compared
//! with what was sent before, changed neighbours merged into rectangles, each
//! sent as a solid colour when flat and as a JPEG otherwise; the cursor apart.

use lifeline_protocol::screen::{self, Rectangle, UpdateEncoder};

use super::capture::{Cursor, Frame, Rect, Size};

/// Side of the square tiles compared between frames.
pub(crate) const TILE: u16 = 32;
/// JPEG quality: text stays readable, a typical tile is 1–2 KB.
const JPEG_QUALITY: u8 = 50;
/// Longest side, in tiles, of a JPEG rectangle before splitting it: bounds
/// both the encoder's work and the payload (256×256 at quality 50 is well
/// under a message for ordinary screens; denser ones are split further).
const MAX_IMAGE_TILES: u16 = 8;
/// Biggest payload one rectangle may carry and still fit a message alone.
const MAX_PAYLOAD_LEN: usize = screen::MAX_RECT_PAYLOAD;

/// One captured moment, ready to send: one or more binary messages sharing
/// a sequence number, the last one flagged as last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The update's sequence number, +1 per update.
    pub seq: u32,
    /// Whether this is a full update (the whole screen, a key frame).
    pub full: bool,
    /// The binary messages, each at most 64 KiB, in order.
    pub messages: Vec<Vec<u8>>,
}

/// What one rectangle carries.
#[derive(Debug)]
enum Payload {
    Jpeg(Vec<u8>),
    Solid([u8; 3]),
    /// The hot spot, then the pointer's image (none when only its position changed).
    Cursor(Vec<u8>),
}

#[derive(Debug)]
struct Piece {
    rect: Rect,
    payload: Payload,
}

impl Piece {
    fn rectangle(&self) -> Rectangle<'_> {
        let Rect {
            x,
            y,
            width,
            height,
        } = self.rect;
        match &self.payload {
            Payload::Jpeg(jpeg) => Rectangle::jpeg(x, y, width, height, jpeg),
            Payload::Solid(rgb) => Rectangle::solid(x, y, width, height, rgb),
            Payload::Cursor(payload) => Rectangle::cursor(x, y, width, height, payload),
        }
    }
}

/// What a changed tile looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TileKind {
    Unchanged,
    /// Every pixel the same colour (`0xFFRRGGBB`).
    Solid(u32),
    Image,
}

/// The sender's memory of what the viewers have: the last frame sent, the
/// cursor sent, the sequence number.
#[derive(Debug)]
pub(crate) struct Encoder {
    sent: Frame,
    seq: u32,
    /// Position and serial of the cursor last sent.
    sent_cursor: Option<(u16, u16, u32)>,
    /// Scratch space for one rectangle's pixels.
    pixels: Vec<u8>,
    /// Largest JPEG payload before a rectangle is split (lowered in tests).
    max_payload: usize,
}

impl Encoder {
    pub(crate) fn new(size: Size) -> Self {
        Encoder {
            sent: Frame::new(size),
            seq: 0,
            sent_cursor: None,
            pixels: Vec::new(),
            max_payload: MAX_PAYLOAD_LEN,
        }
    }

    /// Encodes what changed in `frame` inside `damaged` since the last update
    /// (everything when `full`), and the cursor when it moved or changed.
    /// `None` when nothing did.
    pub(crate) fn encode(
        &mut self,
        frame: &Frame,
        damaged: &[Rect],
        cursor: Option<&Cursor>,
        full: bool,
    ) -> Option<Update> {
        let size = frame.size();
        debug_assert_eq!(
            size,
            self.sent.size(),
            "frame size differs from the encoder's"
        );
        let kinds = self.changed_tiles(frame, damaged, full);
        let mut pieces = Vec::new();
        for rect in merge_tiles(&kinds, size) {
            self.encode_rect(frame, rect, &mut pieces);
        }
        if let Some(cursor) = cursor {
            pieces.extend(self.cursor_piece(cursor, size, full));
        }
        if pieces.is_empty() && !full {
            return None;
        }
        self.seq = self.seq.wrapping_add(1);
        Some(Update {
            seq: self.seq,
            full,
            messages: pack(self.seq, size, full, &pieces),
        })
    }

    /// Which tiles to send: every tile when `full`, otherwise the tiles in
    /// `damaged` whose pixels differ from the ones sent. Remembers them as sent.
    fn changed_tiles(&mut self, frame: &Frame, damaged: &[Rect], full: bool) -> TileGrid {
        let size = frame.size();
        let mut grid = TileGrid::new(size);
        let mut candidates = vec![full; grid.kinds.len()];
        if !full {
            for rect in damaged.iter().filter_map(|rect| rect.clip(size)) {
                let (first_col, last_col) = (rect.x / TILE, (rect.x + rect.width - 1) / TILE);
                let (first_row, last_row) = (rect.y / TILE, (rect.y + rect.height - 1) / TILE);
                for row in first_row..=last_row {
                    for col in first_col..=last_col {
                        candidates[grid.index(col, row)] = true;
                    }
                }
            }
        }
        for row in 0..grid.rows {
            for col in 0..grid.cols {
                let index = grid.index(col, row);
                if !candidates[index] {
                    continue;
                }
                let tile = grid.tile_rect(col, row);
                let changed = full
                    || (tile.y..tile.y + tile.height).any(|y| {
                        frame.row(tile.x, y, tile.width) != self.sent.row(tile.x, y, tile.width)
                    });
                if changed {
                    for y in tile.y..tile.y + tile.height {
                        self.sent
                            .row_mut(tile.x, y, tile.width)
                            .copy_from_slice(frame.row(tile.x, y, tile.width));
                    }
                    grid.kinds[index] =
                        solid_colour(frame, tile).map_or(TileKind::Image, TileKind::Solid);
                }
            }
        }
        grid
    }

    /// Encodes `rect` (a merged run of tiles) into one or more pieces:
    /// a solid colour, or JPEGs split until each fits a message.
    fn encode_rect(&mut self, frame: &Frame, rect: Rect, pieces: &mut Vec<Piece>) {
        if let Some(colour) = solid_colour(frame, rect) {
            let [_, r, g, b] = colour.to_be_bytes();
            pieces.push(Piece {
                rect,
                payload: Payload::Solid([r, g, b]),
            });
            return;
        }
        let jpeg = self.jpeg(frame, rect);
        if jpeg.len() <= self.max_payload || (rect.width <= TILE && rect.height <= TILE) {
            pieces.push(Piece {
                rect,
                payload: Payload::Jpeg(jpeg),
            });
            return;
        }
        // Too dense for one message: halve along the longer side, on a tile
        // boundary (a single tile always fits: its raw pixels are 3 KiB).
        let (first, second) = if rect.width >= rect.height {
            let half = split_point(rect.width);
            (
                Rect {
                    width: half,
                    ..rect
                },
                Rect {
                    x: rect.x + half,
                    width: rect.width - half,
                    ..rect
                },
            )
        } else {
            let half = split_point(rect.height);
            (
                Rect {
                    height: half,
                    ..rect
                },
                Rect {
                    y: rect.y + half,
                    height: rect.height - half,
                    ..rect
                },
            )
        };
        self.encode_rect(frame, first, pieces);
        self.encode_rect(frame, second, pieces);
    }

    fn jpeg(&mut self, frame: &Frame, rect: Rect) -> Vec<u8> {
        self.pixels.clear();
        for y in rect.y..rect.y + rect.height {
            for pixel in frame.row(rect.x, y, rect.width) {
                self.pixels.extend_from_slice(&pixel.to_le_bytes());
            }
        }
        let mut out = Vec::with_capacity(usize::from(rect.width) * usize::from(rect.height) / 4);
        jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY)
            .encode(
                &self.pixels,
                rect.width,
                rect.height,
                jpeg_encoder::ColorType::Bgra,
            )
            .expect("the pixel buffer holds exactly width × height BGRA pixels");
        out
    }

    /// The cursor's piece: its image when it changed (or on a full update),
    /// its position alone when only that changed.
    fn cursor_piece(&mut self, cursor: &Cursor, size: Size, full: bool) -> Option<Piece> {
        let x = cursor.x.min(size.width.saturating_sub(1));
        let y = cursor.y.min(size.height.saturating_sub(1));
        let image_sent =
            matches!(self.sent_cursor, Some((_, _, serial)) if serial == cursor.serial);
        if !full && image_sent && self.sent_cursor == Some((x, y, cursor.serial)) {
            return None;
        }
        let image_fits = cursor.width <= screen::MAX_CURSOR_SIDE
            && cursor.height <= screen::MAX_CURSOR_SIDE
            && (cursor.width == 0) == (cursor.height == 0)
            && 4 + cursor.rgba.len() <= MAX_PAYLOAD_LEN
            && cursor.rgba.len() == usize::from(cursor.width) * usize::from(cursor.height) * 4;
        self.sent_cursor = Some((x, y, cursor.serial));
        let piece = if (full || !image_sent) && image_fits {
            Piece {
                rect: Rect {
                    x,
                    y,
                    width: cursor.width,
                    height: cursor.height,
                },
                payload: Payload::Cursor(screen::cursor_payload(
                    cursor.hot_x,
                    cursor.hot_y,
                    &cursor.rgba,
                )),
            }
        } else {
            // An image too big for the protocol is never sent; the viewer
            // keeps drawing the previous one at the new position.
            Piece {
                rect: Rect {
                    x,
                    y,
                    width: 0,
                    height: 0,
                },
                payload: Payload::Cursor(screen::cursor_payload(cursor.hot_x, cursor.hot_y, &[])),
            }
        };
        Some(piece)
    }
}

/// Where to cut `length` pixels in two: on a tile boundary when the run is
/// longer than a tile, in the middle otherwise.
fn split_point(length: u16) -> u16 {
    let tiles = length.div_ceil(TILE);
    if tiles > 1 {
        tiles / 2 * TILE
    } else {
        length / 2
    }
}

/// The colour of every pixel of `rect` when they are all the same.
fn solid_colour(frame: &Frame, rect: Rect) -> Option<u32> {
    let first = frame.pixel(rect.x, rect.y);
    (rect.y..rect.y + rect.height)
        .all(|y| {
            frame
                .row(rect.x, y, rect.width)
                .iter()
                .all(|pixel| *pixel == first)
        })
        .then_some(first)
}

/// The screen cut into tiles, each marked with what changed in it.
#[derive(Debug)]
struct TileGrid {
    size: Size,
    cols: u16,
    rows: u16,
    kinds: Vec<TileKind>,
}

impl TileGrid {
    fn new(size: Size) -> Self {
        let (cols, rows) = (size.width.div_ceil(TILE), size.height.div_ceil(TILE));
        TileGrid {
            size,
            cols,
            rows,
            kinds: vec![TileKind::Unchanged; usize::from(cols) * usize::from(rows)],
        }
    }

    fn index(&self, col: u16, row: u16) -> usize {
        usize::from(row) * usize::from(self.cols) + usize::from(col)
    }

    fn kind(&self, col: u16, row: u16) -> TileKind {
        self.kinds[self.index(col, row)]
    }

    /// The pixels of tile (`col`, `row`); the last column and row may be narrower.
    fn tile_rect(&self, col: u16, row: u16) -> Rect {
        self.span_rect(col, row, 1, 1)
    }

    /// The pixels of `cols × rows` tiles from (`col`, `row`), clipped to the screen.
    fn span_rect(&self, col: u16, row: u16, cols: u16, rows: u16) -> Rect {
        let (x, y) = (col * TILE, row * TILE);
        Rect {
            x,
            y,
            width: (cols * TILE).min(self.size.width - x),
            height: (rows * TILE).min(self.size.height - y),
        }
    }
}

/// Changed tiles merged into rectangles: runs of neighbours of the same kind
/// along a row (flat tiles of one colour, or image tiles up to
/// `MAX_IMAGE_TILES`), then runs with the same columns in consecutive rows.
fn merge_tiles(grid: &TileGrid, size: Size) -> Vec<Rect> {
    debug_assert_eq!(grid.size, size);
    /// A rectangle still growing downwards: first column, columns, first row, rows, kind.
    struct Open {
        col: u16,
        cols: u16,
        row: u16,
        rows: u16,
        kind: TileKind,
    }
    let mut done = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    for row in 0..grid.rows {
        let mut next_open = Vec::with_capacity(open.len());
        let mut col = 0;
        while col < grid.cols {
            let kind = grid.kind(col, row);
            if kind == TileKind::Unchanged {
                col += 1;
                continue;
            }
            let mut cols = 1;
            while col + cols < grid.cols
                && grid.kind(col + cols, row) == kind
                && (kind != TileKind::Image || cols < MAX_IMAGE_TILES)
            {
                cols += 1;
            }
            let above = open.iter().position(|rect| {
                rect.col == col
                    && rect.cols == cols
                    && rect.kind == kind
                    && rect.row + rect.rows == row
                    && (kind != TileKind::Image || rect.rows < MAX_IMAGE_TILES)
            });
            match above {
                Some(index) => {
                    let mut rect = open.swap_remove(index);
                    rect.rows += 1;
                    next_open.push(rect);
                }
                None => next_open.push(Open {
                    col,
                    cols,
                    row,
                    rows: 1,
                    kind,
                }),
            }
            col += cols;
        }
        // Whatever was not continued in this row is finished.
        done.extend(
            open.drain(..)
                .map(|rect| grid.span_rect(rect.col, rect.row, rect.cols, rect.rows)),
        );
        open = next_open;
    }
    done.extend(
        open.into_iter()
            .map(|rect| grid.span_rect(rect.col, rect.row, rect.cols, rect.rows)),
    );
    done
}

/// Packs `pieces` into messages of at most 64 KiB with the protocol's encoder.
fn pack(seq: u32, size: Size, full: bool, pieces: &[Piece]) -> Vec<Vec<u8>> {
    let mut update = UpdateEncoder::new(seq, size.width, size.height, full)
        .expect("the screen size was checked when the source was opened");
    for piece in pieces {
        update
            .push(piece.rectangle())
            .expect("pieces are built inside the screen and under the payload limit");
    }
    update.finish()
}

#[cfg(test)]
mod tests {
    use lifeline_protocol::screen::{Codec, decode};

    use super::super::Canvas;
    use super::*;

    const RED: u32 = 0xE0_20_20;
    const GREEN: u32 = 0x20_C0_40;
    const BLUE: u32 = 0x30_40_E0;
    const YELLOW: u32 = 0xF0_E0_30;

    /// A screen whose size is not a multiple of the tile, in four flat
    /// quadrants, with a detailed patch (1-pixel stripes) in the first.
    fn four_quadrants(size: Size) -> Frame {
        let mut frame = Frame::new(size);
        let (half_w, half_h) = (size.width / 2, size.height / 2);
        for (x, y, colour) in [
            (0, 0, RED),
            (half_w, 0, GREEN),
            (0, half_h, BLUE),
            (half_w, half_h, YELLOW),
        ] {
            let rect = Rect {
                x,
                y,
                width: if x == 0 { half_w } else { size.width - half_w },
                height: if y == 0 { half_h } else { size.height - half_h },
            };
            frame.fill(rect, colour);
        }
        for x in (4..40).step_by(2) {
            frame.fill(
                Rect {
                    x,
                    y: 4,
                    width: 1,
                    height: 30,
                },
                0xFF_FF_FF,
            );
        }
        frame
    }

    fn noise(size: Size, seed: u32) -> Frame {
        let mut frame = Frame::new(size);
        let mut state = seed;
        for y in 0..size.height {
            for pixel in frame.row_mut(0, y, size.width) {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                *pixel = 0xFF00_0000 | (state >> 8);
            }
        }
        frame
    }

    /// Black and white at random: the densest thing JPEG meets.
    fn salt_and_pepper(size: Size) -> Frame {
        let mut frame = noise(size, 3);
        for y in 0..size.height {
            for pixel in frame.row_mut(0, y, size.width) {
                *pixel = if *pixel & 0x80 == 0 {
                    0xFF00_0000
                } else {
                    0xFFFF_FFFF
                };
            }
        }
        frame
    }

    /// What a viewer draws: every message painted onto `canvas`; the screen
    /// rectangles painted.
    fn paint(canvas: &mut Canvas, update: &Update) -> Vec<Rect> {
        let mut painted = Vec::new();
        for message in &update.messages {
            let done = canvas.paint(message).expect("a message the viewer paints");
            assert_eq!(done.header.seq, update.seq);
            assert_eq!(done.header.full, update.full);
            painted.extend(done.rects);
        }
        painted
    }

    fn assert_close(actual: u32, expected: u32, at: (u16, u16)) {
        let [_, r1, g1, b1] = actual.to_be_bytes();
        let [_, r2, g2, b2] = (expected | 0xFF00_0000).to_be_bytes();
        let close = [(r1, r2), (g1, g2), (b1, b2)]
            .iter()
            .all(|(a, b)| a.abs_diff(*b) <= 12);
        assert!(
            close,
            "pixel at {at:?} is {actual:08X}, expected about {expected:06X}"
        );
    }

    #[test]
    fn a_full_update_decodes_to_the_screen() {
        let size = Size {
            width: 250,
            height: 170,
        };
        let frame = four_quadrants(size);
        let mut encoder = Encoder::new(size);
        let update = encoder
            .encode(&frame, &[], None, true)
            .expect("a full update");
        assert!(update.full);
        let mut canvas = Canvas::new(size);
        let painted = paint(&mut canvas, &update);
        assert_eq!(
            painted
                .iter()
                .map(|r| u32::from(r.width) * u32::from(r.height))
                .sum::<u32>(),
            250 * 170,
            "every pixel painted once"
        );
        // Quadrant centres, and flat points of the tiles holding the stripes
        // (JPEG smears the 1-pixel lines themselves, so those are not sampled).
        for (x, y, colour) in [
            (62, 42, RED),
            (187, 42, GREEN),
            (62, 127, BLUE),
            (187, 127, YELLOW),
            (60, 60, RED),
            (20, 50, RED),
        ] {
            assert_close(canvas.frame().pixel(x, y), colour, (x, y));
        }
        // The flat quadrants went as solid colours: the update is small.
        let bytes: usize = update.messages.iter().map(Vec::len).sum();
        assert!(bytes < 8 * 1024, "{bytes} bytes for a mostly flat screen");
    }

    #[test]
    fn only_the_changed_quadrant_is_sent_again() {
        let size = Size {
            width: 256,
            height: 192,
        };
        let mut frame = noise(size, 7);
        let mut encoder = Encoder::new(size);
        encoder
            .encode(&frame, &[], None, true)
            .expect("the first update");
        // The capturer reports the whole screen as damaged: the tile
        // comparison alone must find the one quadrant that changed.
        let quadrant = Rect {
            x: 0,
            y: 96,
            width: 128,
            height: 96,
        };
        let changed = noise(
            Size {
                width: 128,
                height: 96,
            },
            99,
        );
        for y in 0..96 {
            frame
                .row_mut(0, 96 + y, 128)
                .copy_from_slice(changed.row(0, y, 128));
        }
        let update = encoder
            .encode(&frame, &[Rect::whole(size)], None, false)
            .expect("an update");
        assert!(!update.full);
        let mut canvas = Canvas::new(size);
        let painted = paint(&mut canvas, &update);
        assert!(!painted.is_empty());
        for rect in &painted {
            assert_eq!(rect.clip(size), Some(*rect));
            let inside = rect.x + rect.width <= 128 && rect.y >= 96;
            assert!(
                inside,
                "{rect:?} is outside the changed quadrant {quadrant:?}"
            );
        }
        let area: u32 = painted
            .iter()
            .map(|r| u32::from(r.width) * u32::from(r.height))
            .sum();
        assert_eq!(area, 128 * 96, "the changed quadrant exactly");
        // Nothing changed since: no update at all.
        assert_eq!(
            encoder.encode(&frame, &[Rect::whole(size)], None, false),
            None
        );
    }

    #[test]
    fn a_rectangle_too_dense_for_its_message_is_split() {
        let size = Size {
            width: 256,
            height: 256,
        };
        let frame = salt_and_pepper(size);
        let mut encoder = Encoder::new(size);
        encoder.max_payload = 8 * 1024;
        let update = encoder
            .encode(&frame, &[], None, true)
            .expect("a full update");
        let mut canvas = Canvas::new(size);
        let painted = paint(&mut canvas, &update);
        assert!(painted.len() > 4, "split into {} rectangles", painted.len());
        let area: u32 = painted
            .iter()
            .map(|r| u32::from(r.width) * u32::from(r.height))
            .sum();
        assert_eq!(area, 256 * 256, "every pixel painted once");
        for message in &update.messages {
            for rect in decode(message).unwrap().rects {
                let single_tile = rect.w <= TILE && rect.h <= TILE;
                assert!(
                    rect.payload.len() <= 8 * 1024 || single_tile,
                    "{}×{} took {} bytes",
                    rect.w,
                    rect.h,
                    rect.payload.len()
                );
            }
        }
    }

    #[test]
    fn a_dense_screen_is_split_into_messages_of_at_most_64_kib() {
        let size = Size {
            width: 1280,
            height: 800,
        };
        let frame = salt_and_pepper(size);
        let mut encoder = Encoder::new(size);
        let update = encoder
            .encode(&frame, &[], None, true)
            .expect("a full update");
        assert!(
            update.messages.len() > 1,
            "{} messages",
            update.messages.len()
        );
        for (index, message) in update.messages.iter().enumerate() {
            assert!(
                message.len() <= 64 * 1024,
                "message {index} is {} bytes",
                message.len()
            );
            let header = decode(message).expect("decodes").header;
            assert_eq!(header.last, index + 1 == update.messages.len());
        }
        let mut canvas = Canvas::new(size);
        let painted = paint(&mut canvas, &update);
        let area: u32 = painted
            .iter()
            .map(|r| u32::from(r.width) * u32::from(r.height))
            .sum();
        assert_eq!(area, 1280 * 800);
    }

    #[test]
    fn the_cursor_goes_apart_and_its_image_only_when_it_changes() {
        let size = Size {
            width: 64,
            height: 64,
        };
        let frame = Frame::new(size);
        let mut encoder = Encoder::new(size);
        let arrow = Cursor {
            x: 10,
            y: 20,
            serial: 1,
            width: 2,
            height: 2,
            hot_x: 1,
            hot_y: 0,
            rgba: vec![255; 16],
        };
        let cursors = |update: &Update| -> Vec<(u16, u16, u16, u16, usize)> {
            update
                .messages
                .iter()
                .flat_map(|m| decode(m).unwrap().rects)
                .filter(|r| r.codec == Codec::Cursor)
                .map(|r| {
                    (
                        r.x,
                        r.y,
                        r.w,
                        r.h,
                        r.cursor_image().map_or(0, |image| image.rgba.len()),
                    )
                })
                .collect()
        };
        let first = encoder.encode(&frame, &[], Some(&arrow), true).unwrap();
        assert_eq!(cursors(&first), [(10, 20, 2, 2, 16)]);
        // Same place, same image: nothing to send.
        assert_eq!(encoder.encode(&frame, &[], Some(&arrow), false), None);
        let moved = Cursor {
            x: 30,
            ..arrow.clone()
        };
        let update = encoder.encode(&frame, &[], Some(&moved), false).unwrap();
        assert_eq!(cursors(&update), [(30, 20, 0, 0, 0)], "position only");
        let text_beam = Cursor { serial: 2, ..moved };
        let update = encoder
            .encode(&frame, &[], Some(&text_beam), false)
            .unwrap();
        assert_eq!(cursors(&update), [(30, 20, 2, 2, 16)], "the new image");
    }
}
