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

/// The hash functions are looked up by.
fn name_hash(name: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(name.as_bytes())
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

    /// The id of the (first) function with this qualified name;
    /// `name_at` gives the name of the function at a place.
    pub fn id<'n>(
        &self,
        name: &str,
        name_at: impl Fn(u32, u32) -> Option<&'n str>,
    ) -> Option<FunctionId> {
        match self.ids.get(&name_hash(name)) {
            Some(&id)
                if self
                    .place(id)
                    .and_then(|(module, function)| name_at(module, function))
                    == Some(name) =>
            {
                Some(id)
            }
            Some(_) => self.collided.get(name).copied(),
            None => None,
        }
    }

    /// Numbers the functions `names` of the module at `position`, in order;
    /// a name finds its function unless an earlier function has the name.
    pub fn add_module<'n>(
        &mut self,
        position: u32,
        names: impl Iterator<Item = &'n str>,
        name_at: impl Fn(u32, u32) -> Option<&'n str> + Copy,
    ) {
        let start = self.functions.len() as FunctionId;
        for (i, name) in names.enumerate() {
            let id = self.functions.len() as FunctionId;
            let named = self.id(name, name_at).is_some();
            self.functions.push((position, i as u32));
            if named {
                continue;
            }
            match self.ids.entry(name_hash(name)) {
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert(id);
                }
                std::collections::hash_map::Entry::Occupied(_) => {
                    self.collided.insert(name.to_string(), id);
                }
            }
        }
        let end = self.functions.len() as FunctionId;
        self.modules.push((position, start..end));
    }
}
