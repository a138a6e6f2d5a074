//! What a rule reports: a finding (with its fix and labels), or a question
//! left pending for the project stage. Owned values with no reference to the
//! source text or the syntax tree (see DESIGN.md).

use serde::{Deserialize, Serialize};

use crate::registry::Rule;
use crate::span::Span;

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
    /// The finding, complete, reported when the answer is yes (PF300: a
    /// wrapper whose function is applied as a decorator somewhere).
    Finding(Box<Finding>),
}
