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
}

/// What suppressed a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuppressedBy {
    File,
    /// The index of the line comment in [`Suppressions::lines`].
    Line(usize),
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
            if let Some(codes) = parse_file_exemption(comment) {
                out.file = Some(match (out.file.take(), codes) {
                    (Some(Codes::All), _) | (_, Codes::All) => Codes::All,
                    (Some(Codes::Some(mut a)), Codes::Some(b)) => {
                        a.extend(b);
                        Codes::Some(a)
                    }
                    (None, codes) => codes,
                });
            } else if let Some(codes) = parse_line_noqa(comment) {
                out.lines.push(LineNoqa {
                    row: locator.row(range.start()),
                    codes,
                    span: locator.span(range),
                });
            }
        }
        out
    }

    pub fn suppresses(&self, rule: Rule, row: u32, noqa_row: u32) -> bool {
        self.suppressed_by(rule, row, noqa_row).is_some()
    }

    /// The comment that suppresses `rule` reported at `row` (its statement
    /// ending on `noqa_row`), if any: the file exemption, else the comment
    /// on the first row, else the one on the statement's last row.
    pub fn suppressed_by(&self, rule: Rule, row: u32, noqa_row: u32) -> Option<SuppressedBy> {
        if rule == Rule::SyntaxError {
            return None;
        }
        if self.file.as_ref().is_some_and(|c| c.covers(rule)) {
            return Some(SuppressedBy::File);
        }
        [row, noqa_row]
            .into_iter()
            .filter_map(|r| self.line(r))
            .find(|&i| self.lines[i].codes.covers(rule))
            .map(SuppressedBy::Line)
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
    let lower = comment.to_ascii_lowercase();
    let at = lower.find("pitfalls:")?;
    let rest = comment[at + "pitfalls:".len()..].trim_start();
    if !rest.get(..4)?.eq_ignore_ascii_case("noqa") {
        return None;
    }
    Some(parse_codes(&rest[4..]))
}

/// `# noqa` or `# noqa: CODE[, CODE]`, anywhere in the comment
/// (`# type: ignore  # noqa: PF101`).
fn parse_line_noqa(comment: &str) -> Option<Codes> {
    let lower = comment.to_ascii_lowercase();
    let mut search = 0;
    while let Some(found) = lower[search..].find("noqa") {
        let at = search + found;
        let before = lower[..at].trim_end_matches([' ', '\t']);
        if before.ends_with('#') {
            let after = &comment[at + 4..];
            // `# noqaxyz` is not a noqa comment.
            if after
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_alphanumeric())
            {
                return Some(parse_codes(after));
            }
        }
        search = at + 4;
    }
    None
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
    fn parses_file_exemption() {
        assert_eq!(parse_file_exemption("# pitfalls: noqa"), Some(Codes::All));
        assert_eq!(
            parse_file_exemption("# pitfalls: NOQA: PF500"),
            Some(Codes::Some(vec!["PF500".into()]))
        );
        assert_eq!(parse_file_exemption("# noqa"), None);
    }
}
