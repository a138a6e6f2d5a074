//! Dotted names an expression resolves to through imports: `t.sleep` after
//! `import time as t` is `time.sleep`.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QualifiedName(String);

impl QualifiedName {
    pub fn new(dotted: impl Into<String>) -> Self {
        Self(dotted.into())
    }

    /// A name of the builtins module (`open` → `builtins.open`).
    pub fn builtin(name: &str) -> Self {
        let mut dotted = String::with_capacity(9 + name.len());
        dotted.push_str("builtins.");
        dotted.push_str(name);
        Self(dotted)
    }

    pub fn into_string(self) -> String {
        self.0
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn append(mut self, member: &str) -> Self {
        self.0.push('.');
        self.0.push_str(member);
        self
    }

    pub fn is(&self, dotted: &str) -> bool {
        self.0 == dotted
    }

    pub fn is_any(&self, names: &[&str]) -> bool {
        names.contains(&self.0.as_str())
    }

    /// The last segment (`sleep` for `time.sleep`).
    pub fn member(&self) -> &str {
        self.0.rsplit('.').next().unwrap_or(&self.0)
    }

    /// Everything before the last segment (`time` for `time.sleep`).
    pub fn parent(&self) -> Option<&str> {
        self.0.rsplit_once('.').map(|(p, _)| p)
    }
}

/// The parts joined with dots (`["pkg.mod", "Class"]` → `pkg.mod.Class`),
/// every part kept, as `format!("{a}.{b}")` would (unlike
/// [`crate::semantic::model::dotted`], which skips empty parts), in one
/// allocation of the exact size: `format!` takes about ten times the
/// instructions, and the index joins names at every method question.
pub fn join(parts: &[&str]) -> String {
    let len = parts.iter().map(|p| p.len() + 1).sum::<usize>();
    let mut out = String::with_capacity(len.saturating_sub(1));
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        out.push_str(part);
    }
    out
}

/// `pkg.mod.name` → `("pkg.mod", "name")`: `str::rsplit_once('.')` with a
/// vectorized search (the index splits names at every lookup).
pub fn split_member(name: &str) -> Option<(&str, &str)> {
    let dot = memchr::memrchr(b'.', name.as_bytes())?;
    Some((&name[..dot], &name[dot + 1..]))
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::{join, split_member};

    #[test]
    fn join_keeps_every_part_as_format_would() {
        for parts in [&["pkg.mod", "Class", "m"][..], &["", "x"], &["a"], &[]] {
            let joined = join(parts);
            assert_eq!(joined, parts.join("."));
            assert_eq!(joined.capacity(), joined.len());
        }
    }

    #[test]
    fn split_member_splits_at_the_last_dot() {
        assert_eq!(split_member("pkg.mod.name"), Some(("pkg.mod", "name")));
        assert_eq!(split_member("name"), None);
        assert_eq!(split_member("pkg."), Some(("pkg", "")));
        assert_eq!(split_member("é.ü"), Some(("é", "ü")));
    }
}
