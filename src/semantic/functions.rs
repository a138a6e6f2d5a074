//! The project's functions, as the files' lock events record them, numbered
//! once for the project stage. The effects solve and the lock graph both
//! follow calls from function to function by these numbers, and both look
//! functions up by qualified name in the one table here (all 12 benchmark
//! packages: 71,324 functions; each kept its own table and list before).
//!
//! Modules are numbered in module-name order, each one's functions
//! together and in the order its lock events list them: the lock graph
//! visits functions in that order, and the first site of an edge it finds
//! is the one its messages show.

use rustc_hash::FxHashMap;

use crate::semantic::index::{FileSummary, FunctionLocks, ProjectIndex};

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
    pub(super) fn build(index: &ProjectIndex) -> Self {
        let mut modules: Vec<(u32, &FileSummary)> = index
            .modules_with_positions()
            .filter(|(_, module)| !module.lock_events.functions.is_empty())
            .collect();
        modules.sort_unstable_by(|a, b| a.1.module.cmp(&b.1.module));
        let mut table = FunctionTable::default();
        for (position, module) in modules {
            let start = table.functions.len() as FunctionId;
            for (i, function) in module.lock_events.functions.iter().enumerate() {
                table.insert(index, &function.name, position, i as u32);
            }
            let end = table.functions.len() as FunctionId;
            table.modules.push((position, start..end));
        }
        table
    }

    /// How many functions there are (ids are `0..len`).
    pub fn len(&self) -> usize {
        self.functions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
    }

    /// Each module with functions (by its position in the index), with
    /// its functions' ids, in module-name order.
    pub fn modules(&self) -> &[(u32, std::ops::Range<FunctionId>)] {
        &self.modules
    }

    /// The position in the index of the module defining function `id`.
    pub fn position(&self, id: FunctionId) -> u32 {
        self.functions[id as usize].0
    }

    /// The function with this id, and its module, as the index holds them.
    pub fn function<'i>(
        &self,
        index: &'i ProjectIndex,
        id: FunctionId,
    ) -> Option<(&'i FileSummary, &'i FunctionLocks)> {
        let (position, function) = *self.functions.get(id as usize)?;
        let module = index.summary_at(position);
        Some((module, module.lock_events.functions.get(function as usize)?))
    }

    /// The id of the (first) function with this qualified name.
    pub fn id(&self, index: &ProjectIndex, name: &str) -> Option<FunctionId> {
        match self.ids.get(&name_hash(name)) {
            Some(&id)
                if self
                    .function(index, id)
                    .is_some_and(|(_, f)| f.name == name) =>
            {
                Some(id)
            }
            Some(_) => self.collided.get(name).copied(),
            None => None,
        }
    }

    /// Gives the function the next id; its name finds it unless an earlier
    /// function has the name.
    fn insert(&mut self, index: &ProjectIndex, name: &str, position: u32, function: u32) {
        let id = self.functions.len() as FunctionId;
        let named = self.id(index, name).is_some();
        self.functions.push((position, function));
        if named {
            return;
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::index::FileSummary;

    fn module(name: &str, functions: &[&str]) -> FileSummary {
        let mut summary = FileSummary {
            module: name.to_string(),
            ..Default::default()
        };
        summary.lock_events.functions = functions
            .iter()
            .map(|f| FunctionLocks {
                name: format!("{name}.{f}").as_str().into(),
                ..Default::default()
            })
            .collect();
        summary
    }

    #[test]
    fn functions_are_numbered_by_module_name_and_found_by_name() {
        let index = ProjectIndex::new([
            module("shop.bank", &["deposit", "refund", "deposit"]),
            module("shop.app", &["main"]),
            module("shop.empty", &[]),
        ]);
        let table = index.function_table();
        assert_eq!(table.len(), 4);
        let names: Vec<&str> = (0..4)
            .map(|id| table.function(&index, id).unwrap().1.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "shop.app.main",
                "shop.bank.deposit",
                "shop.bank.refund",
                "shop.bank.deposit"
            ]
        );
        // A name defined twice is its first definition; every definition
        // is numbered (the lock graph visits each one).
        assert_eq!(table.id(&index, "shop.bank.deposit"), Some(1));
        assert_eq!(table.id(&index, "shop.bank.refund"), Some(2));
        assert_eq!(table.id(&index, "shop.bank.missing"), None);
        let ranges: Vec<_> = table.modules().iter().map(|(_, r)| r.clone()).collect();
        assert_eq!(ranges, [0..1, 1..4]);
        assert_eq!(
            table.function(&index, 4).map(|(m, _)| m.module.clone()),
            None
        );
    }
}
