//! A minimal Server-Sent Events reader for the subscriber benchmark.

use anyhow::{Context, Result, bail};
use http_body_util::BodyExt;
use hyper::body::Incoming;

/// One event of a stream (comments and keep-alives are skipped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The `event:` field; `message` when absent, as the SSE spec says.
    pub name: String,
    /// The `data:` lines joined with newlines.
    pub data: String,
}

/// Reads events from a streaming response body.
#[derive(Debug)]
pub struct EventStream {
    body: Incoming,
    buffer: Vec<u8>,
}

impl EventStream {
    pub fn new(body: Incoming) -> Self {
        Self {
            body,
            buffer: Vec::new(),
        }
    }

    /// The next event; fails when the stream ends first.
    pub async fn next_event(&mut self) -> Result<Event> {
        // Bounded by the stream: every pass either returns or consumes a frame.
        loop {
            if let Some(event) = take_event(&mut self.buffer) {
                return Ok(event);
            }
            let Some(frame) = self.body.frame().await else {
                bail!("the event stream ended");
            };
            let frame = frame.context("failed to read the event stream")?;
            if let Ok(data) = frame.into_data() {
                // CR and CRLF line ends become LF, which is all the parser knows.
                self.buffer
                    .extend(data.iter().filter(|&&byte| byte != b'\r'));
            }
        }
    }

    /// Skips events until one named `name` arrives.
    pub async fn next_named(&mut self, name: &str) -> Result<Event> {
        loop {
            let event = self.next_event().await?;
            if event.name == name {
                return Ok(event);
            }
        }
    }
}

/// Removes the first complete event from `buffer` and returns it; comment-only
/// blocks are dropped on the way. `None` while no complete event is buffered.
fn take_event(buffer: &mut Vec<u8>) -> Option<Event> {
    loop {
        let end = buffer.windows(2).position(|pair| pair == b"\n\n")?;
        let block: Vec<u8> = buffer.drain(..end + 2).collect();
        let block = String::from_utf8_lossy(&block[..end]);
        let mut name = None;
        let mut data: Option<String> = None;
        for line in block.lines() {
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "event" => name = Some(value.to_owned()),
                "data" => match &mut data {
                    Some(data) => {
                        data.push('\n');
                        data.push_str(value);
                    }
                    None => data = Some(value.to_owned()),
                },
                _ => {}
            }
        }
        if name.is_some() || data.is_some() {
            return Some(Event {
                name: name.unwrap_or_else(|| "message".to_owned()),
                data: data.unwrap_or_default(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_split_on_blank_lines_and_comments_skipped() {
        let mut buffer =
            b": keep-alive\n\nid: 1\nevent: case\ndata: {\"a\":1}\n\nid: 2\nevent: mess".to_vec();
        assert_eq!(
            take_event(&mut buffer),
            Some(Event {
                name: "case".to_owned(),
                data: "{\"a\":1}".to_owned()
            })
        );
        assert_eq!(
            take_event(&mut buffer),
            None,
            "the second event is incomplete"
        );
        buffer.extend_from_slice(b"age\ndata: x\ndata: y\n\n");
        assert_eq!(
            take_event(&mut buffer),
            Some(Event {
                name: "message".to_owned(),
                data: "x\ny".to_owned()
            })
        );
        assert!(buffer.is_empty());
    }

    #[test]
    fn an_event_without_a_name_is_a_message() {
        let mut buffer = b"data:hello\n\n".to_vec();
        assert_eq!(
            take_event(&mut buffer).map(|event| (event.name, event.data)),
            Some(("message".to_owned(), "hello".to_owned()))
        );
    }
}
