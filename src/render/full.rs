//! `full`: a miette report per finding — code, message, file:line:col, the
//! snippet with the span underlined, a help line — then a summary.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};
use rustc_hash::FxHashMap;

use crate::finding::Finding;
use crate::pipeline::CheckResult;
use crate::render::{RenderOptions, display_path, rule_hint};
use crate::source::read_source;

struct Report<'a> {
    finding: &'a Finding,
    help: String,
    source: NamedSource<String>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
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

pub fn render(result: &CheckResult, options: &RenderOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(120)
        .with_links(false)
        // Our source name already carries row:column in characters; miette
        // would append its own, counted in bytes.
        .without_primary_span_start();
    // Only files with findings are read again, each once.
    let mut sources: FxHashMap<&std::path::Path, String> = FxHashMap::default();
    let mut out = String::new();
    for d in &result.diagnostics {
        let text = sources
            .entry(d.path.as_path())
            .or_insert_with(|| read_source(&d.path).map(|s| s.text).unwrap_or_default());
        let f = &d.finding;
        let len = text.len();
        let span = |s: &crate::span::Span| {
            let start = (s.start as usize).min(len);
            SourceSpan::new(
                start.into(),
                (s.end as usize).min(len).saturating_sub(start),
            )
        };
        let labels = if f.labels.is_empty() {
            vec![LabeledSpan::new_primary_with_span(None, span(&f.span))]
        } else {
            f.labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let labeled =
                        LabeledSpan::new_with_span(Some(l.message.clone()), span(&l.span));
                    if i == 0 {
                        LabeledSpan::new_primary_with_span(Some(l.message.clone()), span(&l.span))
                    } else {
                        labeled
                    }
                })
                .collect()
        };
        let help = match &f.fix {
            Some(fix) => format!(
                "{} (fix available); {}",
                fix.message,
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
            help,
            source: NamedSource::new(name, text.clone()).with_language("python"),
            labels,
        };
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, &report).is_err() {
            rendered = format!(
                "{}: {} {}\n",
                report.source.name(),
                f.rule.code(),
                f.message
            );
        }
        out.push_str(&rendered);
        out.push('\n');
    }
    out
}
