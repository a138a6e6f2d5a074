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
    /// What else the asking rule keeps with the site (PF100: discarded,
    /// tested, returned from the named `async def`), in its own type.
    pub context: PendingContext,
}

/// What the asking rule keeps with a pending site, beyond its question and
/// subject. A rule declares its own type for it and decodes it in its own
/// `answer`; no variant here names a rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PendingContext {
    /// Nothing more.
    None,
    /// The finding, complete, reported when the answer is yes (PF300: a
    /// wrapper whose function is applied as a decorator somewhere).
    Finding(Box<Finding>),
    /// A value of the asking rule's own type ([`PendingContext::data`]),
    /// which only that rule reads back ([`PendingContext::decode`]).
    Data(Box<[u8]>),
}

impl PendingContext {
    /// A rule's own data, encoded.
    pub fn data<T: Serialize>(value: &T) -> Self {
        Self::Data(encode(value))
    }

    /// The rule's data back, if this holds a `T`.
    pub fn decode<'c, T: Deserialize<'c>>(&'c self) -> Option<T> {
        match self {
            Self::Data(bytes) => postcard::from_bytes(bytes).ok(),
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
        // Longer than the stack buffer.
        let long = Site::ReturnedFrom("f".repeat(300).into());
        assert_eq!(PendingContext::data(&long).decode::<Site>(), Some(long));
    }
}
