//! Reading a Python file into text: UTF-8 with or without BOM, or the PEP 263
//! encoding its first two lines declare. Positions are converted here too.

use std::path::Path;

use ruff_source_file::LineIndex;
use ruff_text_size::{TextRange, TextSize};

use crate::span::{Location, Span};

#[derive(Debug)]
pub struct SourceText {
    pub text: String,
    pub has_bom: bool,
    /// The declared encoding when it is not UTF-8 (fixes must write it back).
    pub encoding: Option<String>,
}

#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// The bytes are not valid in the file's encoding: CPython refuses such
    /// a file with a `SyntaxError`, so it is a PF001 finding at `line`.
    Decode {
        message: String,
        line: u32,
    },
}

pub fn read_source(path: &Path) -> Result<SourceText, ReadError> {
    let bytes = std::fs::read(path).map_err(ReadError::Io)?;
    decode(bytes)
}

pub fn decode(mut bytes: Vec<u8>) -> Result<SourceText, ReadError> {
    // CPython refuses a NUL byte anywhere, before looking at the encoding.
    if let Some(at) = memchr_nul(&bytes) {
        return Err(ReadError::Decode {
            message: "source code string cannot contain null bytes".to_string(),
            line: line_of(&bytes, at),
        });
    }
    let has_bom = bytes.starts_with(b"\xEF\xBB\xBF");
    if has_bom {
        bytes.drain(..3);
    }
    let declared = coding_declaration(&bytes);
    if has_bom
        && let Some(declared) = &declared
        && normal_name(declared) != "utf-8"
    {
        // CPython: a BOM says UTF-8; a coding line saying otherwise is an error.
        return Err(ReadError::Decode {
            message: format!("encoding problem: {} with BOM", normal_name(declared)),
            line: 1,
        });
    }
    let label = declared.as_deref().map(normalize_label);
    match label.as_deref() {
        None | Some("utf-8") | Some("utf8") | Some("utf-8-sig") => match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceText {
                text,
                has_bom,
                encoding: None,
            }),
            Err(err) => {
                let valid = err.utf8_error().valid_up_to();
                let bytes = err.into_bytes();
                let line = line_of(&bytes, valid);
                Err(ReadError::Decode {
                    message: format!(
                        "Non-UTF-8 code starting with '\\x{:02x}' on line {line}, but no encoding declared",
                        bytes[valid]
                    ),
                    line,
                })
            }
        },
        Some(label) if is_latin1(label) => Ok(SourceText {
            // ISO-8859-1 maps each byte to the code point of the same value
            // (encoding_rs treats the label as windows-1252, which differs).
            text: bytes.iter().map(|&b| b as char).collect(),
            has_bom,
            encoding: declared,
        }),
        Some("ascii" | "us-ascii" | "646" | "us") => match bytes.iter().position(|b| !b.is_ascii())
        {
            None => Ok(SourceText {
                text: String::from_utf8(bytes).expect("ASCII is UTF-8"),
                has_bom,
                encoding: declared,
            }),
            Some(at) => Err(ReadError::Decode {
                message: format!(
                    "'ascii' codec can't decode byte 0x{:02x} in position {at}: ordinal not in range(128)",
                    bytes[at]
                ),
                line: line_of(&bytes, at),
            }),
        },
        Some(label) => {
            let Some(encoding) = encoding_rs::Encoding::for_label(label.as_bytes()) else {
                return Err(ReadError::Decode {
                    message: format!("unknown encoding: {}", declared.unwrap_or_default()),
                    line: 1,
                });
            };
            match encoding.decode_without_bom_handling_and_without_replacement(&bytes) {
                Some(text) => Ok(SourceText {
                    text: text.into_owned(),
                    has_bom,
                    encoding: declared,
                }),
                None => Err(ReadError::Decode {
                    message: format!(
                        "'{}' codec can't decode the file",
                        declared.unwrap_or_default()
                    ),
                    line: 1,
                }),
            }
        }
    }
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    // Every file is scanned: the vectorized search, not a byte loop.
    memchr::memchr(0, bytes)
}

/// CPython's `get_normal_name` (Parser/tokenizer.c): the name a coding
/// line's encoding is reported under.
fn normal_name(declared: &str) -> &str {
    let lower: String = declared
        .chars()
        .take(12)
        .map(|c| {
            if c == '_' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    if lower == "utf-8" || lower.starts_with("utf-8-") {
        "utf-8"
    } else if ["latin-1", "iso-8859-1", "iso-latin-1"]
        .iter()
        .any(|n| lower == *n || lower.starts_with(&format!("{n}-")))
    {
        "iso-8859-1"
    } else {
        declared
    }
}

fn line_of(bytes: &[u8], offset: usize) -> u32 {
    bytes[..offset].iter().filter(|&&b| b == b'\n').count() as u32 + 1
}

fn normalize_label(label: &str) -> String {
    label.trim().to_ascii_lowercase().replace('_', "-")
}

pub(crate) fn is_latin1(label: &str) -> bool {
    matches!(
        label,
        "latin-1"
            | "latin1"
            | "iso-8859-1"
            | "iso8859-1"
            | "l1"
            | "iso-latin-1"
            | "8859"
            | "cp819"
            | "latin"
    ) || label.starts_with("iso-8859-1-")
}

/// PEP 263: `^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)` on line 1, or on line 2
/// when line 1 is a comment or blank.
fn coding_declaration(bytes: &[u8]) -> Option<String> {
    let mut lines = bytes.split(|&b| b == b'\n').take(2);
    let first = lines.next()?;
    if let Some(enc) = coding_in_line(first) {
        return Some(enc);
    }
    let first_trimmed: Vec<u8> = first
        .iter()
        .copied()
        .filter(|b| !b" \t\x0c\r".contains(b))
        .collect();
    if !(first_trimmed.is_empty() || first_trimmed.starts_with(b"#")) {
        return None;
    }
    coding_in_line(lines.next()?)
}

fn coding_in_line(line: &[u8]) -> Option<String> {
    let start = line.iter().position(|b| !b" \t\x0c".contains(b))?;
    if line[start] != b'#' {
        return None;
    }
    let comment = &line[start..];
    let at = comment.windows(6).position(|w| w == b"coding")?;
    let rest = &comment[at + 6..];
    if !matches!(rest.first(), Some(b':' | b'=')) {
        return None;
    }
    let rest = &rest[1..];
    let rest = &rest[rest
        .iter()
        .position(|b| !b" \t".contains(b))
        .unwrap_or(rest.len())..];
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || b"-_.".contains(b)))
        .unwrap_or(rest.len());
    (end > 0).then(|| String::from_utf8_lossy(&rest[..end]).into_owned())
}

/// Converts byte offsets into the user's rows and character columns.
pub struct Locator<'a> {
    text: &'a str,
    index: LineIndex,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            index: LineIndex::from_source_text(text),
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    pub fn location(&self, offset: TextSize) -> Location {
        let lc = self.index.line_column(offset, self.text);
        Location {
            row: lc.line.get() as u32,
            column: lc.column.get() as u32,
        }
    }

    pub fn row(&self, offset: TextSize) -> u32 {
        self.index.line_index(offset).get() as u32
    }

    pub fn span(&self, range: TextRange) -> Span {
        Span {
            start: range.start().to_u32(),
            end: range.end().to_u32(),
            location: self.location(range.start()),
            end_location: self.location(range.end()),
        }
    }
}

/// The line ending a file uses (for inserted lines): CRLF when its first
/// line ends so.
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_line_endings() {
        assert_eq!(line_ending("a\r\nb\r\n"), "\r\n");
        assert_eq!(line_ending("a\nb\r\n"), "\n");
        assert_eq!(line_ending("a"), "\n");
    }

    #[test]
    fn decodes_latin1_with_coding_line() {
        let src = b"# -*- coding: latin-1 -*-\nname = '\xe9t\xe9'\n".to_vec();
        let s = decode(src).unwrap();
        assert_eq!(s.text.lines().nth(1), Some("name = 'été'"));
        assert_eq!(s.encoding.as_deref(), Some("latin-1"));
    }

    #[test]
    fn decodes_koi8r_on_second_line() {
        let src = b"#!/usr/bin/env python\n# vim: set fileencoding=koi8-r :\nx = '\xc1'\n".to_vec();
        let s = decode(src).unwrap();
        assert!(s.text.contains("x = 'а'"), "{}", s.text);
    }

    #[test]
    fn coding_line_on_line_two_needs_comment_on_line_one() {
        let src = b"x = 1\n# coding: latin-1\ny = '\xe9'\n".to_vec();
        match decode(src) {
            Err(ReadError::Decode { line, .. }) => assert_eq!(line, 3),
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    fn decode_error(bytes: &[u8]) -> (String, u32) {
        match decode(bytes.to_vec()) {
            Err(ReadError::Decode { message, line }) => (message, line),
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    // The messages are CPython 3.11's (`compile(bytes, path, "exec")`).
    #[test]
    fn refuses_what_cpython_refuses() {
        assert_eq!(
            decode_error(b"x = 1\ny = '\x00'\n"),
            ("source code string cannot contain null bytes".into(), 2)
        );
        // NUL wins over a bad encoding, as in CPython.
        assert_eq!(
            decode_error(b"\xffx = '\x00'\n").0,
            "source code string cannot contain null bytes"
        );
        assert_eq!(
            decode_error(b"\xEF\xBB\xBF# coding: latin-1\nx = 1\n").0,
            "encoding problem: iso-8859-1 with BOM"
        );
        assert_eq!(
            decode_error(b"\xEF\xBB\xBF# coding: koi8-r\nx = 1\n").0,
            "encoding problem: koi8-r with BOM"
        );
        assert_eq!(
            decode_error(b"\xEF\xBB\xBF# coding: utf8\nx = 1\n").0,
            "encoding problem: utf8 with BOM"
        );
        assert_eq!(
            decode_error(b"#!/usr/bin/env python\n# vim: fileencoding=klingon\nx = 1\n").0,
            "unknown encoding: klingon"
        );
        assert_eq!(
            decode_error(b"# coding: ascii\nx=\"\xe9\"\n"),
            (
                "'ascii' codec can't decode byte 0xe9 in position 19: ordinal not in range(128)"
                    .into(),
                2
            )
        );
    }

    #[test]
    fn bom_with_a_utf8_coding_line_is_fine() {
        for line in ["utf-8", "UTF-8", "utf_8", "utf-8-sig"] {
            let src = format!("\u{FEFF}# coding: {line}\nx = 1\n");
            let s = decode(src.into_bytes()).unwrap();
            assert!(s.has_bom && s.encoding.is_none(), "{line}");
        }
    }

    #[test]
    fn strips_bom() {
        let s = decode(b"\xEF\xBB\xBFx = 1\n".to_vec()).unwrap();
        assert!(s.has_bom);
        assert_eq!(s.text, "x = 1\n");
    }

    #[test]
    fn columns_count_characters() {
        let text = "s = 'é😀'; time.sleep(1)\n";
        let loc = Locator::new(text);
        let offset = TextSize::try_from(text.find("time").unwrap()).unwrap();
        assert_eq!(loc.location(offset), Location { row: 1, column: 11 });
    }
}
