//! Applying fixes (`--fix`, `--unsafe-fixes`, `--diff`) and writing source
//! files back (also for `--add-noqa`).
//!
//! Per file: check it, apply the non-overlapping applicable fixes, re-parse,
//! check again, until nothing changes (at most [`MAX_ITERATIONS`] rounds).
//! A batch of fixes whose result does not parse is retried fix by fix; a fix
//! that breaks the syntax on its own is dropped and reported. The result is
//! written atomically (temporary file + rename in the same folder) in the
//! file's encoding, with its BOM, line endings and permissions.

use std::path::{Path, PathBuf};

use crate::check::check_source;
use crate::finding::{Applicability, Finding, Fix};
use crate::parse::parse_module;
use crate::registry::Rule;
use crate::semantic::ModuleName;
use crate::settings::FileSettings;
use crate::source::SourceText;

pub const MAX_ITERATIONS: usize = 10;

/// What fixing one file produced.
#[derive(Debug)]
pub struct FileFix {
    pub path: PathBuf,
    pub source: SourceText,
    pub fixed: String,
    /// Findings fixed.
    pub applied: usize,
    /// Fixes dropped because the result would not parse: `(rule, row,
    /// column, parser message)`, in the text they applied to.
    pub dropped: Vec<(Rule, u32, u32, String)>,
}

impl FileFix {
    pub fn changed(&self) -> bool {
        self.fixed != self.source.text
    }
}

/// The fix a finding offers at this level of applicability.
pub fn applicable(finding: &Finding, unsafe_fixes: bool) -> Option<&Fix> {
    finding
        .fix
        .as_ref()
        .filter(|f| unsafe_fixes || f.applicability == Applicability::Safe)
        .filter(|f| !f.edits.is_empty())
}

/// Applies as many of `fixes` as do not overlap each other (in order of
/// position), returning the new text and the indices of the applied fixes.
/// An edit identical to one already applied (two fixes adding the same
/// import) is applied once and does not block its fix.
pub fn apply_fixes(text: &str, fixes: &[&Fix]) -> (String, Vec<usize>) {
    let mut order: Vec<usize> = (0..fixes.len()).collect();
    order.sort_by_key(|&i| {
        fixes[i]
            .edits
            .iter()
            .map(|e| (e.span.start, e.span.end))
            .min()
    });
    let mut chosen: Vec<(u32, u32, &str)> = Vec::new();
    let mut applied = Vec::new();
    'fixes: for i in order {
        let mut new = Vec::new();
        for edit in &fixes[i].edits {
            let (start, end) = (edit.span.start, edit.span.end);
            if start > end || end as usize > text.len() {
                continue 'fixes;
            }
            let edit = (start, end, edit.content.as_str());
            if chosen.contains(&edit) || new.contains(&edit) {
                continue;
            }
            let clashes = |other: &(u32, u32, &str)| {
                let overlap = start < other.1 && other.0 < end;
                let inside = (start == end && other.0 < start && start < other.1)
                    || (other.0 == other.1 && start < other.0 && other.0 < end);
                let same_point = start == end && other.0 == other.1 && start == other.0;
                overlap || inside || same_point
            };
            if chosen.iter().chain(&new).any(clashes) {
                continue 'fixes;
            }
            new.push(edit);
        }
        chosen.extend(new);
        applied.push(i);
    }
    chosen.sort_by_key(|(start, end, _)| (*start, *end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0usize;
    for (start, end, content) in chosen {
        let (start, end) = (start as usize, end as usize);
        if start < at || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(content);
        at = end;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// The fix loop for one file's text. `confirmed`: the `(rule, message)` of
/// the file's findings the project stage reported; a finding that waits for
/// the project index (PF300 asks whether its decorator is applied) is fixed
/// only when it is one of them.
pub fn fix_text(
    path: &Path,
    source: SourceText,
    module: &ModuleName,
    settings: &FileSettings,
    unsafe_fixes: bool,
    confirmed: &[(Rule, String)],
) -> FileFix {
    let mut text = source.text.clone();
    let mut applied = 0;
    let mut dropped = Vec::new();
    // Fixes that broke the syntax: (rule, message of the finding, line text).
    let mut banned: Vec<(Rule, String, String)> = Vec::new();
    for _ in 0..MAX_ITERATIONS {
        let report = check_source(path, &text, module.clone(), settings);
        if report.error.is_some() || report.summary.is_none() {
            // Does not parse (only possible on the first round).
            break;
        }
        let line_text = |f: &Finding| {
            text.lines()
                .nth(f.span.location.row.saturating_sub(1) as usize)
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        let deferred = report.pending.iter().filter_map(|p| match &p.context {
            crate::finding::PendingContext::Finding(f)
                if confirmed
                    .iter()
                    .any(|(rule, message)| *rule == f.rule && *message == f.message) =>
            {
                Some(&**f)
            }
            _ => None,
        });
        let candidates: Vec<&Finding> = report
            .findings
            .iter()
            .chain(deferred)
            .filter(|f| {
                !report.suppressions.suppresses(
                    f.rule,
                    f.span.location.row,
                    f.noqa_row,
                    settings.external_noqa,
                )
            })
            .filter(|f| applicable(f, unsafe_fixes).is_some())
            .filter(|f| !banned.contains(&(f.rule, f.message.clone(), line_text(f))))
            .collect();
        if candidates.is_empty() {
            break;
        }
        let fixes: Vec<&Fix> = candidates
            .iter()
            .filter_map(|f| applicable(f, unsafe_fixes))
            .collect();
        let (batch, used) = apply_fixes(&text, &fixes);
        if used.is_empty() || batch == text {
            break;
        }
        if parse_module(&batch).is_ok() {
            text = batch;
            applied += used.len();
            continue;
        }
        // Find the fixes that break the syntax on their own; keep the rest.
        let mut good = Vec::new();
        for &i in &used {
            let (alone, _) = apply_fixes(&text, &[fixes[i]]);
            match parse_module(&alone) {
                Ok(_) => good.push(fixes[i]),
                Err(error) => {
                    let f = candidates[i];
                    dropped.push((
                        f.rule,
                        f.span.location.row,
                        f.span.location.column,
                        error.message,
                    ));
                    banned.push((f.rule, f.message.clone(), line_text(f)));
                }
            }
        }
        if good.is_empty() {
            continue;
        }
        let (combined, used) = apply_fixes(&text, &good);
        if parse_module(&combined).is_ok() {
            text = combined;
            applied += used.len();
        } else {
            // Each parses alone but not together: one per round.
            let (one, used) = apply_fixes(&text, &good[..1]);
            text = one;
            applied += used.len();
        }
    }
    FileFix {
        path: path.to_path_buf(),
        source,
        fixed: text,
        applied,
        dropped,
    }
}

/// The bytes of `text` as the file stored them: its BOM and its PEP 263
/// encoding. `None` when a character cannot be encoded.
pub fn encode(text: &str, source: &SourceText) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() + 3);
    if source.has_bom {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let label = source
        .encoding
        .as_deref()
        .map(|l| l.trim().to_ascii_lowercase().replace('_', "-"));
    match label.as_deref() {
        None | Some("utf-8" | "utf8" | "utf-8-sig") => out.extend_from_slice(text.as_bytes()),
        Some(label) if crate::source::is_latin1(label) => {
            for c in text.chars() {
                out.push(u8::try_from(u32::from(c)).ok()?);
            }
        }
        Some(label) => {
            let encoding = encoding_rs::Encoding::for_label(label.as_bytes())?;
            if encoding.output_encoding() != encoding {
                // UTF-16 and the like: encoding_rs would write UTF-8.
                return None;
            }
            let (bytes, _, unmappable) = encoding.encode(text);
            if unmappable {
                return None;
            }
            out.extend_from_slice(&bytes);
        }
    }
    Some(out)
}

/// Replaces the file at `path` (following a symbolic link to its target)
/// with `bytes`, atomically, keeping its permissions.
pub fn write_source(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let target = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&target)?.permissions();
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::Builder::new()
        .prefix(".pitfalls-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    std::fs::set_permissions(file.path(), permissions)?;
    file.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// A unified diff of one file's fix, `a/` and `b/` prefixed (`git apply`
/// and `patch -p1` read it).
pub fn unified_diff(display: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{display}"), &format!("b/{display}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Edit;
    use crate::span::{Location, Span};

    fn edit(start: u32, end: u32, content: &str) -> Edit {
        let l = Location { row: 1, column: 1 };
        Edit {
            content: content.into(),
            span: Span {
                start,
                end,
                location: l,
                end_location: l,
            },
        }
    }

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            message: String::new(),
            edits,
        }
    }

    #[test]
    fn applies_non_overlapping_and_shared_edits() {
        let text = "abcdef";
        let a = fix(vec![edit(0, 0, "X"), edit(1, 2, "B")]);
        // Shares the insertion with `a`: applied once, fix still counts.
        let b = fix(vec![edit(0, 0, "X"), edit(4, 5, "E")]);
        // Overlaps `a`'s replacement: skipped.
        let c = fix(vec![edit(1, 3, "Q")]);
        let (out, used) = apply_fixes(text, &[&a, &b, &c]);
        assert_eq!(out, "XaBcdEf");
        assert_eq!(used, vec![0, 1]);
    }

    #[test]
    fn two_insertions_at_one_point_clash() {
        let a = fix(vec![edit(2, 2, "1")]);
        let b = fix(vec![edit(2, 2, "2")]);
        let (out, used) = apply_fixes("abcd", &[&a, &b]);
        assert_eq!(out, "ab1cd");
        assert_eq!(used.len(), 1);
    }

    #[test]
    fn encodes_back_with_bom_and_legacy_encodings() {
        let source = crate::source::decode(b"\xEF\xBB\xBFx = 1\n".to_vec()).unwrap();
        assert_eq!(encode("y = 2\n", &source).unwrap(), b"\xEF\xBB\xBFy = 2\n");
        let source = crate::source::decode(b"# coding: latin-1\ns = '\xe9'\n".to_vec()).unwrap();
        assert_eq!(
            encode(&source.text, &source).unwrap(),
            b"# coding: latin-1\ns = '\xe9'\n"
        );
        assert!(encode("s = '\u{20ac}'\n", &source).is_none());
        let source = crate::source::decode(b"# coding: cp1252\ns = '\x80'\n".to_vec()).unwrap();
        assert_eq!(
            encode(&source.text, &source).unwrap(),
            b"# coding: cp1252\ns = '\x80'\n"
        );
    }
}
