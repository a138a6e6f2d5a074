//! What one file's pass produces: an owned, serializable value with no
//! reference to the source text or the syntax tree (see DESIGN.md).

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

use crate::finding::{Finding, Pending};
use crate::noqa::Suppressions;
use crate::semantic::index::FileSummary;

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
