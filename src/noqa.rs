//! `# noqa` comments, read from the parser's comment tokens so that
//! `"# noqa"` inside a string suppresses nothing.

use serde::{Deserialize, Serialize};

use crate::rules::Rule;
use crate::source::Locator;

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

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppressions {
    /// `# pitfalls: noqa[: CODES]` anywhere in the file.
    pub file: Option<Codes>,
    /// `(row, codes)`, sorted by row.
    pub lines: Vec<(u32, Codes)>,
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
                out.lines.push((locator.row(range.start()), codes));
            }
        }
        out
    }

    pub fn suppresses(&self, rule: Rule, row: u32, noqa_row: u32) -> bool {
        if rule == Rule::SyntaxError {
            return false;
        }
        if self.file.as_ref().is_some_and(|c| c.covers(rule)) {
            return true;
        }
        self.line(row).is_some_and(|c| c.covers(rule))
            || (noqa_row != row && self.line(noqa_row).is_some_and(|c| c.covers(rule)))
    }

    fn line(&self, row: u32) -> Option<&Codes> {
        let i = self.lines.partition_point(|(r, _)| *r < row);
        self.lines.get(i).filter(|(r, _)| *r == row).map(|(_, c)| c)
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
    fn parses_file_exemption() {
        assert_eq!(parse_file_exemption("# pitfalls: noqa"), Some(Codes::All));
        assert_eq!(
            parse_file_exemption("# pitfalls: NOQA: PF500"),
            Some(Codes::Some(vec!["PF500".into()]))
        );
        assert_eq!(parse_file_exemption("# noqa"), None);
    }
}
