//! `full`: a miette report per finding — code, message, file:line:col, the
//! snippet with the span underlined, a help line — then a summary.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use ruff_source_file::LineIndex;
use ruff_text_size::TextSize;
use rustc_hash::FxHashMap;

use crate::pipeline::CheckResult;
use crate::render::escape::{escape_control, is_unsafe, push_escaped};
use crate::render::{RenderOptions, display_path, rule_hint};
use crate::report::Finding;
use crate::source::read_source;

/// Bytes of a long line shown on each side of a span: a 5 MB line is not
/// printed once per finding on it.
const CLIP: usize = 240;

struct Report<'a> {
    finding: &'a Finding,
    message: String,
    help: String,
    source: Snippet,
    labels: Vec<LabeledSpan>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.finding.rule.code()))
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// The few lines of a file one finding shows, control characters escaped,
/// with the row the window starts at: miette only ever sees (and scans)
/// this, so rendering a finding costs the size of its snippet, not of its
/// file.
struct Snippet {
    name: String,
    text: String,
    /// 0-based line of the file where `text` starts.
    first_line: usize,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// A file read once for all its findings, with its line index.
struct File {
    text: String,
    index: LineIndex,
}

impl File {
    fn new(text: String) -> Self {
        let index = LineIndex::from_source_text(&text);
        File { text, index }
    }

    /// 0-based line of a byte offset.
    fn line(&self, offset: usize) -> usize {
        self.index
            .line_index(TextSize::try_from(offset).unwrap_or_default())
            .to_zero_indexed()
    }

    fn line_start(&self, line: usize) -> usize {
        self.index
            .line_start(
                ruff_source_file::OneIndexed::from_zero_indexed(line),
                &self.text,
            )
            .to_usize()
    }

    /// The window `[lo, hi)` and two lines around it (miette shows one of
    /// them; reading a span at the very end of its text, it would not merge
    /// nearby labels as it does in the whole file), clipped on long lines,
    /// escaped; `map` turns an offset of the file into one of
    /// the snippet.
    fn snippet(&self, name: String, lo: usize, hi: usize) -> (Snippet, impl Fn(usize) -> usize) {
        let text = self.text.as_str();
        let (lo_line, hi_line) = (self.line(lo), self.line(hi));
        let mut start = self.line_start(lo_line.saturating_sub(2));
        let last_line = self.index.line_count().saturating_sub(1);
        let mut end = if hi_line + 3 > last_line {
            text.len()
        } else {
            self.line_start(hi_line + 3)
        };
        if lo.saturating_sub(start) > CLIP {
            start = floor_boundary(text, lo - CLIP);
        }
        if end.saturating_sub(hi) > CLIP {
            end = ceil_boundary(text, hi + CLIP);
        }
        let window = &text[start..end];
        // Offsets in the window of each escaped character, and how much
        // longer the text is after it.
        let mut shifts: Vec<(usize, usize)> = Vec::new();
        let mut escaped = String::with_capacity(window.len());
        let mut chars = window.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '\n' | '\t' => escaped.push(c),
                // CRLF stays a line break; a lone CR is one for Python (and
                // the rows we print), so it becomes one here too.
                '\r' if chars.peek().is_some_and(|(_, n)| *n == '\n') => escaped.push(c),
                '\r' => escaped.push('\n'),
                c if is_unsafe(c) => {
                    let before = escaped.len();
                    push_escaped(&mut escaped, c);
                    let grown = escaped.len() - before - c.len_utf8();
                    let total = shifts.last().map_or(0, |s| s.1) + grown;
                    shifts.push((i + c.len_utf8(), total));
                }
                c => escaped.push(c),
            }
        }
        let snippet = Snippet {
            name,
            text: escaped,
            first_line: self.line(start),
        };
        let map = move |offset: usize| {
            let offset = offset.clamp(start, end) - start;
            let at = shifts.partition_point(|(after, _)| *after <= offset);
            offset + if at == 0 { 0 } else { shifts[at - 1].1 }
        };
        (snippet, map)
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

pub fn render(result: &CheckResult, options: &RenderOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(120)
        .with_links(false)
        .with_context_lines(1)
        // Our source name already carries row:column in characters; miette
        // would append its own, counted in bytes.
        .without_primary_span_start();
    // Only files with findings are read again, each once.
    let mut sources: FxHashMap<&std::path::Path, File> = FxHashMap::default();
    let mut out = String::new();
    for d in &result.diagnostics {
        let file = sources.entry(d.path.as_path()).or_insert_with(|| {
            File::new(read_source(&d.path).map(|s| s.text).unwrap_or_default())
        });
        let f = &d.finding;
        let len = file.text.len();
        let bounds = |s: &crate::report::Span| {
            let start = floor_boundary(&file.text, (s.start as usize).min(len));
            let end = ceil_boundary(&file.text, (s.end as usize).clamp(start, len));
            (start, end)
        };
        let spans: Vec<(usize, usize)> = if f.labels.is_empty() {
            vec![bounds(&f.span)]
        } else {
            f.labels.iter().map(|l| bounds(&l.span)).collect()
        };
        let lo = spans.iter().map(|s| s.0).min().unwrap_or(0);
        let hi = spans.iter().map(|s| s.1).max().unwrap_or(0);
        let name = format!(
            "{}:{}:{}",
            display_path(&d.path, &options.cwd),
            f.span.location.row,
            f.span.location.column
        );
        let (snippet, map) = file.snippet(name, lo, hi);
        let span = |(start, end): (usize, usize)| {
            let start = map(start);
            SourceSpan::new(start.into(), map(end).saturating_sub(start))
        };
        let labels = if f.labels.is_empty() {
            vec![LabeledSpan::new_primary_with_span(None, span(spans[0]))]
        } else {
            f.labels
                .iter()
                .zip(&spans)
                .enumerate()
                .map(|(i, (l, s))| {
                    let message = Some(escape_control(&l.message).into_owned());
                    if i == 0 {
                        LabeledSpan::new_primary_with_span(message, span(*s))
                    } else {
                        LabeledSpan::new_with_span(message, span(*s))
                    }
                })
                .collect()
        };
        let help = match &f.fix {
            Some(fix) => format!(
                "{} (fix available); {}",
                escape_control(&fix.message),
                rule_hint(f.rule.code())
            ),
            None => rule_hint(f.rule.code()),
        };
        let report = Report {
            finding: f,
            message: escape_control(&f.message).into_owned(),
            help,
            source: snippet,
            labels,
        };
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, &report).is_err() {
            rendered = format!(
                "{}: {} {}\n",
                report.source.name,
                f.rule.code(),
                report.message
            );
        }
        out.push_str(&rendered);
        out.push('\n');
    }
    out
}
