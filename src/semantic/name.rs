//! [`Name`]: a qualified name or identifier as the project index keeps it,
//! shared rather than copied.
//!
//! The index holds every file's summary at once, and summaries repeat the
//! same names over and over (`django.db.models.Model` in every file that
//! subclasses it, a module's prefix in each of its functions' names). A
//! `Name` is a reference-counted string: decoding a summary looks each name
//! up in its thread's table of names decoded before and shares the one it
//! finds (all 12 benchmark packages: the decoded summaries took 55 MB in
//! about a million blocks as `String`s).
//!
//! The string is an `arcstr::ArcStr`: one pointer, the length in the block
//! beside the text, where `Arc<str>` is two words. Names fill the summaries'
//! values, callees and witnesses: all packages peaked 6 MB lower (90.5 ->
//! 84.8 MB), the standard library 4 MB (52.2 -> 48.1 MB), same time.

use arcstr::ArcStr;
use std::borrow::Borrow;
use std::cell::RefCell;
use std::fmt;
use std::ops::Deref;

use rustc_hash::FxHashSet;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Name(ArcStr);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The shared copy of `text` from this thread's table (one is made
    /// the first time).
    fn interned(text: &str) -> Name {
        NAMES.with(|names| {
            let mut names = names.borrow_mut();
            if let Some(name) = names.get(text) {
                return Name(name.clone());
            }
            // Only an optimisation: a table grown this large (a server
            // running for days) starts again rather than grow forever.
            if names.len() >= MAX_NAMES {
                names.clear();
            }
            let name = ArcStr::from(text);
            names.insert(name.clone());
            Name(name)
        })
    }
}

/// Empties this thread's table of decoded names (the names themselves live
/// on where they are used): once the summaries are decoded, the table
/// would only hold memory.
pub fn forget_decoded() {
    NAMES.with(|names| *names.borrow_mut() = FxHashSet::default());
}

/// Names a decoding thread remembers at most.
const MAX_NAMES: usize = 1 << 20;

thread_local! {
    static NAMES: RefCell<FxHashSet<ArcStr>> = RefCell::default();
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Self {
        Name(ArcStr::from(text))
    }
}

impl From<String> for Name {
    fn from(text: String) -> Self {
        Name(ArcStr::from(text.as_str()))
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.0.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.0.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.0.as_str() == other.as_str()
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.0.as_str()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0.as_str(), f)
    }
}

/// Encoded as a plain string (the cache's format does not change).
impl Serialize for Name {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Name, E> {
                Ok(Name::interned(text))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoded_names_are_shared_and_equal_to_their_text() {
        let encoded = postcard::to_stdvec(&vec![Name::from("pkg.mod.f"); 2]).unwrap();
        let decoded: Vec<Name> = postcard::from_bytes(&encoded).unwrap();
        assert_eq!(decoded[0], "pkg.mod.f");
        assert!(ArcStr::ptr_eq(&decoded[0].0, &decoded[1].0));
        let again: Vec<Name> = postcard::from_bytes(&encoded).unwrap();
        assert!(ArcStr::ptr_eq(&decoded[0].0, &again[0].0));
        // Looked up by its text.
        let set: FxHashSet<Name> = decoded.into_iter().collect();
        assert!(set.contains("pkg.mod.f"));
    }
}
