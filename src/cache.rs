//! The per-file cache (`.pitfalls_cache/`): a file's whole report, keyed by
//! a hash of its content, its path and module name, the tool version and
//! the settings that change results. Pre-commit runs that name a few files
//! still index the whole project; with a warm cache only changed files are
//! parsed. Entries are written atomically (temp file + rename); an entry
//! that cannot be read or parsed is a miss, never an error.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::report::FileReport;
use crate::semantic::ModuleName;
use crate::settings::FileSettings;

/// Bump when the report format changes in a way serde would still accept.
const FORMAT: u32 = 10;

pub struct Cache {
    dir: PathBuf,
}

/// The key of one file's entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheKey(u128);

impl Cache {
    /// Opens (creating if needed) `<root>/.pitfalls_cache`. `None` when the
    /// folder cannot be made: the run goes on without a cache.
    pub fn open(root: &Path) -> Option<Cache> {
        let dir = root.join(".pitfalls_cache");
        if !dir.is_dir() {
            std::fs::create_dir_all(&dir).ok()?;
        }
        let ignore = dir.join(".gitignore");
        if !ignore.exists() {
            // The cache is never committed.
            let _ = write_atomic(&dir, &ignore, b"# Automatically created by pitfalls.\n*\n");
        }
        Some(Cache { dir })
    }

    pub fn key(
        path: &Path,
        module: &ModuleName,
        settings: &FileSettings,
        content: &[u8],
    ) -> CacheKey {
        let mut hasher = Xxh3Hasher(xxhash_rust::xxh3::Xxh3::new());
        FORMAT.hash(&mut hasher);
        env!("CARGO_PKG_VERSION").hash(&mut hasher);
        path.hash(&mut hasher);
        module.name.hash(&mut hasher);
        module.is_package.hash(&mut hasher);
        settings.hash(&mut hasher);
        content.hash(&mut hasher);
        CacheKey(hasher.0.digest128())
    }

    fn entry(&self, key: CacheKey) -> PathBuf {
        self.dir.join(format!("{:032x}", key.0))
    }

    /// The whole report of an unchanged file (`None` on a miss).
    pub fn get(&self, key: CacheKey) -> Option<FileReport> {
        self.read(key, true)
    }

    /// Only the summary of an unchanged file, for a file indexed but not
    /// reported (a pre-commit run naming a few files): its findings,
    /// questions and suppressions are not decoded. The rest of the report
    /// is empty.
    pub fn get_summary(&self, key: CacheKey) -> Option<FileReport> {
        self.read(key, false)
    }

    fn read(&self, key: CacheKey, whole: bool) -> Option<FileReport> {
        let bytes = std::fs::read(self.entry(key)).ok()?;
        // Header: the key and a checksum of the payload, so a truncated,
        // corrupted or misplaced entry is a miss, never a wrong result.
        let (header, payload) = bytes.split_at_checked(24)?;
        if header[..16] != key.0.to_le_bytes()
            || header[16..] != xxhash_rust::xxh3::xxh3_64(payload).to_le_bytes()
        {
            return None;
        }
        // Payload: the summary's length (u32), the summary, the rest.
        let (length, payload) = payload.split_at_checked(4)?;
        let length = u32::from_le_bytes(length.try_into().ok()?) as usize;
        let (summary, rest) = payload.split_at_checked(length)?;
        let summary = postcard::from_bytes(summary).ok()?;
        if !whole {
            return Some(FileReport {
                summary,
                ..Default::default()
            });
        }
        let (path, findings, questions, pending, suppressions, unused_noqa, error): Rest =
            postcard::from_bytes(rest).ok()?;
        Some(FileReport {
            path,
            findings,
            summary,
            questions,
            pending,
            suppressions,
            unused_noqa,
            error,
            // Reports with a note (over the time budget) are never stored.
            note: None,
        })
    }

    /// Stores a report; failures are ignored (the cache is an optimisation).
    pub fn put(&self, key: CacheKey, report: &FileReport) {
        let Ok(summary) = postcard::to_stdvec(&report.summary) else {
            return;
        };
        let Ok(length) = u32::try_from(summary.len()) else {
            return;
        };
        let rest = (
            &report.path,
            &report.findings,
            &report.questions,
            &report.pending,
            &report.suppressions,
            report.unused_noqa,
            &report.error,
        );
        let Ok(rest) = postcard::to_stdvec(&rest) else {
            return;
        };
        let mut payload = Vec::with_capacity(4 + summary.len() + rest.len());
        payload.extend_from_slice(&length.to_le_bytes());
        payload.extend_from_slice(&summary);
        payload.extend_from_slice(&rest);
        let mut bytes = Vec::with_capacity(payload.len() + 24);
        bytes.extend_from_slice(&key.0.to_le_bytes());
        bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&payload).to_le_bytes());
        bytes.extend_from_slice(&payload);
        let _ = write_atomic(&self.dir, &self.entry(key), &bytes);
    }
}

/// A report without its summary, as stored after it.
type Rest = (
    std::path::PathBuf,
    Vec<crate::finding::Finding>,
    Vec<crate::semantic::index::Question>,
    Vec<crate::finding::Pending>,
    crate::noqa::Suppressions,
    bool,
    Option<String>,
);

struct Xxh3Hasher(xxhash_rust::xxh3::Xxh3);

impl Hasher for Xxh3Hasher {
    fn finish(&self) -> u64 {
        self.0.digest()
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// Writes `bytes` to `target` through a temporary file in `dir` and a
/// rename, so a reader never sees half an entry and two runs at once do not
/// corrupt it.
pub fn write_atomic(dir: &Path, target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(bytes)?;
    file.persist(target).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Rule;

    fn module() -> ModuleName {
        ModuleName {
            name: "app.views".into(),
            is_package: false,
        }
    }

    #[test]
    fn round_trip_and_corrupt_entries() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        assert!(dir.path().join(".pitfalls_cache/.gitignore").is_file());
        let settings = FileSettings::default();
        let key = Cache::key(Path::new("a.py"), &module(), &settings, b"x = 1\n");
        assert!(cache.get(key).is_none());
        let report = FileReport {
            path: PathBuf::from("a.py"),
            ..Default::default()
        };
        cache.put(key, &report);
        assert_eq!(cache.get(key).unwrap().path, PathBuf::from("a.py"));
        // The summary alone: the rest of the report is not decoded.
        let summary = cache.get_summary(key).unwrap();
        assert_eq!(summary.path, PathBuf::new());
        assert!(summary.summary.is_none());
        // A flipped byte is a miss, not a wrong report.
        let mut entry = std::fs::read(cache.entry(key)).unwrap();
        let last = entry.len() - 1;
        entry[last] ^= 0x40;
        std::fs::write(cache.entry(key), &entry).unwrap();
        assert!(cache.get(key).is_none());
        // A truncated entry is a miss, not an error.
        let entry = std::fs::read(cache.entry(key)).unwrap();
        std::fs::write(cache.entry(key), &entry[..entry.len() / 2]).unwrap();
        assert!(cache.get(key).is_none());
    }

    #[test]
    fn key_depends_on_content_settings_and_module() {
        let settings = FileSettings::default();
        let base = Cache::key(Path::new("a.py"), &module(), &settings, b"x = 1\n");
        assert_ne!(
            base,
            Cache::key(Path::new("a.py"), &module(), &settings, b"x = 2\n")
        );
        let mut other = settings.clone();
        other.rules.insert(Rule::UnawaitedCoroutine);
        assert_ne!(
            base,
            Cache::key(Path::new("a.py"), &module(), &other, b"x = 1\n")
        );
        let mut renamed = module();
        renamed.name = "app.other".into();
        assert_ne!(
            base,
            Cache::key(Path::new("a.py"), &renamed, &settings, b"x = 1\n")
        );
    }
}
