//! `pyl --timeline FILE.svg` and `--timeline -`: what every task was doing
//! when, drawn as a Gantt chart once the program ends — the course's
//! pictures of sequential and concurrent errands, from a real run.
//!
//! The trace hooks (`trace.rs`) feed [`Timeline`]: a task is *ready* from
//! its creation, or from its sleep's deadline, until its step starts (time
//! it spends waiting for the loop, which a blocking `time.sleep` in another
//! task makes visible), *running* during a step, then *sleeping* or
//! *waiting* (on a task, a future, a queue, a socket…) until the next.
//! A wait on a future ends when the callback that finished the future
//! ends (a future cannot read the clock; the loop notes the tasks it woke
//! after each callback).

use hashbrown::HashMap;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use crate::compile::ir::Code;
use crate::syntax::ast::Name;

/// Rows beyond this many are grouped by coroutine function.
const MAX_ROWS: usize = 200;
const TEXT_WIDTH: usize = 100;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    Sleeping,
    Waiting,
    Ready,
    Running,
}

impl State {
    fn name(self) -> &'static str {
        match self {
            State::Sleeping => "sleeping",
            State::Waiting => "waiting",
            State::Ready => "ready",
            State::Running => "running",
        }
    }

    fn glyph(self) -> char {
        match self {
            State::Sleeping => '.',
            State::Waiting => '~',
            State::Ready => '-',
            State::Running => '#',
        }
    }

    fn color(self) -> &'static str {
        match self {
            State::Sleeping => "#9ecae1",
            State::Waiting => "#fdd0a2",
            State::Ready => "#fb6a4a",
            State::Running => "#31a354",
        }
    }
}

/// An index in `Timeline::texts`: segments are a million in a busy run.
type TextId = u32;

const CREATED: TextId = 0;
const RUNNING: TextId = 1;
const TIMER_DUE: TextId = 2;
const WOKEN: TextId = 3;

struct Segment {
    state: State,
    start: f64,
    end: f64,
    /// What it waited for, and where (the SVG's hover text).
    label: TextId,
}

struct Track {
    name: String,
    coroutine: String,
    segments: Vec<Segment>,
    /// The state since when, not closed yet; a sleep's deadline.
    open: Option<(State, f64, TextId, Option<f64>)>,
}

/// Where a task waits and for what kind of thing: the key of the hover
/// texts, made once each.
pub struct WaitKey {
    code: Option<Rc<Code>>,
    pc: u32,
    kind: (u8, Option<Name>),
}

impl WaitKey {
    pub fn new(at: Option<(Rc<Code>, u32)>, kind: (u8, Option<Name>)) -> WaitKey {
        let (code, pc) = match at {
            Some((code, pc)) => (Some(code), pc),
            None => (None, 0),
        };
        WaitKey { code, pc, kind }
    }
}

impl PartialEq for WaitKey {
    fn eq(&self, other: &WaitKey) -> bool {
        let same_code = match (&self.code, &other.code) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        same_code && self.pc == other.pc && self.kind == other.kind
    }
}

impl Eq for WaitKey {}

impl Hash for WaitKey {
    // Equal names are usually one `Rc` (a code's qualname): hashing the
    // text would cost more than the rest of an event.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.code.as_ref().map(Rc::as_ptr).hash(state);
        self.pc.hash(state);
        self.kind.0.hash(state);
    }
}

/// Where the picture goes.
pub enum Output {
    Svg(std::path::PathBuf),
    Text,
}

pub struct Timeline {
    output: Output,
    tracks: Vec<Track>,
    by_number: HashMap<u64, usize>,
    labels: HashMap<WaitKey, TextId>,
    texts: Vec<Rc<str>>,
}

impl Timeline {
    pub fn new(output: Output) -> Timeline {
        Timeline {
            output,
            tracks: Vec::new(),
            by_number: HashMap::new(),
            labels: HashMap::new(),
            texts: [
                "created",
                "running",
                "its timer is due",
                "what it awaited is done",
            ]
            .map(Rc::from)
            .to_vec(),
        }
    }

    pub fn created(&mut self, number: u64, name: String, coroutine: String, now: f64) {
        self.by_number.insert(number, self.tracks.len());
        self.tracks.push(Track {
            name,
            coroutine,
            segments: Vec::new(),
            open: Some((State::Ready, now, CREATED, None)),
        });
    }

    fn track(&mut self, number: u64) -> Option<&mut Track> {
        let index = *self.by_number.get(&number)?;
        self.tracks.get_mut(index)
    }

    pub fn step_started(&mut self, number: u64, now: f64) {
        let Some(track) = self.track(number) else {
            return;
        };
        if let Some((state, start, label, deadline)) = track.open.take() {
            match deadline {
                // Due before the loop got to it: ready from the deadline.
                Some(deadline) if deadline < now => {
                    track.close(state, start, deadline, label);
                    track.close(State::Ready, deadline, now, TIMER_DUE);
                }
                _ => track.close(state, start, now, label),
            }
        }
        track.open = Some((State::Running, now, RUNNING, None));
    }

    /// The step ended with the task suspended: sleeping (with its
    /// deadline, when it has one) or waiting; `text` says where and for
    /// what, the first time `key` is seen.
    pub fn suspended(
        &mut self,
        number: u64,
        now: f64,
        key: WaitKey,
        sleeping: Option<Option<f64>>,
        text: impl FnOnce() -> String,
    ) {
        let texts = &mut self.texts;
        let label = *self.labels.entry(key).or_insert_with(|| {
            texts.push(text().into());
            (texts.len() - 1) as TextId
        });
        let Some(track) = self.track(number) else {
            return;
        };
        if let Some((state, start, label, _)) = track.open.take() {
            track.close(state, start, now, label);
        }
        track.open = Some(match sleeping {
            Some(deadline) => (State::Sleeping, now, label, deadline),
            None => (State::Waiting, now, label, None),
        });
    }

    /// A future the task waits for is done: it is ready from `now`.
    pub fn woken(&mut self, number: u64, now: f64) {
        let Some(track) = self.track(number) else {
            return;
        };
        match track.open.take() {
            Some((State::Waiting, start, label, _)) => {
                track.close(State::Waiting, start, now, label);
                track.open = Some((State::Ready, now, WOKEN, None));
            }
            other => track.open = other,
        }
    }

    /// The task is done (its name is read again: `set_name` may have
    /// changed it).
    pub fn finished(&mut self, number: u64, name: String, now: f64) {
        let Some(track) = self.track(number) else {
            return;
        };
        if let Some((state, start, label, _)) = track.open.take() {
            track.close(state, start, now, label);
        }
        track.name = name;
    }

    /// Writes the picture; the tasks still pending end at `now`.
    pub fn write(mut self, now: f64, virtual_clock: bool) -> std::io::Result<()> {
        for track in &mut self.tracks {
            if let Some((state, start, label, _)) = track.open.take() {
                track.close(state, start, now, label);
            }
        }
        let rows = self.rows();
        let end = now.max(f64::MIN_POSITIVE);
        if rows.is_empty() {
            // A program without tasks: say so rather than draw nothing.
            eprintln!("timeline: no asyncio task ran, so there is nothing to draw");
            return Ok(());
        }
        let clock = if virtual_clock { "virtual" } else { "real" };
        match &self.output {
            Output::Text => {
                eprint!("{}", text_chart(&rows, end, clock));
                Ok(())
            }
            Output::Svg(path) => std::fs::write(path, svg_chart(&rows, &self.texts, end, clock)),
        }
    }

    /// One row per task, or per coroutine function when there are many.
    fn rows(&self) -> Vec<Row<'_>> {
        if self.tracks.len() <= MAX_ROWS {
            return self
                .tracks
                .iter()
                .map(|track| Row {
                    title: format!("{} {}", track.name, track.coroutine),
                    tracks: vec![track],
                })
                .collect();
        }
        let mut groups: Vec<Row> = Vec::new();
        for track in &self.tracks {
            match groups
                .iter_mut()
                .find(|row| row.tracks[0].coroutine == track.coroutine)
            {
                Some(row) => row.tracks.push(track),
                None => groups.push(Row {
                    title: String::new(),
                    tracks: vec![track],
                }),
            }
        }
        for row in &mut groups {
            row.title = format!("{} ×{}", row.tracks[0].coroutine, row.tracks.len());
        }
        groups
    }
}

impl Track {
    fn close(&mut self, state: State, start: f64, end: f64, label: TextId) {
        self.segments.push(Segment {
            state,
            start,
            end,
            label,
        });
    }
}

struct Row<'a> {
    title: String,
    tracks: Vec<&'a Track>,
}

impl Row<'_> {
    fn segments(&self) -> impl Iterator<Item = &Segment> {
        self.tracks.iter().flat_map(|track| &track.segments)
    }
}

/// One line per row, `width` columns for the run's time: each column shows
/// the busiest state that touches it (running over ready over waiting
/// over sleeping), so an instant step still shows.
fn text_chart(rows: &[Row], end: f64, clock: &str) -> String {
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.parse::<usize>().ok())
        .or_else(|| {
            terminal_size::terminal_size_of(std::io::stderr())
                .map(|(terminal_size::Width(width), _)| width.into())
        })
        .unwrap_or(TEXT_WIDTH);
    let title_width = rows
        .iter()
        .map(|row| row.title.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    let columns = width.saturating_sub(title_width + 3).max(10);
    let mut out = format!(
        "timeline: 0 to {end:.3} s ({clock} clock), {:.3} s per column\n",
        end / columns as f64
    );
    for row in rows {
        let mut cells: Vec<Option<State>> = vec![None; columns];
        for segment in row.segments() {
            let first = column_of(segment.start, end, columns);
            let last = column_of(segment.end, end, columns).max(first);
            for cell in &mut cells[first..=last] {
                *cell = (*cell).max(Some(segment.state));
            }
        }
        let bar: String = cells
            .iter()
            .map(|cell| cell.map_or(' ', State::glyph))
            .collect();
        let title: String = row.title.chars().take(title_width).collect();
        let _ = writeln!(out, "{title:<title_width$} |{bar}|");
    }
    out.push_str("# running  - ready (waiting for the loop)  ~ waiting  . sleeping\n");
    out
}

fn column_of(time: f64, end: f64, columns: usize) -> usize {
    ((time / end * columns as f64) as usize).min(columns - 1)
}

const ROW_HEIGHT: f64 = 22.0;
const LEFT: f64 = 260.0;
const CHART_WIDTH: f64 = 900.0;
const TOP: f64 = 40.0;

/// A standalone SVG: a row per task, a bar per interval colored by state
/// (hover: the state, times, and what it waited for at which line), a
/// time axis, a legend, and a band over every row where one step held the
/// loop (a blocking call stalls every task).
fn svg_chart(rows: &[Row], texts: &[Rc<str>], end: f64, clock: &str) -> String {
    let x = |time: f64| LEFT + time / end * CHART_WIDTH;
    let height = TOP + rows.len() as f64 * ROW_HEIGHT + 70.0;
    let width = LEFT + CHART_WIDTH + 30.0;
    let mut svg = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"10\" y=\"20\" font-size=\"14\">Tasks over time ({clock} clock), 0 to {end:.3} s</text>\n"
    );
    let rows_bottom = TOP + rows.len() as f64 * ROW_HEIGHT;
    for row in rows {
        for segment in row.segments() {
            if segment.state == State::Running && segment.end - segment.start >= end / 200.0 {
                let _ = writeln!(
                    svg,
                    "<rect class=\"stall\" x=\"{:.2}\" y=\"{TOP}\" width=\"{:.2}\" height=\"{:.2}\" \
                     fill=\"#de2d26\" fill-opacity=\"0.08\"><title>the loop is held by {} ({:.3} s to {:.3} s)</title></rect>",
                    x(segment.start),
                    x(segment.end) - x(segment.start),
                    rows_bottom - TOP,
                    escape(&row.title),
                    segment.start,
                    segment.end
                );
            }
        }
    }
    let step = tick_step(end);
    let mut tick = 0.0;
    while tick <= end * (1.0 + 1e-9) {
        let _ = writeln!(
            svg,
            "<line x1=\"{0:.2}\" y1=\"{TOP}\" x2=\"{0:.2}\" y2=\"{1:.1}\" stroke=\"#ccc\"/>\
             <text x=\"{0:.2}\" y=\"{2:.1}\" text-anchor=\"middle\">{3}</text>",
            x(tick),
            rows_bottom + 4.0,
            rows_bottom + 18.0,
            format_tick(tick, step)
        );
        tick += step;
    }
    for (index, row) in rows.iter().enumerate() {
        let y = TOP + index as f64 * ROW_HEIGHT;
        let _ = writeln!(
            svg,
            "<g class=\"task\"><text x=\"10\" y=\"{:.1}\">{}</text>",
            y + 15.0,
            escape(&row.title)
        );
        for bar in bars(row, texts, end) {
            let left = x(bar.start);
            let width = (x(bar.end) - left).max(1.0);
            let _ = writeln!(
                svg,
                "<rect class=\"{}\" x=\"{left:.2}\" y=\"{:.1}\" width=\"{width:.2}\" height=\"{:.1}\" fill=\"{}\">\
                 <title>{} {:.3} s to {:.3} s: {}</title></rect>",
                bar.state.name(),
                y + 3.0,
                ROW_HEIGHT - 6.0,
                bar.state.color(),
                bar.state.name(),
                bar.start,
                bar.end,
                escape(&bar.label)
            );
        }
        svg.push_str("</g>\n");
    }
    let legend_y = rows_bottom + 45.0;
    for (index, state) in [
        State::Running,
        State::Ready,
        State::Waiting,
        State::Sleeping,
    ]
    .into_iter()
    .enumerate()
    {
        let left = LEFT + index as f64 * 150.0;
        let _ = writeln!(
            svg,
            "<rect x=\"{left}\" y=\"{:.1}\" width=\"14\" height=\"14\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{legend_y:.1}\">{}</text>",
            legend_y - 11.0,
            state.color(),
            left + 20.0,
            state.name()
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// A bar of the SVG.
struct Bar {
    state: State,
    start: f64,
    end: f64,
    label: Rc<str>,
}

/// The bars of a row, left to right: its intervals, or, when there are
/// more than the chart has pixels, one bar per run of pixels showing the
/// same busiest state (the file stays small for a million steps).
fn bars(row: &Row, texts: &[Rc<str>], end: f64) -> Vec<Bar> {
    let count = row.segments().count();
    let pixels = CHART_WIDTH as usize;
    if count <= 2 * pixels {
        let mut bars: Vec<Bar> = row
            .segments()
            .map(|segment| Bar {
                state: segment.state,
                start: segment.start,
                end: segment.end,
                label: texts[segment.label as usize].clone(),
            })
            .collect();
        // Instants last, drawn over the intervals they sit in.
        bars.sort_by(|a, b| a.start.total_cmp(&b.start).then(a.state.cmp(&b.state)));
        return bars;
    }
    let mut cells: Vec<Option<State>> = vec![None; pixels];
    for segment in row.segments() {
        let first = column_of(segment.start, end, pixels);
        let last = column_of(segment.end, end, pixels).max(first);
        for cell in &mut cells[first..=last] {
            *cell = (*cell).max(Some(segment.state));
        }
    }
    let label: Rc<str> = format!("the busiest state of {count} intervals").into();
    let mut bars: Vec<Bar> = Vec::new();
    for (column, cell) in cells.iter().enumerate() {
        let Some(state) = *cell else {
            continue;
        };
        let start = column as f64 / pixels as f64 * end;
        let stop = (column + 1) as f64 / pixels as f64 * end;
        match bars.last_mut() {
            Some(bar) if bar.state == state && (bar.end - start).abs() < 1e-12 => bar.end = stop,
            _ => bars.push(Bar {
                state,
                start,
                end: stop,
                label: label.clone(),
            }),
        }
    }
    bars
}

/// A round step (1, 2 or 5 times a power of ten) for about ten ticks.
fn tick_step(end: f64) -> f64 {
    let rough = end / 10.0;
    let power = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|factor| factor * power)
        .find(|step| *step >= rough)
        .unwrap_or(power * 10.0)
}

fn format_tick(tick: f64, step: f64) -> String {
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    format!("{tick:.decimals$} s")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
