//! Where in a file: rows, columns and byte offsets. A leaf.

use serde::{Deserialize, Serialize};

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
