//! `full`: a miette report per finding — code, message, file:line:col, the
//! snippet with the span underlined, a help line — then a summary.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use ruff_source_file::LineIndex;
use ruff_text_size::TextSize;

use crate::finding::Finding;
use crate::pipeline::CheckResult;
use crate::render::escape::{escape_control, is_unsafe, push_escaped};
use crate::render::{RenderOptions, display_path, rule_hint};
use crate::source::read_source;

/// Bytes of a long line shown on each side of a span: a 5 MB line is not
/// printed once per finding on it.
const CLIP: usize = 240;

struct Report<'a> {
    finding: &'a Finding,
    message: String,
    help: String,
    source: Source<'a>,
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

/// A file read, escaped and indexed once for all its findings.
struct File {
    /// The text with control characters escaped (a lone CR becomes a line
    /// break, as it is one for Python and for the rows we print).
    text: String,
    /// Offsets (in the original text) just after each escaped character,
    /// and how much longer the escaped text is from there on.
    shifts: Vec<(usize, usize)>,
    original_len: usize,
    index: LineIndex,
}

impl File {
    fn new(original: &str) -> Self {
        let mut shifts: Vec<(usize, usize)> = Vec::new();
        let mut text = String::with_capacity(original.len());
        let mut chars = original.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '\n' | '\t' => text.push(c),
                '\r' if chars.peek().is_some_and(|(_, n)| *n == '\n') => text.push(c),
                '\r' => text.push('\n'),
                c if is_unsafe(c) => {
                    let before = text.len();
                    push_escaped(&mut text, c);
                    let grown = text.len() - before - c.len_utf8();
                    let total = shifts.last().map_or(0, |s| s.1) + grown;
                    shifts.push((i + c.len_utf8(), total));
                }
                c => text.push(c),
            }
        }
        let index = LineIndex::from_source_text(&text);
        File {
            text,
            shifts,
            original_len: original.len(),
            index,
        }
    }

    /// The escaped offset of an offset of the original text.
    fn map(&self, offset: usize) -> usize {
        let offset = offset.min(self.original_len);
        let at = self.shifts.partition_point(|(after, _)| *after <= offset);
        offset + if at == 0 { 0 } else { self.shifts[at - 1].1 }
    }

    /// 0-based line of an offset of the escaped text.
    fn line(&self, offset: usize) -> usize {
        self.index
            .line_index(TextSize::try_from(offset).unwrap_or_default())
            .to_zero_indexed()
    }

    /// Where 0-based `line` starts; the end of the text past the last line.
    fn line_start(&self, line: usize) -> usize {
        if line >= self.index.line_count() {
            return self.text.len();
        }
        self.index
            .line_start(
                ruff_source_file::OneIndexed::from_zero_indexed(line),
                &self.text,
            )
            .to_usize()
    }
}

/// One finding's view of its file: miette reads its spans through the line
/// index, so rendering a finding costs the size of its snippet, not of the
/// file before it (miette's own `str` source scans from the start).
struct Source<'f> {
    file: &'f File,
    name: String,
}

impl SourceCode for Source<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = self.file;
        let text = file.text.as_str();
        let lo = span.offset().min(text.len());
        let hi = (span.offset() + span.len()).clamp(lo, text.len());
        // A window of whole lines around the span, one line wider than the
        // context on each side, clipped on long lines.
        let lo_line = file.line(lo);
        let hi_line = file.line(hi);
        let mut start = file.line_start(lo_line.saturating_sub(context_lines_before + 1));
        let mut end = file.line_start(hi_line + context_lines_after + 2);
        if lo - start > CLIP * (context_lines_before + 2) {
            start = floor_boundary(text, lo - CLIP);
        }
        if end - hi > CLIP * (context_lines_after + 2) {
            end = ceil_boundary(text, hi + CLIP);
        }
        let window = &text[start..end];
        let inner = window.read_span(
            &SourceSpan::new((lo - start).into(), hi - lo),
            context_lines_before,
            context_lines_after,
        )?;
        let data: &'a [u8] = inner.data();
        let (offset, len) = (inner.span().offset() + start, inner.span().len());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(offset.into(), len),
            inner.line() + file.line(start),
            inner.column(),
            inner.line_count(),
        )))
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
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
    // Only files with findings are read again, one at a time: the
    // diagnostics come sorted by path, so each is read once (all packages:
    // holding every one until the end took 3 MB at the run's peak).
    let mut current: Option<(&std::path::Path, File)> = None;
    let mut out = String::new();
    for d in &result.diagnostics {
        let file = match &mut current {
            Some((path, file)) if *path == d.path.as_path() => &*file,
            slot => {
                let text = read_source(&d.path).map(|s| s.text).unwrap_or_default();
                &slot.insert((d.path.as_path(), File::new(&text))).1
            }
        };
        let f = &d.finding;
        let span = |s: &crate::span::Span| {
            let start = file.map(s.start as usize);
            let end = file.map(s.end as usize).max(start);
            SourceSpan::new(start.into(), end - start)
        };
        let labels = if f.labels.is_empty() {
            vec![LabeledSpan::new_primary_with_span(None, span(&f.span))]
        } else {
            f.labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let message = Some(escape_control(&l.message).into_owned());
                    if i == 0 {
                        LabeledSpan::new_primary_with_span(message, span(&l.span))
                    } else {
                        LabeledSpan::new_with_span(message, span(&l.span))
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
        let name = format!(
            "{}:{}:{}",
            display_path(&d.path, &options.cwd),
            f.span.location.row,
            f.span.location.column
        );
        let report = Report {
            finding: f,
            message: escape_control(&f.message).into_owned(),
            help,
            source: Source { file, name },
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Diagnostic;
    use crate::registry::Rule;
    use crate::settings::OutputFormat;
    use crate::span::{Location, Span};

    fn diagnostic(path: &std::path::Path, row: u32, start: u32, message: &str) -> Diagnostic {
        let location = Location { row, column: 1 };
        Diagnostic {
            path: path.to_path_buf(),
            finding: Finding {
                rule: Rule::ALL[0],
                message: message.to_string(),
                span: Span {
                    start,
                    end: start + 4,
                    location,
                    end_location: location,
                },
                noqa_row: row,
                fix: None,
                labels: Vec::new(),
            },
        }
    }

    #[test]
    fn each_snippet_is_of_its_own_file_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.py");
        let b = dir.path().join("b.py");
        std::fs::write(&a, "alpha = 1\n").unwrap();
        std::fs::write(&b, "beta = 2\n").unwrap();
        // Not sorted by path: a file comes back after another.
        let result = CheckResult {
            diagnostics: vec![
                diagnostic(&a, 1, 0, "first in a"),
                diagnostic(&b, 1, 0, "in b"),
                diagnostic(&a, 1, 0, "again in a"),
            ],
            ..Default::default()
        };
        let options = RenderOptions {
            format: OutputFormat::Full,
            color: false,
            quiet: false,
            cwd: dir.path().to_path_buf(),
            fixed: None,
            unsafe_fixes: false,
        };
        let out = render(&result, &options);
        // Each report starts at its message, after the mark `×`.
        let reports: Vec<&str> = out.split('×').skip(1).collect();
        assert_eq!(reports.len(), 3, "{out}");
        for (report, (message, line)) in reports.iter().zip([
            ("first in a", "alpha = 1"),
            ("in b", "beta = 2"),
            ("again in a", "alpha = 1"),
        ]) {
            assert!(report.contains(message), "{report}");
            assert!(report.contains(line), "{report}");
        }
    }
}
