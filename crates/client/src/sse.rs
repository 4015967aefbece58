//! A `text/event-stream` parser, following the WHATWG HTML "event stream
//! interpretation" rules, fed with whatever chunks the network delivers.

use std::collections::VecDeque;

/// Largest line or event the parser holds before giving up: a case is a few KiB,
/// so anything near this is a broken or hostile stream, not a bigger case.
pub(crate) const MAX_EVENT_BYTES: usize = 1024 * 1024;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SseEvent {
    /// The `event:` name, `message` when the event had none.
    pub(crate) name: String,
    /// The `data:` lines joined with `\n`.
    pub(crate) data: String,
    /// The stream's last event id when this event was dispatched (ids carry
    /// over to later events that have no `id:` line); empty if none yet.
    pub(crate) last_event_id: String,
}

/// The stream holds a line or an event larger than [`MAX_EVENT_BYTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EventTooLarge;

/// Incremental parser state: the unfinished line and the event being built.
#[derive(Debug, Default)]
pub(crate) struct SseParser {
    /// Bytes of the line not yet ended. Lines are decoded whole, so a UTF-8
    /// character split across chunks is put back together first.
    line: Vec<u8>,
    /// The last chunk ended in `\r`; a `\n` starting the next one belongs to it.
    after_cr: bool,
    /// Whether a line has been seen, to strip a byte-order mark off the first one.
    started: bool,
    event_name: String,
    data: String,
    last_event_id: String,
}

impl SseParser {
    /// Feeds one chunk and appends the events it completes to `events`.
    ///
    /// An event is only dispatched at the blank line that ends it, so an event
    /// cut off by the end of the stream is never seen, as the spec requires.
    pub(crate) fn feed(
        &mut self,
        chunk: &[u8],
        events: &mut VecDeque<SseEvent>,
    ) -> Result<(), EventTooLarge> {
        let mut rest = chunk;
        if self.after_cr && !rest.is_empty() {
            self.after_cr = false;
            if rest[0] == b'\n' {
                rest = &rest[1..];
            }
        }
        while let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            self.line.extend_from_slice(&rest[..end]);
            self.check_size()?;
            let line = std::mem::take(&mut self.line);
            self.process_line(&line, events);
            // Reuse the allocation for the next line.
            self.line = line;
            self.line.clear();

            let terminator_len = match (rest[end], rest.get(end + 1)) {
                (b'\r', Some(b'\n')) => 2,
                (b'\r', None) => {
                    self.after_cr = true;
                    1
                }
                _ => 1,
            };
            rest = &rest[end + terminator_len..];
        }
        self.line.extend_from_slice(rest);
        self.check_size()
    }

    fn check_size(&self) -> Result<(), EventTooLarge> {
        if self.line.len() + self.data.len() > MAX_EVENT_BYTES {
            return Err(EventTooLarge);
        }
        Ok(())
    }

    fn process_line(&mut self, raw: &[u8], events: &mut VecDeque<SseEvent>) {
        let decoded = String::from_utf8_lossy(raw);
        let mut line: &str = &decoded;
        if !self.started {
            self.started = true;
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }

        if line.is_empty() {
            self.dispatch(events);
            return;
        }
        if line.starts_with(':') {
            return; // a comment: the server's keep-alive
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => value.clone_into(&mut self.event_name),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
            }
            "id" if !value.contains('\0') => value.clone_into(&mut self.last_event_id),
            // `retry` only matters to a reconnecting client, and the watcher has its own policy.
            _ => {}
        }
    }

    fn dispatch(&mut self, events: &mut VecDeque<SseEvent>) {
        let name = std::mem::take(&mut self.event_name);
        if self.data.is_empty() {
            return; // no data lines: nothing to dispatch, per the spec
        }
        let mut data = std::mem::take(&mut self.data);
        data.pop(); // the `\n` after the last data line
        events.push_back(SseEvent {
            name: if name.is_empty() {
                "message".to_owned()
            } else {
                name
            },
            data,
            last_event_id: self.last_event_id.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_chunks<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Vec<SseEvent> {
        let mut parser = SseParser::default();
        let mut events = VecDeque::new();
        for chunk in chunks {
            parser.feed(chunk, &mut events).expect("small events fit");
        }
        events.into()
    }

    fn parse(text: &str) -> Vec<SseEvent> {
        parse_chunks([text.as_bytes()])
    }

    fn event(name: &str, data: &str, id: &str) -> SseEvent {
        SseEvent {
            name: name.into(),
            data: data.into(),
            last_event_id: id.into(),
        }
    }

    const SAMPLE: &str = "\u{feff}: keep-alive\n\
        id: 42\n\
        event: case\n\
        data: {\"state\":\"new\"}\n\
        \n\
        : another comment\n\
        id:43\n\
        event: message\n\
        data: line one\n\
        data:  line two, with a space kept\n\
        data\n\
        \n\
        event: case\n\
        data: {\"city\":\"Zürich\",\"emoji\":\"🆘\"}\n\
        \n\
        event: case\n\
        data: cut off by the end of the stream\n";

    fn sample_events() -> Vec<SseEvent> {
        vec![
            event("case", "{\"state\":\"new\"}", "42"),
            event("message", "line one\n line two, with a space kept\n", "43"),
            event("case", "{\"city\":\"Zürich\",\"emoji\":\"🆘\"}", "43"),
        ]
    }

    #[test]
    fn the_sample_stream_parses_into_its_events() {
        assert_eq!(parse(SAMPLE), sample_events());
    }

    #[test]
    fn every_line_ending_gives_the_same_events() {
        let crlf = SAMPLE.replace('\n', "\r\n");
        let cr = SAMPLE.replace('\n', "\r");
        assert_eq!(parse(&crlf), sample_events(), "CRLF");
        assert_eq!(parse(&cr), sample_events(), "CR");
    }

    #[test]
    fn splitting_the_stream_at_any_byte_gives_the_same_events() {
        for text in [
            SAMPLE.to_owned(),
            SAMPLE.replace('\n', "\r\n"),
            SAMPLE.replace('\n', "\r"),
        ] {
            let bytes = text.as_bytes();
            for first in 0..=bytes.len() {
                for second in first..=bytes.len() {
                    let chunks = [&bytes[..first], &bytes[first..second], &bytes[second..]];
                    assert_eq!(
                        parse_chunks(chunks),
                        sample_events(),
                        "split at {first} and {second} of {text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn one_byte_at_a_time_gives_the_same_events() {
        let crlf = SAMPLE.replace('\n', "\r\n");
        assert_eq!(parse_chunks(crlf.as_bytes().chunks(1)), sample_events());
    }

    #[test]
    fn a_final_event_without_a_blank_line_is_not_dispatched() {
        assert_eq!(
            parse("id: 1\ndata: complete\n\nid: 2\ndata: incomplete\n"),
            [event("message", "complete", "1")]
        );
        assert_eq!(parse("data: incomplete"), []);
    }

    #[test]
    fn an_event_without_data_is_not_dispatched_but_its_id_is_kept() {
        let events = parse("id: 7\nevent: case\n\ndata: later\n\n");
        assert_eq!(
            events,
            [event("message", "later", "7")],
            "the event name is reset, the id is not"
        );
    }

    #[test]
    fn an_empty_data_line_makes_an_event_with_empty_data() {
        assert_eq!(parse("data:\n\n"), [event("message", "", "")]);
        assert_eq!(parse("data\n\n"), [event("message", "", "")]);
    }

    #[test]
    fn only_one_space_after_the_colon_is_stripped() {
        assert_eq!(
            parse("data:   three\n\n"),
            [event("message", "  three", "")]
        );
        assert_eq!(
            parse("data:no space\n\n"),
            [event("message", "no space", "")]
        );
    }

    #[test]
    fn an_id_holding_nul_is_ignored_and_an_empty_id_resets() {
        assert_eq!(
            parse("id: 5\n\nid: 6\0\ndata: x\n\n"),
            [event("message", "x", "5")]
        );
        assert_eq!(
            parse("id: 5\ndata: a\n\nid\ndata: b\n\n"),
            [event("message", "a", "5"), event("message", "b", "")]
        );
    }

    #[test]
    fn unknown_fields_and_retry_are_ignored() {
        assert_eq!(
            parse("retry: 1000\nfoo: bar\ndata: x\n\n"),
            [event("message", "x", "")]
        );
    }

    #[test]
    fn a_byte_order_mark_is_only_stripped_from_the_first_line() {
        assert_eq!(parse("\u{feff}data: a\n\n"), [event("message", "a", "")]);
        assert_eq!(
            parse("data: a\n\n\u{feff}data: b\n\n"),
            [event("message", "a", "")],
            "a later BOM makes an unknown field"
        );
    }

    #[test]
    fn an_endless_line_is_refused() {
        let mut parser = SseParser::default();
        let mut events = VecDeque::new();
        let chunk = vec![b'x'; 64 * 1024];
        let mut refused = false;
        for _ in 0..=MAX_EVENT_BYTES / chunk.len() {
            if parser.feed(&chunk, &mut events) == Err(EventTooLarge) {
                refused = true;
                break;
            }
        }
        assert!(refused, "the parser must not buffer without bound");
    }
}
