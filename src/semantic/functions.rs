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

use rustc_hash::FxHashMap;

use crate::semantic::qualified_name::join;

/// A function's number in the [`FunctionTable`].
pub type FunctionId = u32;

#[derive(Default)]
pub struct FunctionTable {
    /// Ids by a hash of the qualified name (the names stay in the index,
    /// not copied here); the name is checked on every lookup. A name
    /// defined twice (`if`/`else`) is found as its first definition.
    ids: FxHashMap<u64, FunctionId>,
    /// Names whose hash another name already had (normally none).
    collided: FxHashMap<String, FunctionId>,
    /// `(the module's position in the index, the function's position in
    /// its summary's lock events)`.
    functions: Vec<(u32, u32)>,
    /// Each module with functions, by position, and its functions' ids.
    modules: Vec<(u32, std::ops::Range<FunctionId>)>,
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
        self.id_hashed(name_hash(name), name, named)
    }

    fn id_hashed(
        &self,
        hash: u64,
        name: &str,
        named: impl Fn(u32, u32, &str) -> bool,
    ) -> Option<FunctionId> {
        match self.ids.get(&hash) {
            Some(&id)
                if self
                    .place(id)
                    .is_some_and(|(module, function)| named(module, function, name)) =>
            {
                Some(id)
            }
            Some(_) => self.collided.get(name).copied(),
            None => None,
        }
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
            let hash = parts_hash(module, local);
            // Only a name seen before (or a collision) is joined.
            let seen = self
                .ids
                .contains_key(&hash)
                .then(|| qualified(module, local));
            let named_before = seen
                .as_deref()
                .is_some_and(|name| self.id_hashed(hash, name, named).is_some());
            self.functions.push((position, i as u32));
            if named_before {
                continue;
            }
            match self.ids.entry(hash) {
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert(id);
                }
                std::collections::hash_map::Entry::Occupied(_) => {
                    let name = seen.unwrap_or_else(|| qualified(module, local));
                    self.collided.insert(name, id);
                }
            }
        }
        let end = self.functions.len() as FunctionId;
        self.modules.push((position, start..end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
