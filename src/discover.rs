//! Finding the Python files to check: `.gitignore`/`.ignore`/global excludes
//! through the `ignore` crate, the default excluded folders and the config's
//! globs. Files named explicitly are always checked unless `--force-exclude`.

use std::path::{Component, Path, PathBuf};

use ignore::WalkBuilder;

use crate::settings::Settings;

#[derive(Debug)]
pub enum DiscoverError {
    NotFound(PathBuf),
    Walk(String),
}

impl std::fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiscoverError::NotFound(p) => write!(f, "{}: No such file or directory", p.display()),
            DiscoverError::Walk(e) => f.write_str(e),
        }
    }
}

/// `path` made absolute and lexically normalized (`a/./b/../c` → `a/c`),
/// without touching the file system's symlinks.
pub fn normalize(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The files to check, sorted and without duplicates.
pub fn discover(
    paths: &[PathBuf],
    settings: &Settings,
    force_exclude: bool,
) -> Result<Vec<PathBuf>, DiscoverError> {
    let mut files = Vec::new();
    for path in paths {
        let metadata =
            std::fs::metadata(path).map_err(|_| DiscoverError::NotFound(path.clone()))?;
        if metadata.is_file() {
            if !(force_exclude
                && settings
                    .excluder()
                    .is_excluded_or_in_excluded(&normalize(path)))
            {
                files.push(path.clone());
            }
            continue;
        }
        if force_exclude && settings.is_excluded(path) {
            continue;
        }
        let respect = settings.respect_gitignore;
        let mut walk = WalkBuilder::new(path);
        walk.hidden(false)
            .git_ignore(respect)
            .git_global(respect)
            .git_exclude(respect)
            .ignore(respect)
            .parents(respect)
            // As Ruff and git: a `.gitignore` counts inside a git repository.
            .require_git(true)
            .follow_links(false);
        let excluder = settings.excluder().clone();
        for entry in walk
            .filter_entry(move |entry| entry.depth() == 0 || !excluder.is_excluded(entry.path()))
            .build()
        {
            let entry = entry.map_err(|e| DiscoverError::Walk(e.to_string()))?;
            if entry.file_type().is_some_and(|t| t.is_file())
                && entry.path().extension().is_some_and(|e| e == "py")
            {
                files.push(entry.into_path());
            }
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}
