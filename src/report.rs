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
    pub summary: Option<Box<FileSummary>>,
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
    /// The report in its cache encoding while it waits for the project
    /// stage ([`FileReport::pack`]): `summary`, `findings`, `questions`,
    /// `pending` and `suppressions` are then empty until unpacked.
    #[serde(skip)]
    pub packed: Option<Packed>,
}

/// A report's parts in the cache's encoding (postcard): the summary, and
/// the rest ([`Rest`]; `None` for a file indexed but not reported, which
/// needs its summary alone).
///
/// A run holds every file's report until the project stage. As values,
/// they are about a million small blocks (names, pending sites), allocated
/// between the syntax trees' nodes: when a tree is freed, the pages that
/// also hold a few of them stay resident. Two blocks per file do not
/// (standard library: the files stage peaked at 67 MB, of which ~40 MB
/// held reports, against 13 MB of encoding).
#[derive(Clone, Debug, Default)]
pub struct Packed {
    /// `None` once decoded ([`FileReport::unpack_summary`]).
    pub summary: Option<Box<[u8]>>,
    pub rest: Option<Box<[u8]>>,
    /// Its questions need the effects of in-project functions
    /// ([`FileReport::asks_effects`]), known without decoding them.
    pub asks_effects: bool,
}

/// Everything in a report but its summary, as the cache stores it.
pub type Rest = (
    PathBuf,
    Vec<Finding>,
    Vec<crate::semantic::index::Question>,
    Vec<Pending>,
    Suppressions,
    bool,
    Option<String>,
);

/// A report's parts encoded, as a cache entry stores them and a packed
/// report holds them.
pub struct Encoded {
    pub summary: Vec<u8>,
    /// [`Rest`].
    pub rest: Vec<u8>,
    /// See [`FileReport::asks_effects`].
    pub asks_effects: bool,
}

impl FileReport {
    /// Its parts encoded (`None` if one cannot be).
    pub fn encode(&self) -> Option<Encoded> {
        let rest = (
            &self.path,
            &self.findings,
            &self.questions,
            &self.pending,
            &self.suppressions,
            self.unused_noqa,
            &self.error,
        );
        Some(Encoded {
            summary: crate::semantic::name::encode_with_table(&self.summary).ok()?,
            rest: crate::semantic::name::encode_with_table(&rest).ok()?,
            asks_effects: self.asks_effects(),
        })
    }

    /// The report held as its encoding (see [`Packed`]). A report with an
    /// error or a note is small and kept as it is, as is one that cannot
    /// be encoded.
    pub fn pack(self) -> FileReport {
        if self.error.is_some() || self.note.is_some() || self.packed.is_some() {
            return self;
        }
        match self.encode() {
            Some(parts) => FileReport::from_encoded(self.path, parts),
            None => self,
        }
    }

    /// The packed report of `path` from its parts ([`FileReport::encode`]).
    pub fn from_encoded(path: PathBuf, parts: Encoded) -> FileReport {
        FileReport::packed(
            path,
            parts.summary.into(),
            Some(parts.rest.into()),
            parts.asks_effects,
        )
    }

    /// Whether answering its questions needs the effects of in-project
    /// functions (the project stage solves them first, see
    /// `checker::dispatch::prepare_answers`).
    pub fn asks_effects(&self) -> bool {
        match &self.packed {
            Some(packed) => packed.asks_effects,
            None => crate::checker::dispatch::asks_effects(&self.questions),
        }
    }

    /// A report from its parts' encodings (as [`FileReport::pack`] or the
    /// cache made them).
    pub fn packed(
        path: PathBuf,
        summary: Box<[u8]>,
        rest: Option<Box<[u8]>>,
        asks_effects: bool,
    ) -> FileReport {
        FileReport {
            path,
            packed: Some(Packed {
                summary: Some(summary),
                rest,
                asks_effects,
            }),
            ..Default::default()
        }
    }

    /// Decodes a packed summary (and frees its encoding). A part that does
    /// not decode, which a run's own encoding never gives, is the file's
    /// internal error.
    pub fn unpack_summary(&mut self) {
        let Some(bytes) = self.packed.as_mut().and_then(|p| p.summary.take()) else {
            return;
        };
        match crate::semantic::name::decode_with_table(&bytes) {
            Ok(summary) => self.summary = summary,
            Err(error) => {
                self.error = Some(format!(
                    "internal error: cannot decode the summary: {error}"
                ))
            }
        }
    }

    /// Decodes everything still packed: the report is as it was made.
    pub fn unpack(&mut self) {
        self.unpack_summary();
        let Some(packed) = self.packed.take() else {
            return;
        };
        let Some(rest) = packed.rest else {
            return;
        };
        if let Err(error) = self.decode_rest(&rest) {
            self.error = Some(format!("internal error: cannot decode the report: {error}"));
        }
    }

    /// Sets the fields [`Rest`] holds from its encoding; gives the path it
    /// was stored with (the report keeps its own).
    pub fn decode_rest(&mut self, bytes: &[u8]) -> postcard::Result<PathBuf> {
        let (path, findings, questions, pending, suppressions, unused_noqa, error): Rest =
            crate::semantic::name::decode_with_own_table(bytes)?;
        self.findings = findings;
        self.questions = questions;
        self.pending = pending;
        self.suppressions = suppressions;
        self.unused_noqa = unused_noqa;
        self.error = self.error.take().or(error);
        Ok(path)
    }
}
