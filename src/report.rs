//! What one file's pass produces: an owned, serializable value with no
//! reference to the source text or the syntax tree (see DESIGN.md).

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

use crate::noqa::Suppressions;
use crate::rules::Rule;
use crate::semantic::index::FileSummary;

/// A 1-based row and a 1-based column counted in characters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    pub row: u32,
    pub column: u32,
}

/// A span of the source: byte offsets into the decoded text (for rendering and
/// fixes) and character-based rows and columns (for users).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
    pub location: Location,
    pub end_location: Location,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Unsafe,
}

/// Replace `span` with `content`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub content: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub applicability: Applicability,
    pub message: String,
    pub edits: Vec<Edit>,
}

/// Extra places a finding points at (miette labels), e.g. each `await` a lock
/// is held across.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    pub message: String,
    pub span: Span,
    /// The last row of the statement that contains the finding: a `# noqa`
    /// there suppresses it too.
    pub noqa_row: u32,
    pub fix: Option<Fix>,
    pub labels: Vec<Label>,
}

/// A question one file cannot answer alone, kept until the project index is
/// complete ("is `shop.db.fetch` a coroutine function?"). The rule that asked
/// answers it in `rules::answer_pending`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub rule: Rule,
    /// Index into the file's `questions` (a file asks the same question at
    /// many call sites: `self.assertEqual` in every test).
    pub question: u32,
    pub span: Span,
    pub noqa_row: u32,
    /// Rule-specific: what the message names (PF100: the callee as written).
    pub subject: Option<Box<str>>,
    /// Rule-specific: how the site uses it (PF100: discarded, tested,
    /// returned from the named `async def`).
    pub context: PendingContext,
}

/// How a pending site uses what it asks about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PendingContext {
    Discarded,
    TruthTested,
    ReturnedFrom(Box<str>),
    /// A decorator applied to `function` (PF302, PF303); `called`: written
    /// `@deco(...)`.
    Decorates {
        function: Box<str>,
        called: bool,
    },
}

/// Everything later stages need from one file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FileReport {
    pub path: PathBuf,
    pub findings: Vec<Finding>,
    pub summary: Option<FileSummary>,
    pub questions: Vec<crate::semantic::index::Question>,
    pub pending: Vec<Pending>,
    pub suppressions: Suppressions,
    /// PF002 is enabled for this file: noqa codes that suppress nothing are
    /// reported once the project's findings are known.
    #[serde(default)]
    pub unused_noqa: bool,
    /// The file could not be checked at all (I/O error or an internal error).
    pub error: Option<String>,
    /// The file was skipped on purpose (over the time budget or the size
    /// limit per file): a note for the user, not an error, and no findings.
    #[serde(default)]
    pub note: Option<String>,
}
