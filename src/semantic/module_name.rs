//! Module names from file paths: the chain of package folders (those with an
//! `__init__.py`) above the file, or the path below a configured `src` root.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleName {
    pub name: String,
    /// `__init__.py`: relative imports resolve from the package itself.
    pub is_package: bool,
}

/// Remembers which folders are packages, so a project's files cost one
/// `stat` per folder, and each folder's dotted name, so the files of one
/// folder cost one lookup.
#[derive(Default)]
pub struct ModuleNamer {
    roots: Vec<PathBuf>,
    is_package_dir: FxHashMap<PathBuf, bool>,
    folder_names: FxHashMap<PathBuf, String>,
}

impl ModuleNamer {
    pub fn new(roots: Vec<PathBuf>) -> Self {
        Self {
            roots,
            is_package_dir: FxHashMap::default(),
            folder_names: FxHashMap::default(),
        }
    }

    pub fn module_name(&mut self, path: &Path) -> ModuleName {
        let is_package = path.file_name().is_some_and(|n| n == "__init__.py");
        let parent = path.parent().unwrap_or(Path::new(""));
        let folder = match self.folder_names.get(parent) {
            Some(folder) => folder.clone(),
            None => {
                let folder = self.folder_name(parent);
                self.folder_names
                    .insert(parent.to_path_buf(), folder.clone());
                folder
            }
        };
        let name = if is_package {
            folder
        } else {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            if folder.is_empty() {
                stem.into_owned()
            } else {
                format!("{folder}.{stem}")
            }
        };
        ModuleName { name, is_package }
    }

    /// The dotted name of the package a folder is (`""` for none): its path
    /// below the deepest `src` root holding it, else the chain of package
    /// folders (with an `__init__.py`) ending in it.
    fn folder_name(&mut self, dir: &Path) -> String {
        if let Some(root) = self
            .roots
            .iter()
            .filter(|r| dir.starts_with(r))
            .max_by_key(|r| r.components().count())
        {
            let rel = dir.strip_prefix(root).unwrap_or(Path::new(""));
            let names: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            return names.join(".");
        }
        let mut parts: Vec<String> = Vec::new();
        let mut dir = dir.to_path_buf();
        while self.is_package(&dir) {
            let Some(name) = dir.file_name() else { break };
            parts.push(name.to_string_lossy().into_owned());
            if !dir.pop() {
                break;
            }
        }
        parts.reverse();
        parts.join(".")
    }

    fn is_package(&mut self, dir: &Path) -> bool {
        if dir.as_os_str().is_empty() {
            return false;
        }
        if let Some(&known) = self.is_package_dir.get(dir) {
            return known;
        }
        let known = dir.join("__init__.py").is_file();
        self.is_package_dir.insert(dir.to_path_buf(), known);
        known
    }
}

/// The absolute module a relative import names: `from ..x import y` at
/// `level` 2 inside `shop.api.views` is `shop.x`.
pub fn resolve_relative(current: &ModuleName, level: u32, module: Option<&str>) -> Option<String> {
    let mut parts: Vec<&str> = current.name.split('.').filter(|p| !p.is_empty()).collect();
    // Level 1 is the package that contains this module (a package contains
    // its own `__init__`); each further level goes one package up.
    if !current.is_package {
        parts.pop()?;
    }
    let strip = (level as usize).checked_sub(1)?;
    if strip > parts.len() {
        return None;
    }
    parts.truncate(parts.len() - strip);
    if let Some(module) = module {
        parts.push(module);
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(name: &str, is_package: bool) -> ModuleName {
        ModuleName {
            name: name.into(),
            is_package,
        }
    }

    #[test]
    fn relative_imports() {
        assert_eq!(
            resolve_relative(&m("shop.api", false), 1, Some("db")).as_deref(),
            Some("shop.db")
        );
        assert_eq!(
            resolve_relative(&m("shop", true), 1, Some("db")).as_deref(),
            Some("shop.db")
        );
        assert_eq!(
            resolve_relative(&m("shop.api.views", false), 2, Some("db")).as_deref(),
            Some("shop.db")
        );
        assert_eq!(
            resolve_relative(&m("shop.api", false), 1, None).as_deref(),
            Some("shop")
        );
        assert_eq!(resolve_relative(&m("top", false), 2, Some("x")), None);
    }

    #[test]
    fn module_names_follow_init_files() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("app/store");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(dir.path().join("app/__init__.py"), "").unwrap();
        std::fs::write(pkg.join("__init__.py"), "").unwrap();
        let mut namer = ModuleNamer::default();
        assert_eq!(
            namer.module_name(&pkg.join("db.py")),
            m("app.store.db", false)
        );
        assert_eq!(
            namer.module_name(&pkg.join("__init__.py")),
            m("app.store", true)
        );
        assert_eq!(
            namer.module_name(&dir.path().join("script.py")),
            m("script", false)
        );
        let mut with_root = ModuleNamer::new(vec![dir.path().to_path_buf()]);
        assert_eq!(
            with_root.module_name(&dir.path().join("app/x.py")),
            m("app.x", false)
        );
    }
}
