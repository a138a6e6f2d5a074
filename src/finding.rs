//! What a rule reports: a finding (with its fix and labels), or a question
//! left pending for the project stage. Owned values with no reference to the
//! source text or the syntax tree (see DESIGN.md).

use serde::{Deserialize, Serialize};

use crate::registry::Rule;
use crate::semantic::name::Name;
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
    /// A [`Name`]: a file names the same callee at many sites, and its
    /// encoding writes the text once ([`crate::semantic::name`]).
    pub subject: Option<Name>,
    /// What else the asking rule keeps with the site (PF100: discarded,
    /// tested, returned from the named `async def`), in its own type.
    pub context: PendingContext,
}

/// What the asking rule keeps with a pending site, beyond its question and
/// subject. A rule declares its own type for it and decodes it in its own
/// `answer`; no variant here names a rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredContext", into = "StoredContext")]
pub enum PendingContext {
    /// Nothing more.
    None,
    /// The finding, complete, reported when the answer is yes (PF300: a
    /// wrapper whose function is applied as a decorator somewhere).
    Finding(Box<Finding>),
    /// A value of the asking rule's own type ([`PendingContext::data`]),
    /// which only that rule reads back ([`PendingContext::decode`]).
    Data(Box<[u8]>),
    /// [`PendingContext::Data`] of at most [`SMALL`] bytes, kept inline
    /// (PF100 keeps one byte at each of its many sites).
    Small { len: u8, bytes: [u8; SMALL] },
}

/// [`PendingContext`] as the cache stores it: inline data is stored as
/// [`PendingContext::Data`], and read back inline.
#[derive(Serialize, Deserialize)]
enum StoredContext {
    None,
    Finding(Box<Finding>),
    Data(Box<[u8]>),
}

impl From<PendingContext> for StoredContext {
    fn from(context: PendingContext) -> Self {
        match context {
            PendingContext::None => Self::None,
            PendingContext::Finding(finding) => Self::Finding(finding),
            PendingContext::Data(bytes) => Self::Data(bytes),
            PendingContext::Small { len, bytes } => Self::Data(Box::from(&bytes[..len as usize])),
        }
    }
}

impl From<StoredContext> for PendingContext {
    fn from(context: StoredContext) -> Self {
        match context {
            StoredContext::None => Self::None,
            StoredContext::Finding(finding) => Self::Finding(finding),
            StoredContext::Data(data) if data.len() <= SMALL => {
                let mut bytes = [0u8; SMALL];
                bytes[..data.len()].copy_from_slice(&data);
                Self::Small {
                    len: data.len() as u8,
                    bytes,
                }
            }
            StoredContext::Data(data) => Self::Data(data),
        }
    }
}

/// The most bytes [`PendingContext::Small`] holds (the enum stays the size
/// of the boxed variant).
const SMALL: usize = 14;

impl PendingContext {
    /// A rule's own data, encoded.
    pub fn data<T: Serialize>(value: &T) -> Self {
        let mut bytes = [0u8; SMALL];
        match postcard::to_slice(value, &mut bytes) {
            Ok(encoded) => {
                let len = encoded.len() as u8;
                Self::Small { len, bytes }
            }
            Err(_) => Self::Data(encode(value)),
        }
    }

    /// The rule's data back, if this holds a `T`.
    pub fn decode<'c, T: Deserialize<'c>>(&'c self) -> Option<T> {
        match self {
            Self::Data(bytes) => postcard::from_bytes(bytes).ok(),
            Self::Small { len, bytes } => postcard::from_bytes(&bytes[..*len as usize]).ok(),
            Self::None | Self::Finding(_) => None,
        }
    }
}

/// `value` in postcard's encoding, in one allocation of its size (a
/// question or a rule's data is a few bytes, encoded at every site).
pub fn encode<T: Serialize>(value: &T) -> Box<[u8]> {
    let mut buffer = [0u8; 128];
    match postcard::to_slice(value, &mut buffer) {
        Ok(bytes) => Box::from(&*bytes),
        Err(_) => postcard::to_stdvec(value)
            .expect("encodes in memory")
            .into_boxed_slice(),
    }
}

#[cfg(test)]
mod tests {
    use super::PendingContext;

    #[test]
    fn inline_data_is_stored_as_boxed_data() {
        let small = PendingContext::data(&7u8);
        assert!(matches!(small, PendingContext::Small { .. }));
        let boxed = PendingContext::Data(Box::from(&[7u8][..]));
        let stored = postcard::to_stdvec(&small).unwrap();
        assert_eq!(stored, postcard::to_stdvec(&boxed).unwrap());
        let back: PendingContext = postcard::from_bytes(&stored).unwrap();
        assert_eq!(back, small);
        assert_eq!(back.decode::<u8>(), Some(7));
    }

    #[test]
    fn a_rules_data_comes_back_as_written() {
        #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
        enum Site {
            Tested,
            ReturnedFrom(Box<str>),
        }
        let returned = Site::ReturnedFrom("fetch".into());
        let context = PendingContext::data(&returned);
        assert_eq!(context.decode::<Site>(), Some(returned));
        assert_eq!(
            PendingContext::data(&Site::Tested).decode::<Site>(),
            Some(Site::Tested)
        );
        assert_eq!(PendingContext::None.decode::<Site>(), None);
        // Inline up to 14 bytes, boxed beyond, the same value either way.
        assert!(matches!(
            PendingContext::data(&Site::Tested),
            PendingContext::Small { .. }
        ));
        let boxed = Site::ReturnedFrom("f".repeat(20).into());
        assert!(matches!(
            PendingContext::data(&boxed),
            PendingContext::Data(_)
        ));
        assert_eq!(PendingContext::data(&boxed).decode::<Site>(), Some(boxed));
        // Longer than the stack buffer.
        let long = Site::ReturnedFrom("f".repeat(300).into());
        assert_eq!(PendingContext::data(&long).decode::<Site>(), Some(long));
    }
}
