//! Text from a user's repository (source lines, paths, messages that quote
//! code) must not reach a terminal, a CI log or a report as raw control
//! characters: a NUL, an ANSI escape sequence or a bidirectional override
//! in a file would otherwise be replayed by whoever reads the output.

use std::borrow::Cow;

/// Characters that are shown escaped: C0 controls (tab and newline too),
/// DEL, C1 controls (U+009B is a one-character CSI for some terminals),
/// the bidirectional formatting characters ("Trojan Source") and the Unicode
/// line and paragraph separators.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// Appends the visible escape of `c`: `\0`, `\t`, `\n`, `\r`, `\x1b`,
/// `\u{202e}`.
pub fn push_escaped(out: &mut String, c: char) {
    use std::fmt::Write;
    match c {
        '\0' => out.push_str("\\0"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// `s` with every unsafe character escaped (one-line text: messages, paths).
pub fn escape_control(s: &str) -> Cow<'_, str> {
    escape_except(s, |_| false)
}

/// `s` with every unsafe character escaped except those `keep` accepts.
pub fn escape_except(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) && !keep(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Serialized JSON with the unsafe characters serde leaves raw (DEL, C1,
/// bidirectional controls; it escapes C0 itself) written as `\uXXXX`: the
/// same JSON value, no raw control character.
pub fn escape_json(json: String) -> String {
    if !json.chars().any(is_unsafe) {
        return json;
    }
    use std::fmt::Write;
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe(c) {
            // Outside strings JSON has only ASCII punctuation and
            // whitespace, which serde writes as spaces and `\n`.
            if c == '\n' {
                out.push(c);
            } else {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_visibly() {
        assert_eq!(
            escape_control("a\0b\x1b[31mc\td\ne\u{7f}\u{9b}\u{202e}"),
            "a\\0b\\x1b[31mc\\td\\ne\\x7f\\u{9b}\\u{202e}"
        );
        assert!(matches!(escape_control("plain é"), Cow::Borrowed(_)));
        assert_eq!(escape_except("a\tb\0", |c| c == '\t'), "a\tb\\0");
    }

    #[test]
    fn json_stays_the_same_value() {
        let value = serde_json::json!({"m": "x\u{9b}y\u{202e}\u{0}\n"});
        let text = escape_json(serde_json::to_string_pretty(&value).unwrap());
        assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n'), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
