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
//!
//! A summary is encoded with a table of its names ([`encode_with_table`]):
//! each name's text is written once, and a repeat is its number. All
//! packages' packed summaries went from 19.0 to 13.6 MB, and decoding a
//! repeat clones the table's name instead of hashing the text.

use arcstr::ArcStr;
use std::borrow::Borrow;
use std::cell::RefCell;
use std::fmt;
use std::ops::Deref;

use rustc_hash::FxHashSet;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::numbered::Numbered;

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

/// Outside [`encode_with_table`]/[`decode_with_table`], a plain string.
/// Inside, a name's first occurrence is `(0, text)` and each later one
/// `(n,)`, the n-th name of the table.
impl Serialize for Name {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        // `(its number, whether this is its first occurrence)`.
        let numbered = TABLE.with(|table| match &mut *table.borrow_mut() {
            Some(Table::Encode(seen)) => Some(seen.number(&self.0)),
            _ => None,
        });
        match numbered {
            None => serializer.serialize_str(&self.0),
            Some((_, true)) => {
                let mut tuple = serializer.serialize_tuple(2)?;
                tuple.serialize_element(&0u32)?;
                tuple.serialize_element(self.0.as_str())?;
                tuple.end()
            }
            Some((n, false)) => {
                let mut tuple = serializer.serialize_tuple(1)?;
                tuple.serialize_element(&n)?;
                tuple.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Plain;
        impl serde::de::Visitor<'_> for Plain {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Name, E> {
                Ok(Name::interned(text))
            }
        }
        struct Tabled;
        impl<'de> serde::de::Visitor<'de> for Tabled {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name or a name's number")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Name, A::Error> {
                use serde::de::Error;
                let n: u32 = seq
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(0, &self))?;
                if n == 0 {
                    let text: &str = seq
                        .next_element()?
                        .ok_or_else(|| A::Error::invalid_length(1, &self))?;
                    return Ok(TABLE.with(|table| match &mut *table.borrow_mut() {
                        Some(Table::Decode(names, shared)) => {
                            let name = if *shared {
                                Name::interned(text)
                            } else {
                                Name::from(text)
                            };
                            names.push(name.clone());
                            name
                        }
                        _ => Name::interned(text),
                    }));
                }
                TABLE
                    .with(|table| match &*table.borrow() {
                        Some(Table::Decode(names, _)) => names.get(n as usize - 1).cloned(),
                        _ => None,
                    })
                    .ok_or_else(|| A::Error::custom("a name's number out of its table"))
            }
        }
        if TABLE.with(|table| matches!(&*table.borrow(), Some(Table::Decode(..)))) {
            // A first occurrence reads two elements, a repeat one; the
            // encoding has no length to check (postcard reads on demand).
            deserializer.deserialize_tuple(2, Tabled)
        } else {
            deserializer.deserialize_str(Plain)
        }
    }
}

/// The names one encoding has seen (by text, numbered from 1), or the
/// names one decoding has read (in order), and whether a name read for
/// the first time is shared with the thread's earlier decodings.
enum Table {
    Encode(Seen),
    Decode(Vec<Name>, bool),
}

/// The names one encoding has written, numbered from 1, found by their
/// text (a repeat is looked up without copying or counting the name).
struct Seen(Numbered<ArcStr>);

impl Default for Seen {
    /// Sized for most encodings' names, so that they never grow it (the
    /// standard library's: half name at most 13, three quarters 48).
    fn default() -> Self {
        Self(Numbered::with_capacity(64))
    }
}

impl Seen {
    /// `(the name's number, whether this is its first occurrence)`.
    fn number(&mut self, name: &ArcStr) -> (u32, bool) {
        let (n, first) = self.0.number_with(name.as_str(), || name.clone());
        (n + 1, first)
    }
}

thread_local! {
    static TABLE: RefCell<Option<Table>> = const { RefCell::new(None) };
}

/// Restores the thread's table on the way out, a panic included.
struct Scope(Option<Table>);

impl Scope {
    fn enter(table: Table) -> Scope {
        Scope(TABLE.with(|t| t.replace(Some(table))))
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        let outer = self.0.take();
        TABLE.with(|t| *t.borrow_mut() = outer);
    }
}

/// `value` encoded with each name's text written once: a summary repeats
/// its names (a module's prefix in each function's name, the classes its
/// values stand for). Decode with [`decode_with_table`].
pub fn encode_with_table<T: Serialize + ?Sized>(value: &T) -> postcard::Result<Vec<u8>> {
    let _scope = Scope::enter(Table::Encode(Seen::default()));
    postcard::to_stdvec(value)
}

/// Decodes what [`encode_with_table`] encoded. A repeated name is the
/// table's copy, found without hashing its text; a name read for the first
/// time is shared with the thread's earlier decodings (the summaries, which
/// the index holds together, name the same classes and modules).
pub fn decode_with_table<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> postcard::Result<T> {
    let _scope = Scope::enter(Table::Decode(Vec::new(), true));
    postcard::from_bytes(bytes)
}

/// [`decode_with_table`] for a value whose names are shared within it
/// only: one file's pending sites, decoded, answered and freed one file
/// after another.
pub fn decode_with_own_table<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> postcard::Result<T> {
    let _scope = Scope::enter(Table::Decode(Vec::new(), false));
    postcard::from_bytes(bytes)
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

    #[test]
    fn a_table_writes_each_text_once_and_decodes_it_back() {
        let names: Vec<Name> = ["pkg.mod.f", "pkg.mod.g", "pkg.mod.f", "pkg.mod.f"]
            .into_iter()
            .map(Name::from)
            .collect();
        let value = (names.clone(), Some(Name::from("pkg.mod.g")));
        let tabled = encode_with_table(&value).unwrap();
        let plain = postcard::to_stdvec(&value).unwrap();
        assert!(tabled.len() < plain.len(), "{tabled:?} {plain:?}");
        assert_eq!(tabled.windows(9).filter(|w| w == b"pkg.mod.f").count(), 1);
        let back: (Vec<Name>, Option<Name>) = decode_with_table(&tabled).unwrap();
        assert_eq!(back, value);
        assert!(ArcStr::ptr_eq(&back.0[0].0, &back.0[3].0));
        // Outside a table, names are plain strings again.
        assert_eq!(postcard::to_stdvec(&value).unwrap(), plain);
        let again: (Vec<Name>, Option<Name>) = postcard::from_bytes(&plain).unwrap();
        assert_eq!(again, value);
        // An own table shares names within one value only.
        let own: (Vec<Name>, Option<Name>) = decode_with_own_table(&tabled).unwrap();
        assert_eq!(own, value);
        assert!(ArcStr::ptr_eq(&own.0[0].0, &own.0[3].0));
        assert!(!ArcStr::ptr_eq(&own.0[0].0, &back.0[0].0));
        // A number beyond the table is an error, not a panic.
        assert!(decode_with_table::<Vec<Name>>(&[1, 5]).is_err());
    }
}
