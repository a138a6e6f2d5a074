//! Finding the Python files to check: `.gitignore`/`.ignore`/global excludes
//! through the `ignore` crate, the default excluded folders and the config's
//! globs. Files named explicitly are always checked unless `--force-exclude`.

use std::path::{Component, Path, PathBuf};

use ignore::{WalkBuilder, WalkState};

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

/// The files to check, absolute and lexically normalized (see
/// [`normalize`]), sorted and without duplicates.
///
/// Each folder is walked from its normalized path, so its files need no
/// normalization of their own, and they are sorted by [`path_order`]:
/// sorting 2,000 paths with `Path::cmp` (component by component) and
/// normalizing each cost a warm pre-commit run more than the walk itself.
pub fn discover(
    paths: &[PathBuf],
    settings: &Settings,
    force_exclude: bool,
) -> Result<Vec<PathBuf>, DiscoverError> {
    let mut files = Vec::new();
    let mut folders = Vec::new();
    for path in paths {
        let metadata =
            std::fs::metadata(path).map_err(|_| DiscoverError::NotFound(path.clone()))?;
        let path = normalize(path);
        if metadata.is_file() {
            if !(force_exclude && settings.excluder().is_excluded_or_in_excluded(&path)) {
                files.push(path);
            }
            continue;
        }
        if force_exclude && settings.is_excluded(&path) {
            continue;
        }
        folders.push(path);
    }
    // One walk of all the folders, on several threads.
    if let Some((first, rest)) = folders.split_first() {
        let respect = settings.respect_gitignore;
        let mut walk = WalkBuilder::new(first);
        for folder in rest {
            walk.add(folder);
        }
        walk.hidden(false)
            .git_ignore(respect)
            .git_global(respect)
            .git_exclude(respect)
            .ignore(respect)
            .parents(respect)
            // As Ruff and git: a `.gitignore` counts inside a git repository.
            .require_git(true)
            .follow_links(false);
        // As many threads as the checks: one per CPU, or as many as
        // `RAYON_NUM_THREADS` says.
        let threads = std::env::var("RAYON_NUM_THREADS").ok();
        if let Some(n) = threads.and_then(|n| n.parse::<usize>().ok()) {
            walk.threads(n);
        }
        let excluder = settings.excluder().clone();
        walk.filter_entry(move |entry| entry.depth() == 0 || !excluder.is_excluded(entry.path()));
        walk_in_parallel(walk, &mut files)?;
    }
    files.sort_unstable_by(|a, b| path_order(a, b));
    files.dedup();
    Ok(files)
}

/// The Python files of one walk, on several threads (reading folders is
/// most of a warm pre-commit run's discovery), in no particular order. A
/// folder that cannot be read ends the walk: its error, or the first of
/// several by their text, is the result.
fn walk_in_parallel(walk: WalkBuilder, files: &mut Vec<PathBuf>) -> Result<(), DiscoverError> {
    let (sender, receiver) = crossbeam_channel::unbounded();
    walk.build_parallel().run(|| {
        let sender = sender.clone();
        Box::new(move |entry| {
            let found = match entry {
                Ok(entry) => {
                    if !(entry.file_type().is_some_and(|t| t.is_file())
                        && entry.path().extension().is_some_and(|e| e == "py"))
                    {
                        return WalkState::Continue;
                    }
                    Ok(entry.into_path())
                }
                Err(error) => Err(error.to_string()),
            };
            let quit = found.is_err();
            // The receiver lives until every visitor is done.
            let _ = sender.send(found);
            if quit {
                WalkState::Quit
            } else {
                WalkState::Continue
            }
        })
    });
    drop(sender);
    let mut first_error: Option<String> = None;
    for found in receiver {
        match found {
            Ok(path) => files.push(path),
            Err(error) => {
                if first_error.as_ref().is_none_or(|first| error < *first) {
                    first_error = Some(error);
                }
            }
        }
    }
    match first_error {
        Some(error) => Err(DiscoverError::Walk(error)),
        None => Ok(()),
    }
}

/// `a.cmp(b)` for normalized paths (no `.` or `..`, no repeated or
/// trailing separator), byte by byte: a separator sorts before every other
/// byte, as a shorter component sorts first (`a/x.py` < `a.py` < `a0`).
/// Paths compare component by component otherwise, which costs several
/// hundred instructions a comparison where the paths share a long prefix.
pub fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let (a, b) = (a.as_os_str().as_bytes(), b.as_os_str().as_bytes());
        // The common prefix, eight bytes at a time first.
        let shorter = a.len().min(b.len());
        let mut common = 0;
        while common + 8 <= shorter && a[common..common + 8] == b[common..common + 8] {
            common += 8;
        }
        while common < shorter && a[common] == b[common] {
            common += 1;
        }
        let key = |bytes: &[u8]| bytes.get(common).map(|&c| if c == b'/' { 0 } else { c });
        // `None` (the path ended) sorts first, then the separator.
        key(a).cmp(&key(b))
    }
    #[cfg(not(unix))]
    {
        a.cmp(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_order_is_the_order_of_paths() {
        let mut paths: Vec<PathBuf> = [
            "/p/a.py",
            "/p/a/x.py",
            "/p/a-b/x.py",
            "/p/a/b.py",
            "/p/ab.py",
            "/p/a",
            "/p/a0",
            "/p/a/b/c.py",
            "/p/a.b/c.py",
            "/p/a /x.py",
            "/p/é.py",
            "/p/e.py",
            "/q",
            "/p",
            "/p/a/b",
            "/p/a",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut expected = paths.clone();
        expected.sort();
        paths.sort_by(|a, b| path_order(a, b));
        assert_eq!(paths, expected);
        for a in &expected {
            for b in &expected {
                assert_eq!(path_order(a, b), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }
}
