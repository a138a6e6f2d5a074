//! [`Numbered`]: values kept once each, numbered in the order they came.

use std::borrow::Borrow;
use std::hash::{BuildHasher, Hash};

/// Values kept once each, in a vector, and numbered by their position
/// there; a value is found again by hash. The table keeps each value's
/// hash beside its number: growing it hashes nothing again.
pub struct Numbered<T> {
    numbers: hashbrown::HashTable<(u64, u32)>,
    values: Vec<T>,
}

impl<T> Default for Numbered<T> {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl<T> Numbered<T> {
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            numbers: hashbrown::HashTable::with_capacity(capacity),
            values: Vec::with_capacity(capacity),
        }
    }

    /// The number of the value equal to `key`, made by `make` and kept if
    /// there is none yet; `true` when it was made now.
    pub fn number_with<Q>(&mut self, key: &Q, make: impl FnOnce() -> T) -> (u32, bool)
    where
        T: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = rustc_hash::FxBuildHasher.hash_one(key);
        match self.find(hash, key) {
            Some(n) => (n, false),
            None => (self.push(hash, make()), true),
        }
    }

    /// The number of `value`, kept if no equal one is.
    pub fn number(&mut self, value: T) -> u32
    where
        T: Hash + Eq,
    {
        let hash = rustc_hash::FxBuildHasher.hash_one(&value);
        match self.find(hash, &value) {
            Some(n) => n,
            None => self.push(hash, value),
        }
    }

    fn find<Q>(&self, hash: u64, key: &Q) -> Option<u32>
    where
        T: Borrow<Q>,
        Q: Eq + ?Sized,
    {
        let values = &self.values;
        self.numbers
            .find(hash, |&(_, n)| values[n as usize].borrow() == key)
            .map(|&(_, n)| n)
    }

    fn push(&mut self, hash: u64, value: T) -> u32 {
        let n = self.values.len() as u32;
        self.values.push(value);
        self.numbers
            .insert_unique(hash, (hash, n), |&(hash, _)| hash);
        n
    }

    /// The values, in number order.
    pub fn into_vec(self) -> Vec<T> {
        self.values
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_get_one_number() {
        let mut set = Numbered::default();
        assert_eq!(set.number("a".to_string()), 0);
        assert_eq!(set.number("b".to_string()), 1);
        assert_eq!(set.number("a".to_string()), 0);
        assert_eq!(set.number_with("b", || unreachable!()), (1, false));
        assert_eq!(set.number_with("c", || "c".to_string()), (2, true));
        // Past the first growth of the table, the numbers stay.
        for i in 0..100 {
            set.number(i.to_string());
        }
        assert_eq!(set.number("a".to_string()), 0);
        assert_eq!(set.number("99".to_string()), 102);
        assert_eq!(set.into_vec()[..3], ["a", "b", "c"]);
    }
}
