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

/// The rest's encoding compressed (LZ4, its length first): it waits in
/// every packed report until the project stage answers the file's
/// questions, and its pending sites are the most of it (all packages:
/// 7.3 -> 4.2 MB).
fn compress(bytes: &[u8]) -> Vec<u8> {
    lz4_flex::compress_prepend_size(bytes)
}

/// [`compress`] undone; damaged bytes are an error, as a bad encoding is
/// (a length LZ4 cannot reach is not allocated).
fn decompress(bytes: &[u8]) -> postcard::Result<Vec<u8>> {
    let bad = postcard::Error::DeserializeBadEncoding;
    let (length, _) = bytes.split_first_chunk::<4>().ok_or(bad.clone())?;
    if u32::from_le_bytes(*length) as usize > bytes.len().saturating_mul(255) {
        return Err(bad);
    }
    lz4_flex::decompress_size_prepended(bytes).map_err(|_| bad)
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
            rest: compress(&crate::semantic::name::encode_with_table(&rest).ok()?),
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
        let bytes = decompress(bytes)?;
        let (path, findings, questions, pending, suppressions, unused_noqa, error): Rest =
            crate::semantic::name::decode_with_own_table(&bytes)?;
        self.findings = findings;
        self.questions = questions;
        self.pending = pending;
        self.suppressions = suppressions;
        self.unused_noqa = unused_noqa;
        self.error = self.error.take().or(error);
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rest_is_kept_compressed_and_decodes_as_it_was() {
        let report = FileReport {
            path: PathBuf::from("shop/bank.py"),
            unused_noqa: true,
            error: Some("x".repeat(500)),
            ..Default::default()
        };
        let parts = report.encode().unwrap();
        // Five hundred repeated bytes compress.
        assert!(parts.rest.len() < 100, "{} bytes", parts.rest.len());
        let mut back = FileReport::default();
        assert_eq!(back.decode_rest(&parts.rest).unwrap(), report.path);
        assert!(back.unused_noqa);
        assert_eq!(back.error, report.error);
    }

    #[test]
    fn a_damaged_rest_is_an_error_not_a_panic_or_a_huge_block() {
        let parts = FileReport::default().encode().unwrap();
        let mut back = FileReport::default();
        for damaged in [
            &parts.rest[..2],
            &parts.rest[..parts.rest.len() - 1],
            // A length of 4 GiB for a few bytes.
            &[0xff, 0xff, 0xff, 0xff, 0x10, 0x00][..],
        ] {
            assert!(back.decode_rest(damaged).is_err());
        }
    }
}
