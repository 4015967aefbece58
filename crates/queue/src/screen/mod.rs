//! The remote screen (issue 9): the consent state of each case and the relay
//! of screen updates and input between the customer and the experts. Frames
//! pass through memory only; the history records the consent changes.

mod consent;
mod relay;

pub use consent::{Asker, Transition};
pub use relay::{Link, Outgoing, ScreenFrame, Screens};
