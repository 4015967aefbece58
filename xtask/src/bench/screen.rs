//! `cargo xtask bench screen`: the remote screen's sender on a private Xvfb.
//!
//! For each screen size, an x11rb client draws a desktop and then one of
//! three loads while the customer's [`ScreenSource`] captures and encodes at
//! its pace (one update per 100 ms at most): an idle screen, typing (a glyph
//! and the caret per 100 ms), and a full-screen scroll (one text line per
//! 100 ms). Then glass-to-glass latency at 1280×800 through the real server
//! (release build, a case with the customer's and the expert's session
//! sockets, consent given): a marker square recoloured on the screen until
//! the same pixels change in the expert's [`Canvas`].

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use futures_util::{SinkExt as _, StreamExt as _};
use lifeline_client::screen::{Canvas, ScreenSource, Size, VirtualDisplay};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{self, ChangeGCAux, ConnectionExt as _, CreateGCAux};
use x11rb::rust_connection::RustConnection;

use super::load::Latencies;
use super::queue_server::LocalServer;
use super::server::{bearer, create_cases, print_table, show, verdict};
use super::session::{self, Socket};
use crate::cargo::{self, Profile};

const SIZES: [Size; 2] = [
    Size {
        width: 1280,
        height: 800,
    },
    Size {
        width: 1920,
        height: 1080,
    },
];
/// The sender's pace: at most one update per tick.
const TICK: Duration = Duration::from_millis(100);
const MEASURE: Duration = Duration::from_secs(10);
/// Updates the customer sends before waiting for a viewer's ack.
const MAX_UNACKED_UPDATES: u32 = lifeline_protocol::screen::MAX_UNACKED_UPDATES;
/// Marker changes measured for glass-to-glass latency.
const LATENCY_SAMPLES: usize = 100;
/// Time between marker changes: not a multiple of the tick, so changes fall
/// at every point of the sender's cycle.
const MARKER_PERIOD: Duration = Duration::from_millis(237);
const MARKER_TIMEOUT: Duration = Duration::from_secs(5);

const TARGET_IDLE_BYTES_PER_S: f64 = 2_000.0;
const TARGET_TYPING_BYTES_PER_S: f64 = 150_000.0;
const TARGET_LATENCY_P95: Duration = Duration::from_millis(300);

const DESKTOP: u32 = 0x2F_5F_8F;
const PAPER: u32 = 0xFF_FF_FF;
const INK: u32 = 0x20_20_28;
/// Text metrics of the drawn "text": glyph boxes in lines.
const LINE_HEIGHT: u16 = 18;
const GLYPH_HEIGHT: u16 = 11;
const MARGIN: u16 = 40;

#[derive(Debug, Clone, Copy)]
enum Load {
    Idle,
    Typing,
    Scroll,
}

impl Load {
    fn name(self) -> &'static str {
        match self {
            Load::Idle => "idle screen",
            Load::Typing => "typing",
            Load::Scroll => "full-screen scroll",
        }
    }
}

/// What the sender produced under one load.
#[derive(Debug)]
struct StreamFigures {
    size: Size,
    load: Load,
    bytes: usize,
    updates: usize,
    elapsed: Duration,
    /// Capture + encode, for calls that produced an update.
    work: Latencies,
}

impl StreamFigures {
    fn bytes_per_s(&self) -> f64 {
        self.bytes as f64 / self.elapsed.as_secs_f64()
    }

    fn updates_per_s(&self) -> f64 {
        self.updates as f64 / self.elapsed.as_secs_f64()
    }
}

pub fn run() -> Result<ExitCode> {
    let mut streams = Vec::new();
    for size in SIZES {
        let display = VirtualDisplay::start(size.width, size.height)
            .context("the screen benchmark needs Xvfb (cargo xtask test installs it)")?;
        for load in [Load::Idle, Load::Typing, Load::Scroll] {
            eprintln!(
                "xtask: {}×{} {}: {MEASURE:?}",
                size.width,
                size.height,
                load.name()
            );
            let figures = measure_stream(display.name(), size, load)?;
            eprintln!(
                "xtask:   {:.0} B/s, {:.1} updates/s",
                figures.bytes_per_s(),
                figures.updates_per_s()
            );
            streams.push(figures);
        }
    }
    let size = SIZES[0];
    eprintln!(
        "xtask: glass-to-glass at {}×{}: {LATENCY_SAMPLES} marker changes",
        size.width, size.height
    );
    let display = VirtualDisplay::start(size.width, size.height)?;
    let relayed = glass_to_glass(display.name(), size)?;
    print(&streams, &relayed);
    Ok(ExitCode::SUCCESS)
}

fn measure_stream(display: &str, size: Size, load: Load) -> Result<StreamFigures> {
    let painter = Painter::connect(display)?;
    painter.desktop(size)?;
    let mut source = ScreenSource::open_x11(display)?;
    // The first, full update is the viewer's start, not part of the stream.
    source.next_update(false)?;

    let stop = Arc::new(AtomicBool::new(false));
    let drawing = {
        let (stop, display) = (Arc::clone(&stop), display.to_owned());
        thread::spawn(move || -> Result<()> {
            let painter = Painter::connect(&display)?;
            let mut typist = Typist::new(size);
            let mut next = Instant::now();
            while !stop.load(Ordering::Relaxed) {
                match load {
                    Load::Idle => {}
                    Load::Typing => typist.type_one(&painter)?,
                    Load::Scroll => painter.scroll(size, &mut typist)?,
                }
                next += TICK;
                thread::sleep(next.saturating_duration_since(Instant::now()));
            }
            Ok(())
        })
    };

    let (mut bytes, mut updates, mut work) = (0, 0, Vec::new());
    let started = Instant::now();
    let mut next = started;
    while started.elapsed() < MEASURE {
        let began = Instant::now();
        if let Some(update) = source.next_update(false)? {
            work.push(began.elapsed());
            bytes += update.messages.iter().map(Vec::len).sum::<usize>();
            updates += 1;
        }
        next += TICK;
        thread::sleep(next.saturating_duration_since(Instant::now()));
    }
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    drawing
        .join()
        .map_err(|_| anyhow::anyhow!("the drawing thread panicked"))??;
    Ok(StreamFigures {
        size,
        load,
        bytes,
        updates,
        elapsed,
        work: Latencies::from_durations(work),
    })
}

/// Glass to glass, through the real server: the painter recolours a marker
/// square and notes when the X server had drawn it; the customer's
/// [`ScreenSource`] captures at its pace (at most 2 updates unacknowledged)
/// and sends over the case's session socket; the expert's socket paints the
/// relayed updates into a [`Canvas`] and acknowledges them; the latency is
/// until the marker's centre shows the new colour there.
fn glass_to_glass(display: &str, size: Size) -> Result<Relayed> {
    let binary = cargo::build_binary("lifeline-queue", "lifeline-queue", Profile::Release)?;
    let mut server = LocalServer::start(binary)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the tokio runtime")?;
    let result = runtime.block_on(relayed(&mut server, display, size));
    if result.is_err() {
        eprintln!(
            "xtask: last lines of the server log:\n{}",
            server.process.log_tail(30)
        );
    }
    runtime.shutdown_timeout(Duration::from_secs(2));
    result
}

/// Glass-to-glass latencies and the server's memory around them.
struct Relayed {
    latencies: Latencies,
    rss_idle: u64,
    rss_viewing: u64,
}

async fn relayed(local: &mut LocalServer, display: &str, size: Size) -> Result<Relayed> {
    local.wait_until_healthy().await?;
    let addr = local.addr;
    let deployment = bearer(&local.seeded.deployment_key)?;
    let expert_authorization = bearer(&local.seeded.expert_token)?;
    let case = create_cases(addr, &deployment, 1)
        .await?
        .pop()
        .context("no case created")?;
    let mut customer = session::open(addr, &case.id, &case.authorization).await?;
    let mut expert = session::open(addr, &case.id, &expert_authorization).await?;
    let rss_idle = local.process.rss_bytes()?;

    send_json(
        &mut expert,
        json!({"type": "screen_request", "mode": "view"}),
    )
    .await?;
    next_text(&mut customer, |f| {
        f["type"] == "screen" && f["view"] == "requested"
    })
    .await?;
    send_json(
        &mut customer,
        json!({"type": "screen_answer", "mode": "view", "allow": true}),
    )
    .await?;
    send_json(
        &mut customer,
        json!({"type": "screen_status", "status": "sharing", "width": size.width, "height": size.height}),
    )
    .await?;
    next_text(&mut expert, |f| {
        f["type"] == "screen" && f["view"] == "sharing"
    })
    .await?;

    let painter = Painter::connect(display)?;
    painter.desktop(size)?;
    let marker = rect(600, 400, 16, 16);
    let stop = Arc::new(AtomicBool::new(false));
    let (changes, changed) = std::sync::mpsc::channel::<(u32, Instant)>();
    let marking = {
        let (display, stop) = (display.to_owned(), Arc::clone(&stop));
        thread::spawn(move || -> Result<()> {
            let painter = Painter::connect(&display)?;
            for sample in 0.. {
                thread::sleep(MARKER_PERIOD);
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let colour = if sample % 2 == 0 {
                    0xE0_10_10
                } else {
                    0x10_B0_10
                };
                painter.fill(marker, colour)?;
                if changes.send((colour, Instant::now())).is_err() {
                    break;
                }
            }
            Ok(())
        })
    };

    // The customer: acks and refresh requests from its socket steer a
    // capture thread; a task writes the updates to the socket.
    let (mut customer_out, mut customer_in) = customer.split();
    let acked = Arc::new(AtomicU32::new(0));
    let refresh = Arc::new(AtomicBool::new(false));
    let listening = {
        let (acked, refresh) = (Arc::clone(&acked), Arc::clone(&refresh));
        tokio::spawn(async move {
            while let Some(Ok(frame)) = customer_in.next().await {
                let Message::Text(body) = frame else { continue };
                let Ok(frame) = serde_json::from_str::<serde_json::Value>(&body) else {
                    continue;
                };
                match frame["type"].as_str() {
                    Some("screen_ack") => {
                        let seq = frame["seq"]
                            .as_u64()
                            .and_then(|seq| u32::try_from(seq).ok());
                        acked.fetch_max(seq.unwrap_or(0), Ordering::Relaxed);
                    }
                    Some("screen_refresh") => refresh.store(true, Ordering::Relaxed),
                    _ => {}
                }
            }
        })
    };
    let (outgoing, mut to_send) = tokio::sync::mpsc::channel::<Vec<u8>>(64);
    let writing = tokio::spawn(async move {
        while let Some(message) = to_send.recv().await {
            customer_out.send(Message::Binary(message.into())).await?;
        }
        anyhow::Ok(())
    });
    let capturing = {
        let (display, stop) = (display.to_owned(), Arc::clone(&stop));
        let (acked, refresh) = (Arc::clone(&acked), Arc::clone(&refresh));
        thread::spawn(move || -> Result<()> {
            let mut source = ScreenSource::open_x11(&display)?;
            let mut sent = 0_u32;
            let mut next = Instant::now();
            while !stop.load(Ordering::Relaxed) {
                let waiting = sent.wrapping_sub(acked.load(Ordering::Relaxed));
                if waiting < MAX_UNACKED_UPDATES {
                    let full = refresh.swap(false, Ordering::Relaxed);
                    if let Some(update) = source.next_update(full)? {
                        sent = update.seq;
                        for message in update.messages {
                            outgoing.blocking_send(message)?;
                        }
                    }
                }
                next += TICK;
                thread::sleep(next.saturating_duration_since(Instant::now()));
            }
            Ok(())
        })
    };

    // The expert: paints, acknowledges, and watches the marker.
    let mut canvas = Canvas::new(size);
    let (centre_x, centre_y) = (
        marker.x.cast_unsigned() + marker.width / 2,
        marker.y.cast_unsigned() + marker.height / 2,
    );
    let mut pending: Vec<(u32, Instant)> = Vec::new();
    let mut latencies = Vec::with_capacity(LATENCY_SAMPLES);
    while latencies.len() < LATENCY_SAMPLES {
        let frame = tokio::time::timeout(MARKER_TIMEOUT, expert.next())
            .await
            .context("no screen update reached the expert")?
            .context("the expert's socket closed")?
            .context("the expert's socket failed")?;
        let Message::Binary(message) = frame else {
            continue;
        };
        let painted = canvas.paint(&message)?;
        if !painted.header.last {
            continue;
        }
        send_json(
            &mut expert,
            json!({"type": "screen_ack", "seq": painted.header.seq}),
        )
        .await?;
        pending.extend(changed.try_iter());
        let seen = canvas.frame().pixel(centre_x, centre_y) & 0xFF_FF_FF;
        let now = Instant::now();
        // The newest change shown; earlier pending ones were overtaken.
        if let Some(index) = pending.iter().rposition(|(colour, _)| close(*colour, seen)) {
            latencies.push(now - pending[index].1);
            pending.drain(..=index);
        }
    }
    let rss_viewing = local.process.rss_bytes()?;
    stop.store(true, Ordering::Relaxed);
    let joined = |name: &str| anyhow::anyhow!("the {name} thread panicked");
    capturing.join().map_err(|_| joined("capture"))??;
    marking.join().map_err(|_| joined("marker"))??;
    writing.await??;
    listening.abort();
    Ok(Relayed {
        latencies: Latencies::from_durations(latencies),
        rss_idle,
        rss_viewing,
    })
}

async fn send_json(socket: &mut Socket, frame: serde_json::Value) -> Result<()> {
    socket
        .send(Message::Text(frame.to_string().into()))
        .await
        .context("failed to send a session frame")
}

/// Reads text frames until one `pick` accepts; an `error` frame fails.
async fn next_text(socket: &mut Socket, pick: impl Fn(&serde_json::Value) -> bool) -> Result<()> {
    let wait = async {
        while let Some(frame) = socket.next().await {
            if let Message::Text(body) = frame.context("the session socket failed")? {
                let frame: serde_json::Value = serde_json::from_str(&body)?;
                if pick(&frame) {
                    return Ok(());
                }
                if frame["type"] == "error" {
                    bail!("the server refused a screen frame: {}", frame["message"]);
                }
            }
        }
        bail!("the session socket closed")
    };
    tokio::time::timeout(MARKER_TIMEOUT, wait)
        .await
        .context("the server did not answer a screen frame in time")?
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Whether two 0xRRGGBB colours are the same give or take JPEG's error.
fn close(a: u32, b: u32) -> bool {
    a.to_be_bytes()
        .iter()
        .zip(b.to_be_bytes())
        .all(|(x, y)| x.abs_diff(y) <= 24)
}

/// An X client drawing on the root window.
struct Painter {
    connection: RustConnection,
    root: xproto::Window,
    gc: xproto::Gcontext,
}

impl Painter {
    fn connect(display: &str) -> Result<Self> {
        let (connection, screen) =
            RustConnection::connect(Some(display)).context("failed to connect to Xvfb")?;
        let root = connection.setup().roots[screen].root;
        let gc = connection.generate_id()?;
        connection.create_gc(gc, root, &CreateGCAux::new())?;
        Ok(Painter {
            connection,
            root,
            gc,
        })
    }

    fn draw(&self, rects: &[xproto::Rectangle], colour: u32) -> Result<()> {
        self.connection
            .change_gc(self.gc, &ChangeGCAux::new().foreground(colour))?;
        self.connection
            .poly_fill_rectangle(self.root, self.gc, rects)?;
        Ok(())
    }

    /// Waits until the server has done everything asked so far.
    fn sync(&self) -> Result<()> {
        self.connection.get_input_focus()?.reply()?;
        Ok(())
    }

    fn fill(&self, rect: xproto::Rectangle, colour: u32) -> Result<()> {
        self.draw(&[rect], colour)?;
        self.sync()
    }

    /// A desktop with one big window of text.
    fn desktop(&self, size: Size) -> Result<()> {
        self.draw(&[rect(0, 0, size.width, size.height)], DESKTOP)?;
        self.draw(
            &[rect(
                MARGIN / 2,
                MARGIN / 2,
                size.width - MARGIN,
                size.height - MARGIN,
            )],
            PAPER,
        )?;
        let mut typist = Typist::new(size);
        let lines = (size.height - 2 * MARGIN) / LINE_HEIGHT;
        for _ in 0..lines {
            self.draw(&typist.line(), INK)?;
        }
        self.sync()
    }

    /// Scrolls the text area up by a line and writes a new last line.
    fn scroll(&self, size: Size, typist: &mut Typist) -> Result<()> {
        let (x, y) = (MARGIN, MARGIN);
        let (width, height) = (size.width - 2 * MARGIN, size.height - 2 * MARGIN);
        self.connection.copy_area(
            self.root,
            self.root,
            self.gc,
            x.cast_signed(),
            (y + LINE_HEIGHT).cast_signed(),
            x.cast_signed(),
            y.cast_signed(),
            width,
            height - LINE_HEIGHT,
        )?;
        let last = y + height - LINE_HEIGHT;
        self.draw(&[rect(x, last, width, LINE_HEIGHT)], PAPER)?;
        typist.row = last;
        self.draw(&typist.line(), INK)?;
        self.sync()
    }
}

fn rect(x: u16, y: u16, width: u16, height: u16) -> xproto::Rectangle {
    xproto::Rectangle {
        x: x.cast_signed(),
        y: y.cast_signed(),
        width,
        height,
    }
}

/// Text-like glyph boxes of varying widths and word gaps, from a fixed seed.
struct Typist {
    size: Size,
    state: u32,
    row: u16,
    column: u16,
    caret: Option<xproto::Rectangle>,
}

impl Typist {
    fn new(size: Size) -> Self {
        Typist {
            size,
            state: 0x1234_5678,
            row: MARGIN,
            column: MARGIN,
            caret: None,
        }
    }

    fn random(&mut self, below: u16) -> u16 {
        self.state = self
            .state
            .wrapping_mul(1_664_525)
            .wrapping_add(1_013_904_223);
        u16::try_from((self.state >> 16) % u32::from(below)).unwrap_or(0)
    }

    /// One glyph at the current position, or a space; moves along.
    fn glyph(&mut self) -> Option<xproto::Rectangle> {
        let width = 5 + self.random(5);
        let glyph = (self.random(6) != 0).then(|| {
            let top = self.random(3);
            rect(self.column, self.row + top, width, GLYPH_HEIGHT - top)
        });
        self.column += width + 2;
        if self.column + 12 > self.size.width - MARGIN {
            self.column = MARGIN;
            self.row += LINE_HEIGHT;
            if self.row + LINE_HEIGHT > self.size.height - MARGIN {
                self.row = MARGIN;
            }
        }
        glyph
    }

    /// A whole line of glyphs.
    fn line(&mut self) -> Vec<xproto::Rectangle> {
        let row = self.row;
        let mut glyphs = Vec::new();
        while self.row == row {
            glyphs.extend(self.glyph());
        }
        self.row = row;
        glyphs
    }

    /// Types one glyph and moves the caret after it.
    fn type_one(&mut self, painter: &Painter) -> Result<()> {
        if let Some(caret) = self.caret.take() {
            painter.draw(&[caret], PAPER)?;
        }
        let row = self.row;
        if let Some(glyph) = self.glyph() {
            painter.draw(&[glyph], INK)?;
        }
        if self.row != row {
            // A new line: clear it first, as an editor would show it.
            painter.draw(
                &[rect(
                    MARGIN,
                    self.row,
                    self.size.width - 2 * MARGIN,
                    LINE_HEIGHT,
                )],
                PAPER,
            )?;
        }
        let caret = rect(self.column, self.row, 2, LINE_HEIGHT - 2);
        painter.draw(&[caret], INK)?;
        self.caret = Some(caret);
        painter.sync()
    }
}

fn print(streams: &[StreamFigures], relayed: &Relayed) {
    let latency = &relayed.latencies;
    println!();
    println!("Remote screen sender: Xvfb, capture + encode per 100 ms tick, release build");
    let rows: Vec<[String; 6]> = streams
        .iter()
        .map(|figures| {
            let (target, met) = match figures.load {
                Load::Idle => (
                    "≤ 2 KB/s".to_owned(),
                    verdict(figures.bytes_per_s() <= TARGET_IDLE_BYTES_PER_S),
                ),
                Load::Typing => (
                    "≤ 150 KB/s".to_owned(),
                    verdict(figures.bytes_per_s() <= TARGET_TYPING_BYTES_PER_S),
                ),
                Load::Scroll => ("reported".to_owned(), "—".to_owned()),
            };
            [
                format!(
                    "{} {}×{}",
                    figures.load.name(),
                    figures.size.width,
                    figures.size.height
                ),
                format!("{:.1} KB/s", figures.bytes_per_s() / 1000.0),
                format!("{:.1}/s", figures.updates_per_s()),
                format!(
                    "p50 {}, p95 {}",
                    show(figures.work.percentile(50.0)),
                    show(figures.work.percentile(95.0))
                ),
                target,
                met,
            ]
        })
        .collect();
    print_table(
        &[
            "load",
            "bytes",
            "updates",
            "capture + encode per update",
            "target",
            "result",
        ],
        &rows,
    );
    println!();
    let p95 = latency.percentile(95.0);
    print_table(
        &["measure", "target", "result", "verdict"],
        &[[
            "glass-to-glass, 1280×800, through the server to a viewer's canvas".to_owned(),
            "p95 ≤ 300 ms".to_owned(),
            format!(
                "p50 {}, p95 {}, max {} over {}",
                show(latency.percentile(50.0)),
                show(p95),
                show(latency.max()),
                latency.count()
            ),
            verdict(p95.is_some_and(|p95| p95 <= TARGET_LATENCY_P95)),
        ]],
    );
    println!(
        "server RSS: {:.1} MiB with the case's sockets open, {:.1} MiB with one viewer watching (+{:.1} MiB)",
        mib(relayed.rss_idle),
        mib(relayed.rss_viewing),
        mib(relayed.rss_viewing.saturating_sub(relayed.rss_idle))
    );
}
