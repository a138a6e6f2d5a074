//! Adopting the linter on an existing code base (CLI.md "Adopting it"):
//! `--add-noqa`, `--baseline`/`--write-baseline` and `--changed-since`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::finding::{Applicability, Edit, Fix};
use crate::fix::{apply_fixes, encode, write_source};
use crate::noqa::codes_insertion_point;
use crate::parse::parse_module;
use crate::pipeline::Diagnostic;
use crate::registry::Rule;
use crate::source::{Locator, read_source};
use crate::span::{Location, Span};

// ----- --add-noqa -----

/// What `--add-noqa` did.
#[derive(Debug, Default)]
pub struct AddNoqa {
    /// Findings now covered by a comment.
    pub added: usize,
    pub files: usize,
    /// Files left alone, with why.
    pub skipped: Vec<(PathBuf, String)>,
}

/// Adds `# noqa: CODE` to each finding's noqa line (the last line of its
/// statement), extending an existing `# noqa: …` comment there and keeping
/// any other comment. PF001 (cannot be suppressed) and PF002 (about the
/// comments themselves) are left out.
pub fn add_noqa(diagnostics: &[Diagnostic]) -> AddNoqa {
    let mut by_file: BTreeMap<&Path, BTreeMap<u32, Vec<&'static str>>> = BTreeMap::new();
    for d in diagnostics {
        let rule = d.finding.rule;
        if matches!(rule, Rule::SyntaxError | Rule::UnusedNoqa) {
            continue;
        }
        let codes = by_file
            .entry(d.path.as_path())
            .or_default()
            .entry(d.finding.noqa_row)
            .or_default();
        if !codes.contains(&rule.code()) {
            codes.push(rule.code());
        }
    }
    let mut out = AddNoqa::default();
    for (path, rows) in by_file {
        match add_noqa_to_file(path, &rows) {
            Ok(0) => {}
            Ok(_) => {
                out.files += 1;
                out.added += rows.values().map(Vec::len).sum::<usize>();
            }
            Err(why) => out.skipped.push((path.to_path_buf(), why)),
        }
    }
    out
}

fn add_noqa_to_file(path: &Path, rows: &BTreeMap<u32, Vec<&str>>) -> Result<usize, String> {
    let source = read_source(path).map_err(|e| format!("cannot read: {e:?}"))?;
    let text = &source.text;
    let fixes = noqa_insertions(text, rows)?;
    if fixes.is_empty() {
        return Ok(0);
    }
    let refs: Vec<&Fix> = fixes.iter().collect();
    let (new_text, applied) = apply_fixes(text, &refs);
    parse_module(&new_text)
        .map_err(|e| format!("a comment would break the syntax: {}", e.message))?;
    let bytes = encode(&new_text, &source).ok_or("cannot be written back in its encoding")?;
    write_source(path, &bytes).map_err(|e| format!("cannot write: {e}"))?;
    Ok(applied.len())
}

/// The insertions that add `# noqa: CODES` to `text` at each row (1-based)
/// of `rows`, extending an existing `# noqa: …` comment there; rows already
/// covered get none. The language server's "add `# noqa`" action uses it too.
pub fn noqa_insertions(text: &str, rows: &BTreeMap<u32, Vec<&str>>) -> Result<Vec<Fix>, String> {
    let parsed = parse_module(text).map_err(|e| format!("does not parse: {}", e.message))?;
    let locator = Locator::new(text);
    // The real comments (not `# noqa` inside a string), by row.
    let mut comments: HashMap<u32, ruff_text_size::TextRange> = HashMap::new();
    for range in parsed.comment_ranges() {
        comments.insert(locator.row(range.start()), range);
    }
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let mut fixes = Vec::new();
    for (&row, codes) in rows {
        let mut codes: Vec<&str> = codes.clone();
        codes.sort_unstable();
        let Some(&start) = line_starts.get(row as usize - 1) else {
            continue;
        };
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let content_end = start + text[start..end].trim_end().len();
        let existing = comments.get(&row).and_then(|range| {
            let comment = &text[range.start().to_usize()..range.end().to_usize()];
            codes_insertion_point(comment).map(|(at, have)| (range.start().to_usize() + at, have))
        });
        let (at, content) = match existing {
            Some((at, have)) => {
                let new: Vec<&str> = codes
                    .into_iter()
                    .filter(|c| !have.iter().any(|h| h == c))
                    .collect();
                if new.is_empty() {
                    continue;
                }
                (at, format!(", {}", new.join(", ")))
            }
            None => (content_end, format!("  # noqa: {}", codes.join(", "))),
        };
        fixes.push(insertion(at, content));
    }
    Ok(fixes)
}

fn insertion(at: usize, content: String) -> Fix {
    let l = Location { row: 0, column: 0 };
    Fix {
        applicability: Applicability::Safe,
        message: String::new(),
        edits: vec![Edit {
            content,
            span: Span {
                start: at as u32,
                end: at as u32,
                location: l,
                end_location: l,
            },
        }],
    }
}

// ----- baseline -----

const BASELINE_VERSION: u32 = 1;

/// The baseline file: the findings a code base had when it adopted the
/// linter. A finding is known by its code, its path (relative to the
/// project) and its source line's text — not its line number — plus which
/// occurrence of that same (code, path, text) it is, so that inserting lines
/// elsewhere does not resurface it.
#[derive(Debug, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub code: String,
    pub path: String,
    /// xxh3-64 of the trimmed text of the finding's first line, in hex.
    pub fingerprint: String,
    /// 0 for the first finding with this code, path and text, 1 for the next…
    pub occurrence: u32,
    /// For people reading the file; not used to match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl BaselineEntry {
    fn key(&self) -> (&str, &str, &str, u32) {
        (&self.code, &self.path, &self.fingerprint, self.occurrence)
    }
}

/// One entry per diagnostic, in the same order.
pub fn baseline_entries(diagnostics: &[Diagnostic], root: &Path) -> Vec<BaselineEntry> {
    let mut texts: HashMap<&Path, Vec<String>> = HashMap::new();
    let mut seen: HashMap<(String, String, String), u32> = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let lines = texts.entry(d.path.as_path()).or_insert_with(|| {
                read_source(&d.path)
                    .map(|s| s.text.lines().map(|l| l.trim().to_string()).collect())
                    .unwrap_or_default()
            });
            let row = d.finding.span.location.row as usize;
            let line = lines.get(row.saturating_sub(1)).map_or("", String::as_str);
            let fingerprint = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(line.as_bytes()));
            let code = d.finding.rule.code().to_string();
            let path = relative_path(&d.path, root);
            let n = seen
                .entry((code.clone(), path.clone(), fingerprint.clone()))
                .or_insert(0);
            let occurrence = *n;
            *n += 1;
            BaselineEntry {
                code,
                path,
                fingerprint,
                occurrence,
                message: Some(d.finding.message.clone()),
            }
        })
        .collect()
}

pub fn write_baseline(
    path: &Path,
    diagnostics: &[Diagnostic],
    root: &Path,
) -> Result<usize, String> {
    let baseline = Baseline {
        version: BASELINE_VERSION,
        findings: baseline_entries(diagnostics, root),
    };
    let mut json = serde_json::to_string_pretty(&baseline).map_err(|e| e.to_string())?;
    json.push('\n');
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    crate::cache::write_atomic(&dir, path, json.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(baseline.findings.len())
}

pub fn read_baseline(path: &Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    let baseline: Baseline = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a pitfalls baseline: {e}", path.display()))?;
    if baseline.version != BASELINE_VERSION {
        return Err(format!(
            "{}: baseline version {} is not supported (expected {BASELINE_VERSION})",
            path.display(),
            baseline.version
        ));
    }
    Ok(baseline)
}

/// The diagnostics not recorded in `baseline`.
pub fn filter_baseline(
    diagnostics: Vec<Diagnostic>,
    baseline: &Baseline,
    root: &Path,
) -> Vec<Diagnostic> {
    let known: HashSet<(&str, &str, &str, u32)> =
        baseline.findings.iter().map(BaselineEntry::key).collect();
    let entries = baseline_entries(&diagnostics, root);
    diagnostics
        .into_iter()
        .zip(entries)
        .filter(|(_, e)| !known.contains(&e.key()))
        .map(|(d, _)| d)
        .collect()
}

/// `path` relative to `root` with `/` separators (as given when outside it).
pub fn relative_path(path: &Path, root: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let relative = match absolute.strip_prefix(root) {
        Ok(relative) => relative.to_path_buf(),
        // The root may be reached through a symbolic link (`/tmp` on macOS).
        Err(_) => match (
            std::fs::canonicalize(&absolute),
            std::fs::canonicalize(root),
        ) {
            (Ok(real), Ok(root)) => real
                .strip_prefix(&root)
                .map(Path::to_path_buf)
                .unwrap_or(absolute),
            _ => absolute,
        },
    };
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

// ----- --changed-since -----

/// The lines added or changed since a git revision, per file.
#[derive(Debug, Default)]
pub struct ChangedLines {
    /// Canonical path → changed row ranges (inclusive).
    files: HashMap<PathBuf, Vec<(u32, u32)>>,
    /// Untracked files: every line is new.
    untracked: HashSet<PathBuf>,
}

impl ChangedLines {
    /// Does the finding touch a changed line?
    pub fn touches(&self, d: &Diagnostic) -> bool {
        let Ok(path) = std::fs::canonicalize(&d.path) else {
            return false;
        };
        if self.untracked.contains(&path) {
            return true;
        }
        let (first, last) = (
            d.finding.span.location.row,
            d.finding
                .span
                .end_location
                .row
                .max(d.finding.span.location.row),
        );
        self.files
            .get(&path)
            .is_some_and(|ranges| ranges.iter().any(|&(a, b)| a <= last && first <= b))
    }
}

fn git(cwd: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    Command::new("git")
        .arg("-C")
        .arg(cwd)
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .map_err(|e| format!("--changed-since needs git: {e}"))
}

/// Runs `git diff --unified=0 REV -- PATHS` (and lists untracked files) in
/// the repository around `cwd`.
pub fn changed_since(rev: &str, paths: &[PathBuf], cwd: &Path) -> Result<ChangedLines, String> {
    let top = git(cwd, &["rev-parse", "--show-toplevel"])?;
    if !top.status.success() {
        return Err(format!(
            "--changed-since needs a git repository, and {} is not in one",
            cwd.display()
        ));
    }
    let root = PathBuf::from(String::from_utf8_lossy(&top.stdout).trim());
    let verify = git(
        cwd,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{rev}^{{commit}}"),
        ],
    )?;
    if !verify.status.success() {
        return Err(format!("--changed-since: unknown git revision `{rev}`"));
    }
    let pathspecs: Vec<String> = paths
        .iter()
        .map(|p| std::path::absolute(cwd.join(p)).unwrap_or_else(|_| p.clone()))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let mut args: Vec<&str> = vec![
        "-c",
        "core.quotepath=off",
        "diff",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--unified=0",
        "--find-renames",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        rev,
        "--",
    ];
    args.extend(pathspecs.iter().map(String::as_str));
    let diff = git(cwd, &args)?;
    if !diff.status.success() {
        return Err(format!(
            "--changed-since: git diff failed: {}",
            String::from_utf8_lossy(&diff.stderr).trim()
        ));
    }
    let mut out = ChangedLines::default();
    let mut current: Option<PathBuf> = None;
    for line in String::from_utf8_lossy(&diff.stdout).lines() {
        if let Some(name) = line.strip_prefix("+++ ") {
            current = name
                .strip_prefix("b/")
                .map(|rel| root.join(rel))
                .map(|p| std::fs::canonicalize(&p).unwrap_or(p));
        } else if let Some(hunk) = line.strip_prefix("@@ ")
            && let Some(path) = &current
            && let Some(added) = hunk.split(' ').find_map(|part| part.strip_prefix('+'))
        {
            let mut parts = added.split(',');
            let start: u32 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let count: u32 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(1);
            if count > 0 {
                out.files
                    .entry(path.clone())
                    .or_default()
                    .push((start, start + count - 1));
            }
        }
    }
    let mut args: Vec<&str> = vec![
        "-c",
        "core.quotepath=off",
        "ls-files",
        "--others",
        "--exclude-standard",
        "--full-name",
        "-z",
        "--",
    ];
    args.extend(pathspecs.iter().map(String::as_str));
    let untracked = git(cwd, &args)?;
    for name in untracked
        .stdout
        .split(|&b| b == 0)
        .filter(|n| !n.is_empty())
    {
        let path = root.join(String::from_utf8_lossy(name).as_ref());
        out.untracked
            .insert(std::fs::canonicalize(&path).unwrap_or(path));
    }
    Ok(out)
}
