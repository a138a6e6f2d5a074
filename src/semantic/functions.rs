//! The project's functions, as the files' lock events record them, numbered
//! once for the project stage. The effects solve and the lock graph both
//! follow calls from function to function by these numbers, and both look
//! functions up by qualified name in the one table here (all 12 benchmark
//! packages: 71,324 functions; each kept its own table and list before).
//! The index builds it and answers with it (`ProjectIndex::function_table`,
//! `function`, `function_id`): the table itself holds numbers only, and
//! asks for a function's name by its place.
//!
//! Modules are numbered in module-name order, each one's functions
//! together and in the order its lock events list them: the lock graph
//! visits functions in that order, and the first site of an edge it finds
//! is the one its messages show.

use crate::semantic::qualified_name::join;

/// A function's number in the [`FunctionTable`].
pub type FunctionId = u32;

#[derive(Default)]
pub struct FunctionTable {
    /// `(id, the low half of the qualified name's hash)`, by that hash
    /// (the names stay in the index, not copied here); the name is checked
    /// on every lookup whose half-hash matches, so two names with one hash
    /// are both found. A name defined twice (`if`/`else`) is found as its
    /// first definition. Eight bytes an entry and sized once: all packages'
    /// 71,324 functions took 3.6 MB with a map of the whole hash that grew
    /// by doubling.
    ids: hashbrown::HashTable<(FunctionId, u32)>,
    /// `(the module's position in the index, the function's position in
    /// its summary's lock events)`.
    functions: Vec<(u32, u32)>,
    /// Each module with functions, by position, and its functions' ids.
    modules: Vec<(u32, std::ops::Range<FunctionId>)>,
}

/// The table's hash of an entry, from the half-hash it keeps (spread over
/// 64 bits: the table takes its buckets from the low bits and its tags
/// from the high ones).
fn table_hash(half: u32) -> u64 {
    u64::from(half).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The hash functions are looked up by: of the qualified name.
fn name_hash(name: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(name.as_bytes())
}

/// [`name_hash`] of `module.local` (of `local` alone when the module has
/// no name), without joining them.
fn parts_hash(module: &str, local: &str) -> u64 {
    if module.is_empty() {
        return name_hash(local);
    }
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(module.as_bytes());
    hasher.update(b".");
    hasher.update(local.as_bytes());
    hasher.digest()
}

/// `module.local`, the qualified name of a function its module's lock
/// events name `local`.
fn qualified(module: &str, local: &str) -> String {
    if module.is_empty() {
        local.to_string()
    } else {
        join(&[module, local])
    }
}

/// Is `name` the qualified name `module.local`?
pub fn is_qualified(name: &str, module: &str, local: &str) -> bool {
    if module.is_empty() {
        return name == local;
    }
    name.strip_prefix(module)
        .and_then(|rest| rest.strip_prefix('.'))
        == Some(local)
}

impl FunctionTable {
    /// A table for `functions` functions in `modules` modules.
    pub fn with_capacity(functions: usize, modules: usize) -> Self {
        Self {
            ids: hashbrown::HashTable::with_capacity(functions),
            functions: Vec::with_capacity(functions),
            modules: Vec::with_capacity(modules),
        }
    }

    /// How many functions there are (ids are `0..len`).
    pub fn len(&self) -> usize {
        self.functions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
    }

    /// Each module with functions (by its position in the index), with
    /// its functions' ids, in the order they were added.
    pub fn modules(&self) -> &[(u32, std::ops::Range<FunctionId>)] {
        &self.modules
    }

    /// Where function `id` is: `(its module's position in the index, its
    /// position in the module's lock events)`.
    pub fn place(&self, id: FunctionId) -> Option<(u32, u32)> {
        self.functions.get(id as usize).copied()
    }

    /// The id of the (first) function named `name`; `named(module,
    /// function, name)` says whether the function at that place has the
    /// qualified name `name`.
    pub fn id(&self, name: &str, named: impl Fn(u32, u32, &str) -> bool) -> Option<FunctionId> {
        self.id_hashed(name_hash(name) as u32, name, named)
    }

    fn id_hashed(
        &self,
        half: u32,
        name: &str,
        named: impl Fn(u32, u32, &str) -> bool,
    ) -> Option<FunctionId> {
        self.ids
            .find(table_hash(half), |&(id, h)| {
                h == half
                    && self
                        .place(id)
                        .is_some_and(|(module, function)| named(module, function, name))
            })
            .map(|&(id, _)| id)
    }

    /// Numbers the functions of the module `module` at `position`, which
    /// its lock events name `locals` (without the module's name), in
    /// order; a name finds its function unless an earlier function has
    /// the name.
    pub fn add_module<'n>(
        &mut self,
        position: u32,
        module: &str,
        locals: impl Iterator<Item = &'n str>,
        named: impl Fn(u32, u32, &str) -> bool + Copy,
    ) {
        let start = self.functions.len() as FunctionId;
        for (i, local) in locals.enumerate() {
            let id = self.functions.len() as FunctionId;
            let half = parts_hash(module, local) as u32;
            // Only a name whose half-hash was seen before is joined.
            let seen = self
                .ids
                .find(table_hash(half), |&(_, h)| h == half)
                .is_some();
            let named_before = seen
                && self
                    .id_hashed(half, &qualified(module, local), named)
                    .is_some();
            self.functions.push((position, i as u32));
            if !named_before {
                self.ids
                    .insert_unique(table_hash(half), (id, half), |&(_, h)| table_hash(h));
            }
        }
        let end = self.functions.len() as FunctionId;
        self.modules.push((position, start..end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustc_hash::FxHashMap;

    #[test]
    fn a_name_hashed_in_parts_hashes_as_joined() {
        for (module, local) in [("shop.bank", "Bank.refund"), ("", "main"), ("a", "a.f")] {
            let joined = qualified(module, local);
            assert_eq!(parts_hash(module, local), name_hash(&joined));
            assert!(is_qualified(&joined, module, local));
        }
        assert!(!is_qualified(
            "shop.bankBank.refund",
            "shop.bank",
            "Bank.refund"
        ));
        assert!(!is_qualified(
            "shop.bank.Bank.refund",
            "shop",
            "Bank.refund"
        ));
        assert!(!is_qualified("main", "m", "main"));
    }

    #[test]
    fn names_with_one_half_hash_are_each_found() {
        // Two names whose hashes agree in the low 32 bits, which the table
        // keeps (among 300,000 names, a pair is all but certain).
        let mut first: FxHashMap<u32, String> = FxHashMap::default();
        let (a, b) = (0..300_000)
            .find_map(|i| {
                let name = format!("Handler.method_{i}");
                let half = parts_hash("m", &name) as u32;
                match first.get(&half) {
                    Some(earlier) => Some((earlier.clone(), name)),
                    None => {
                        first.insert(half, name);
                        None
                    }
                }
            })
            .expect("a pair of names with one half-hash");
        let locals = [a.as_str(), b.as_str(), a.as_str()];
        let named = |_: u32, i: u32, name: &str| is_qualified(name, "m", locals[i as usize]);
        let mut table = FunctionTable::with_capacity(3, 1);
        table.add_module(0, "m", locals.iter().copied(), named);
        assert_eq!(table.len(), 3);
        assert_eq!(table.id(&format!("m.{a}"), named), Some(0));
        assert_eq!(table.id(&format!("m.{b}"), named), Some(1));
        assert_eq!(table.id("m.g", named), None);
    }
}
