//! `# noqa` comments, read from the parser's comment tokens so that
//! `"# noqa"` inside a string suppresses nothing.

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::registry::Rule;
use crate::source::Locator;
use crate::span::Span;

/// What one noqa comment covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Codes {
    All,
    /// Upper-case codes; rule names are turned into their codes. Codes of
    /// other tools (`E501`) are kept so a shared comment works.
    Some(Vec<String>),
}

impl Codes {
    pub fn covers(&self, rule: Rule) -> bool {
        match self {
            Codes::All => true,
            Codes::Some(codes) => codes.iter().any(|c| c == rule.code()),
        }
    }
}

/// One `# noqa` comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineNoqa {
    pub row: u32,
    pub codes: Codes,
    /// The whole comment (PF002 reports it).
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppressions {
    /// `# pitfalls: noqa[: CODES]` anywhere in the file.
    pub file: Option<Codes>,
    /// The line comments, sorted by row.
    pub lines: Vec<LineNoqa>,
    /// Other tools' suppressions of the same problems as ours (CLI.md,
    /// "Suppression"), sorted by row; applied only with `external-noqa`.
    #[serde(default)]
    pub external: Vec<ExternalNoqa>,
}

/// A line where another tool's suppression silences some of our rules:
/// `# noqa: ASYNC251`, `# pylint: disable=dangerous-default-value`,
/// `# type: ignore[unused-coroutine]`, `# pyright: ignore[reportUnusedCoroutine]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalNoqa {
    pub row: u32,
    /// Our codes, as strings: a mapped rule that is not registered yet
    /// (PF504) works the day it lands.
    pub codes: Vec<String>,
}

/// What suppressed a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuppressedBy {
    File,
    /// The index of the line comment in [`Suppressions::lines`].
    Line(usize),
    /// Another tool's suppression on the line (`external-noqa`).
    External,
}

impl Suppressions {
    pub fn from_comments(
        locator: &Locator,
        comments: impl Iterator<Item = ruff_text_size::TextRange>,
    ) -> Self {
        let mut out = Suppressions::default();
        let text = locator.text();
        for range in comments {
            let comment = &text[range];
            if !may_hold_directive(comment) {
                continue;
            }
            if let Some(codes) = parse_file_exemption(comment) {
                out.file = Some(match (out.file.take(), codes) {
                    (Some(Codes::All), _) | (_, Codes::All) => Codes::All,
                    (Some(Codes::Some(mut a)), Codes::Some(b)) => {
                        a.extend(b);
                        Codes::Some(a)
                    }
                    (None, codes) => codes,
                });
                continue;
            }
            let noqa = parse_line_noqa(comment);
            let external = external_suppressions(comment, noqa.as_ref());
            if noqa.is_none() && external.is_empty() {
                continue;
            }
            let row = locator.row(range.start());
            if let Some(codes) = noqa {
                out.lines.push(LineNoqa {
                    row,
                    codes,
                    span: locator.span(range),
                });
            }
            for (offset, codes) in external {
                out.external.push(ExternalNoqa {
                    row: row + offset,
                    codes,
                });
            }
        }
        out.external.sort_by_key(|e| e.row);
        out
    }

    pub fn suppresses(&self, rule: Rule, row: u32, noqa_row: u32, external: bool) -> bool {
        self.suppressed_by(rule, row, noqa_row, external).is_some()
    }

    /// The comment that suppresses `rule` reported at `row` (its statement
    /// ending on `noqa_row`), if any: the file exemption, else the comment
    /// on the first row, else the one on the statement's last row, else
    /// (with `external`) another tool's suppression on one of those rows.
    pub fn suppressed_by(
        &self,
        rule: Rule,
        row: u32,
        noqa_row: u32,
        external: bool,
    ) -> Option<SuppressedBy> {
        if rule == Rule::SyntaxError {
            return None;
        }
        if self.file.as_ref().is_some_and(|c| c.covers(rule)) {
            return Some(SuppressedBy::File);
        }
        let line = [row, noqa_row]
            .into_iter()
            .filter_map(|r| self.line(r))
            .find(|&i| self.lines[i].codes.covers(rule))
            .map(SuppressedBy::Line);
        if line.is_some() || !external {
            return line;
        }
        let code = rule.code();
        [row, noqa_row]
            .into_iter()
            .any(|r| {
                let i = self.external.partition_point(|e| e.row < r);
                self.external[i..]
                    .iter()
                    .take_while(|e| e.row == r)
                    .any(|e| e.codes.iter().any(|c| c == code))
            })
            .then_some(SuppressedBy::External)
    }

    fn line(&self, row: u32) -> Option<usize> {
        let i = self.lines.partition_point(|l| l.row < row);
        self.lines.get(i).filter(|l| l.row == row).map(|_| i)
    }

    /// PF002: the pitfalls codes (`PF…`) of each `# noqa: CODES` comment
    /// that suppressed nothing, given what each comment did suppress
    /// (`used`: comment index and rule). Codes of other tools (`E501`) and
    /// blanket `# noqa` comments are left alone: they may serve another
    /// linter. A comment that lists PF002 itself, or a file exemption
    /// covering PF002, keeps it quiet.
    pub fn unused(&self, used: &[(usize, Rule)]) -> Vec<Finding> {
        if self
            .file
            .as_ref()
            .is_some_and(|c| c.covers(Rule::UnusedNoqa))
        {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            let Codes::Some(codes) = &line.codes else {
                continue;
            };
            if codes.iter().any(|c| c == Rule::UnusedNoqa.code()) {
                continue;
            }
            let mut unknown = Vec::new();
            let mut unused = Vec::new();
            for code in codes {
                if !code.starts_with("PF") {
                    continue;
                }
                match Rule::from_code(code) {
                    None => unknown.push(code.as_str()),
                    Some(rule) if !used.contains(&(i, rule)) => unused.push(code.as_str()),
                    Some(_) => {}
                }
            }
            if unused.is_empty() && unknown.is_empty() {
                continue;
            }
            let mut parts = Vec::new();
            if !unused.is_empty() {
                parts.push(format!(
                    "{} suppress{} nothing on this line",
                    unused.join(", "),
                    if unused.len() == 1 { "es" } else { "" }
                ));
            }
            if !unknown.is_empty() {
                parts.push(format!("unknown code {}", unknown.join(", ")));
            }
            out.push(Finding {
                rule: Rule::UnusedNoqa,
                message: format!("unused `noqa` directive: {}", parts.join("; ")),
                span: line.span,
                noqa_row: line.row,
                fix: None,
                labels: Vec::new(),
            });
        }
        out
    }
}

/// `# pitfalls: noqa` or `# pitfalls: noqa: PF500, PF601`.
fn parse_file_exemption(comment: &str) -> Option<Codes> {
    let at = find_ignore_case(comment, "pitfalls:")?;
    let rest = comment[at + "pitfalls:".len()..].trim_start();
    let after = strip_prefix_ignore_case(rest, "noqa")?;
    Some(parse_codes(after))
}

/// Whether `comment` can hold any directive read here: `pitfalls:`,
/// `pylint:`, `type:` and `pyright:` have a colon, `noqa` a `q`. Most
/// comments have neither and are passed over in one scan (the parsers below
/// scanned every comment of every file three times: skipping them saved
/// 1.7% of the standard library's instructions).
fn may_hold_directive(comment: &str) -> bool {
    memchr::memchr3(b':', b'q', b'Q', comment.as_bytes()).is_some()
}

/// `# noqa` or `# noqa: CODE[, CODE]`, anywhere in the comment
/// (`# type: ignore  # noqa: PF101`).
fn parse_line_noqa(comment: &str) -> Option<Codes> {
    after_hashes(comment).find_map(|rest| {
        let after = strip_prefix_ignore_case(rest, "noqa")?;
        // `# noqaxyz` is not a noqa comment.
        after
            .chars()
            .next()
            .is_none_or(|c| !c.is_ascii_alphanumeric())
            .then(|| parse_codes(after))
    })
}

/// The text after each `#` of a comment and the spaces and tabs after it:
/// where a directive (`noqa`, `pylint:`, `type:`) can start. Comments are
/// scanned for every file: no allocation, no substring search.
fn after_hashes(comment: &str) -> impl Iterator<Item = &str> {
    comment
        .match_indices('#')
        .map(|(at, _)| comment[at + 1..].trim_start_matches([' ', '\t']))
}

/// The first `needle` (ASCII, any case) in `hay`.
fn find_ignore_case(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let first = *n.first()?;
    (0..(h.len() + 1).saturating_sub(n.len()))
        .find(|&i| h[i].eq_ignore_ascii_case(&first) && h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// For `--add-noqa`: in a comment holding `# noqa: CODES`, the byte offset
/// just past its last code (where `, MORE` goes) and the codes; `None` for a
/// comment with no noqa, or with a blanket one.
pub fn codes_insertion_point(comment: &str) -> Option<(usize, Vec<String>)> {
    let lower = comment.to_ascii_lowercase();
    let mut search = 0;
    while let Some(found) = lower[search..].find("noqa") {
        let at = search + found;
        let before = lower[..at].trim_end_matches([' ', '\t']);
        let after = &comment[at + 4..];
        if before.ends_with('#')
            && after
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_alphanumeric())
        {
            let Codes::Some(codes) = parse_codes(after) else {
                return None;
            };
            // Walk the same tokens as `parse_codes` to find the last one's end.
            let colon = at + 4 + after.find(':')?;
            let mut end = colon + 1;
            let mut offset = colon + 1;
            for token in
                comment[colon + 1..].split_inclusive(|c: char| c == ',' || c.is_whitespace())
            {
                let word = token.trim_end_matches(|c: char| c == ',' || c.is_whitespace());
                if !word.is_empty() {
                    if Rule::from_name(word).is_none() && !looks_like_code(word) {
                        break;
                    }
                    end = offset + word.len();
                }
                offset += token.len();
            }
            return Some((end, codes));
        }
        search = at + 4;
    }
    None
}

/// Our codes silenced by another tool's code in a `# noqa: …` list (Ruff,
/// flake8-async, flake8-bugbear, flake8-simplify, flake8-comprehensions,
/// refurb), by code string.
fn noqa_equivalents(code: &str) -> &'static [&'static str] {
    match code {
        "ASYNC251" => &["PF101"],
        "ASYNC210" | "ASYNC212" => &["PF102"],
        "ASYNC220" | "ASYNC221" | "ASYNC222" => &["PF103"],
        "ASYNC230" => &["PF104"],
        "ASYNC250" => &["PF105"],
        "ASYNC103" | "ASYNC104" => &["PF109"],
        "RUF006" | "ASYNC300" => &["PF108"],
        "B019" => &["PF600"],
        "B006" => &["PF601"],
        "SIM115" => &["PF400", "PF401"],
        "C419" => &["PF500", "PF504"],
        "FURB129" => &["PF501"],
        _ => &[],
    }
}

/// Our codes silenced by a pylint message, by symbol or message id.
fn pylint_equivalents(message: &str) -> &'static [&'static str] {
    match message.to_ascii_lowercase().as_str() {
        "consider-using-with" | "r1732" => &["PF400", "PF401"],
        "dangerous-default-value" | "w0102" => &["PF601"],
        "method-cache-max-size-none" | "w1518" => &["PF600"],
        "use-a-generator" | "r1729" => &["PF500"],
        _ => &[],
    }
}

/// Our codes silenced by a mypy or pyright error code.
fn type_checker_equivalents(code: &str) -> &'static [&'static str] {
    match code {
        "unused-coroutine" | "reportUnusedCoroutine" => &["PF100"],
        _ => &[],
    }
}

/// Other tools' suppressions in one comment (whose `# noqa` codes are
/// `noqa`): (row offset, our codes). `# pylint: disable-next=…` applies to
/// the next line, everything else to the comment's own line. A pylint
/// `disable` alone on its line (which pylint applies to the rest of the
/// block) only covers that line here.
fn external_suppressions(comment: &str, noqa: Option<&Codes>) -> Vec<(u32, Vec<String>)> {
    let mut same_line: Vec<&str> = Vec::new();
    let mut next_line: Vec<&str> = Vec::new();
    if let Some(Codes::Some(codes)) = noqa {
        for code in codes {
            same_line.extend(noqa_equivalents(code));
        }
    }
    for rest in after_hashes(comment) {
        if let Some(after) = strip_prefix_ignore_case(rest, "pylint:") {
            let after = after.trim_start();
            let (next, rest) = if let Some(rest) = strip_prefix_ignore_case(after, "disable-next") {
                (true, rest)
            } else if let Some(rest) = strip_prefix_ignore_case(after, "disable") {
                (false, rest)
            } else {
                continue;
            };
            let Some(list) = rest.trim_start().strip_prefix('=') else {
                continue;
            };
            let list = list.split(['#', ';']).next().unwrap_or_default();
            let target = if next { &mut next_line } else { &mut same_line };
            for message in list.split(',').map(str::trim) {
                target.extend(pylint_equivalents(message));
            }
        } else if let Some(after) = strip_prefix_ignore_case(rest, "type:")
            .or_else(|| strip_prefix_ignore_case(rest, "pyright:"))
        {
            let Some(rest) = strip_prefix_ignore_case(after.trim_start(), "ignore") else {
                continue;
            };
            let Some(list) = rest.strip_prefix('[') else {
                continue;
            };
            let list = list.split(']').next().unwrap_or_default();
            for code in list.split(',').map(str::trim) {
                same_line.extend(type_checker_equivalents(code));
            }
        }
    }
    let mut out = Vec::new();
    for (offset, mut codes) in [(0, same_line), (1, next_line)] {
        codes.sort_unstable();
        codes.dedup();
        if !codes.is_empty() {
            out.push((offset, codes.into_iter().map(str::to_string).collect()));
        }
    }
    out
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn parse_codes(after: &str) -> Codes {
    let Some(list) = after.trim_start().strip_prefix(':') else {
        return Codes::All;
    };
    let mut codes = Vec::new();
    for token in list
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        if let Some(rule) = Rule::from_name(token) {
            codes.push(rule.code().to_string());
        } else if looks_like_code(token) {
            codes.push(token.to_ascii_uppercase());
        } else {
            break;
        }
    }
    if codes.is_empty() {
        Codes::All
    } else {
        Codes::Some(codes)
    }
}

fn looks_like_code(token: &str) -> bool {
    let letters = token
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    letters > 0 && token.len() > letters && token[letters..].chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(s: &str) -> Option<Codes> {
        parse_line_noqa(s)
    }

    #[test]
    fn parses_noqa_spellings() {
        assert_eq!(codes("# noqa"), Some(Codes::All));
        assert_eq!(codes("#NOQA"), Some(Codes::All));
        assert_eq!(
            codes("# noqa:pf101,PF102"),
            Some(Codes::Some(vec!["PF101".into(), "PF102".into()]))
        );
        assert_eq!(
            codes("# noqa : PF101  PF102 because"),
            Some(Codes::Some(vec!["PF101".into(), "PF102".into()]))
        );
        assert_eq!(
            codes("# noqa: blocking-sleep-in-async"),
            Some(Codes::Some(vec!["PF101".into()]))
        );
        assert_eq!(
            codes("# type: ignore # noqa: E501"),
            Some(Codes::Some(vec!["E501".into()]))
        );
        assert_eq!(codes("# noqanother"), None);
        assert_eq!(codes("# this is not noqa"), None);
    }

    #[test]
    fn finds_where_codes_end() {
        assert_eq!(
            codes_insertion_point("# noqa: PF101 because"),
            Some((13, vec!["PF101".into()]))
        );
        assert_eq!(
            codes_insertion_point("# type: ignore  # noqa:E501,PF101"),
            Some((33, vec!["E501".into(), "PF101".into()]))
        );
        assert_eq!(codes_insertion_point("# noqa"), None);
        assert_eq!(codes_insertion_point("# just a comment"), None);
    }

    #[test]
    fn parses_other_tools_suppressions() {
        let ours = |s: &str| external_suppressions(s, parse_line_noqa(s).as_ref());
        let one = |codes: &[&str]| vec![(0, codes.iter().map(|c| c.to_string()).collect())];
        assert_eq!(ours("# noqa: ASYNC251"), one(&["PF101"]));
        assert_eq!(ours("# noqa:c419"), one(&["PF500", "PF504"]));
        assert_eq!(ours("# noqa: E501, SIM115"), one(&["PF400", "PF401"]));
        assert_eq!(ours("# noqa"), vec![]);
        assert_eq!(ours("# noqa: E501"), vec![]);
        assert_eq!(
            ours("# pylint: disable=unused-import, dangerous-default-value"),
            one(&["PF601"])
        );
        assert_eq!(ours("# pylint:disable = R1732"), one(&["PF400", "PF401"]));
        assert_eq!(
            ours("# pylint: disable-next=method-cache-max-size-none"),
            vec![(1, vec!["PF600".to_string()])]
        );
        assert_eq!(ours("# pylint: enable=use-a-generator"), vec![]);
        assert_eq!(ours("# type: ignore[unused-coroutine]"), one(&["PF100"]));
        assert_eq!(ours("# type: ignore"), vec![]);
        assert_eq!(ours("# type: ignore[attr-defined]"), vec![]);
        assert_eq!(
            ours("# pyright: ignore[reportGeneralTypeIssues, reportUnusedCoroutine]"),
            one(&["PF100"])
        );
        assert_eq!(
            ours("# noqa: B006  # pylint: disable=use-a-generator"),
            one(&["PF500", "PF601"])
        );
        // Not a directive: the word in prose.
        assert_eq!(
            ours("# see pylint: disable=dangerous-default-value"),
            vec![]
        );
    }

    #[test]
    fn every_directive_passes_the_quick_filter() {
        for comment in [
            "# noqa",
            "# NOQA",
            "# noqa: PF101",
            "#noqa",
            "# pitfalls: noqa",
            "# pylint: disable=unused-variable",
            "# pylint: disable-next=w1518",
            "# type: ignore[unused-coroutine]",
            "# pyright: ignore[reportUnusedCoroutine]",
        ] {
            assert!(may_hold_directive(comment), "{comment}");
        }
        // A comment that fails the filter holds no directive: the parsers
        // agree.
        for comment in [
            "# an ordinary remark",
            "#",
            "# TODO fix this",
            "## no-op, see below",
        ] {
            assert!(!may_hold_directive(comment), "{comment}");
            assert!(parse_file_exemption(comment).is_none());
            assert!(parse_line_noqa(comment).is_none());
            assert!(external_suppressions(comment, None).is_empty());
        }
    }

    #[test]
    fn parses_file_exemption() {
        assert_eq!(parse_file_exemption("# pitfalls: noqa"), Some(Codes::All));
        assert_eq!(
            parse_file_exemption("# pitfalls: NOQA: PF500"),
            Some(Codes::Some(vec!["PF500".into()]))
        );
        assert_eq!(parse_file_exemption("# noqa"), None);
    }
}
