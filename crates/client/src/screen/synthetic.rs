//! A screen and an input made in memory, for exercising the sharing side
//! (pacing, consent, control) without a display: the screen changes colour
//! on every capture and counts the captures; the input records what it is
//! given.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use lifeline_protocol::InputEvent;

use super::{CaptureError, Capturer, Cursor, Frame, InjectError, InputSink, Rect, Size};

/// What a synthetic screen and input saw, shared with their owner.
#[derive(Debug, Clone, Default)]
pub struct SyntheticProbe {
    captures: Arc<AtomicUsize>,
    played: Arc<Mutex<Vec<InputEvent>>>,
}

impl SyntheticProbe {
    /// How many times the screen was read.
    pub fn captures(&self) -> usize {
        self.captures.load(Ordering::SeqCst)
    }

    /// The input events played so far.
    pub fn played(&self) -> Vec<InputEvent> {
        self.played.lock().map(|p| p.clone()).unwrap_or_default()
    }

    /// A screen of `size` whose whole area changes on every capture.
    pub fn screen(&self, size: Size) -> ChangingScreen {
        ChangingScreen {
            size,
            colour: 0,
            captures: Arc::clone(&self.captures),
        }
    }

    /// An input of `size` that records every event.
    pub fn input(&self, size: Size) -> RecordingInput {
        RecordingInput {
            size,
            played: Arc::clone(&self.played),
        }
    }
}

/// A screen whose colour changes on every capture.
#[derive(Debug)]
pub struct ChangingScreen {
    size: Size,
    colour: u32,
    captures: Arc<AtomicUsize>,
}

impl Capturer for ChangingScreen {
    fn size(&self) -> Size {
        self.size
    }

    fn capture(&mut self, frame: &mut Frame, _full: bool) -> Result<Vec<Rect>, CaptureError> {
        self.captures.fetch_add(1, Ordering::SeqCst);
        self.colour = self.colour.wrapping_add(0x10_2030) & 0xFF_FFFF;
        frame.fill(Rect::whole(self.size), self.colour);
        Ok(vec![Rect::whole(self.size)])
    }

    fn cursor(&mut self) -> Result<Option<Cursor>, CaptureError> {
        Ok(None)
    }
}

/// Mouse and keyboard that record what they are given.
#[derive(Debug)]
pub struct RecordingInput {
    size: Size,
    played: Arc<Mutex<Vec<InputEvent>>>,
}

impl InputSink for RecordingInput {
    fn size(&self) -> Size {
        self.size
    }

    fn inject(&mut self, event: &InputEvent) -> Result<(), InjectError> {
        if let Ok(mut played) = self.played.lock() {
            played.push(event.clone());
        }
        Ok(())
    }

    fn release_all(&mut self) -> Result<(), InjectError> {
        Ok(())
    }
}
