//! The per-file cache (`.pitfalls_cache/`): a file's whole report, keyed by
//! a hash of its content, its path and module name, the tool version and
//! the settings that change results. Pre-commit runs that name a few files
//! still index the whole project; with a warm cache only changed files are
//! parsed. Entries are written atomically (temp file + rename); an entry
//! that cannot be read or parsed is a miss, never an error.
//!
//! The content hash of an unchanged file is not computed again: one file,
//! `stat-index`, remembers each file's hash with the metadata it was read
//! with (size, modification and change times, inode, device, mode), as git's
//! index does. A file whose metadata differs is read and hashed. A file
//! changed within [`RACY_SECONDS`] of the run's start is never remembered
//! ("racy", as git calls it): a second write in the same timestamp tick
//! could keep its size and times, so it is hashed on every run until it
//! is older.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rustc_hash::FxHashMap;

use crate::report::{Encoded, FileReport};
use crate::semantic::ModuleName;
use crate::settings::FileSettings;

/// Bump when the report format changes in a way serde would still accept.
const FORMAT: u32 = 21;

/// A file whose modification or change time is this close to the start of
/// the run (or later) is not remembered in the stat index: file systems
/// keep times in ticks of up to 2 s (FAT), and two writes in one tick
/// leave the same times.
pub const RACY_SECONDS: i64 = 2;

pub struct Cache {
    dir: PathBuf,
    /// Content hashes by path, with the metadata they were computed for.
    stats: FxHashMap<PathBuf, (FileStat, u128)>,
    /// What this run hashed (to be remembered by [`Cache::save`]).
    hashed: Mutex<Vec<(PathBuf, FileStat, u128)>>,
    /// The run's start (seconds since the epoch), for the racy rule.
    started: i64,
    /// The entries of the last run that repacked.
    pack: Pack,
    /// Every entry this run used, for the next pack.
    used: Mutex<Vec<(CacheKey, Used)>>,
}

/// `pack`: the entries one run used, each as its own file holds it, after
/// an index (see [`encode_pack`]). One open file read at offsets instead of
/// one file per project file saves a warm run some 8,000 system calls; read
/// entry by entry (not whole), it adds no memory. Entries are
/// still written one file each as they are made (two runs at once, a crash
/// midway: the files stay the truth); the pack is remade only when more
/// than [`REPACK_SHARE`] of a run's entries came from outside it.
#[derive(Default)]
struct Pack {
    /// The pack as opened: a pack written meanwhile by another run replaces
    /// the file's name, not this file.
    file: Option<std::fs::File>,
    index: FxHashMap<u128, std::ops::Range<u64>>,
}

impl Pack {
    fn open(path: &Path) -> Option<Pack> {
        let file = std::fs::File::open(path).ok()?;
        let mut header = [0u8; 8];
        read_at(&file, &mut header, 0)?;
        if header[..4] != FORMAT.to_le_bytes() {
            return None;
        }
        let count = u32::from_le_bytes(header[4..].try_into().ok()?) as usize;
        let mut index_bytes = vec![0u8; count.checked_mul(32)?];
        read_at(&file, &mut index_bytes, 8)?;
        let start = 8 + index_bytes.len() as u64;
        let mut index = FxHashMap::default();
        index.reserve(count);
        for entry in index_bytes.chunks_exact(32) {
            let key = u128::from_le_bytes(entry[..16].try_into().ok()?);
            let offset = u64::from_le_bytes(entry[16..24].try_into().ok()?);
            let length = u64::from_le_bytes(entry[24..].try_into().ok()?);
            let from = start.checked_add(offset)?;
            // Past the end of a truncated pack: a miss when read.
            index.insert(key, from..from.checked_add(length)?);
        }
        Some(Pack {
            file: Some(file),
            index,
        })
    }

    /// One entry's bytes (`None` past the end of the file).
    fn read(&self, range: &std::ops::Range<u64>) -> Option<Vec<u8>> {
        let file = self.file.as_ref()?;
        let mut bytes = vec![0u8; usize::try_from(range.end.checked_sub(range.start)?).ok()?];
        read_at(file, &mut bytes, range.start)?;
        Some(bytes)
    }

    /// `f` of one entry's bytes, read into a buffer each thread keeps (a
    /// new buffer per entry was zeroed first, every time).
    fn with_entry<R>(&self, range: &std::ops::Range<u64>, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
        thread_local! {
            static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let file = self.file.as_ref()?;
        let length = usize::try_from(range.end.checked_sub(range.start)?).ok()?;
        BUFFER.with_borrow_mut(|buffer| {
            if buffer.len() < length {
                buffer.resize(length, 0);
            }
            let bytes = &mut buffer[..length];
            read_at(file, bytes, range.start)?;
            Some(f(bytes))
        })
    }
}

/// Fills `buf` from `file` at `offset` (`None` when the file is shorter).
#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> Option<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset).ok()
}

#[cfg(windows)]
fn read_at(file: &std::fs::File, mut buf: &mut [u8], mut offset: u64) -> Option<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        let n = file.seek_read(buf, offset).ok()?;
        if n == 0 {
            return None;
        }
        buf = &mut buf[n..];
        offset += n as u64;
    }
    Some(())
}

// Elsewhere no pack is read (every entry from its own file).
#[cfg(not(any(unix, windows)))]
fn read_at(_: &std::fs::File, _: &mut [u8], _: u64) -> Option<()> {
    None
}

/// Where an entry a run used came from.
enum Used {
    Pack(std::ops::Range<u64>),
    /// Its own file (read or written by this run).
    File(Vec<u8>),
}

/// The pack is remade when more than one used entry in this many came from
/// its own file (a commit's few changed files are read from theirs).
const REPACK_SHARE: usize = 16;

/// The pack's file in the cache folder.
const PACK: &str = "pack";

/// The metadata a file's content hash is trusted for: any change to the
/// file changes its change time (which no tool can set) and most change its
/// size or modification time too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileStat {
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    inode: u64,
    device: u64,
    mode: u32,
}

impl FileStat {
    /// `None` where the platform gives no change time (the file is then
    /// always hashed).
    pub fn of(metadata: &std::fs::Metadata) -> Option<FileStat> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileStat {
                size: metadata.size(),
                mtime: (metadata.mtime(), metadata.mtime_nsec()),
                ctime: (metadata.ctime(), metadata.ctime_nsec()),
                inode: metadata.ino(),
                device: metadata.dev(),
                mode: metadata.mode(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = metadata;
            None
        }
    }

    /// Changed within [`RACY_SECONDS`] of `started` (or after it).
    fn is_racy(&self, started: i64) -> bool {
        self.mtime.0.max(self.ctime.0) >= started - RACY_SECONDS
    }

    const BYTES: usize = 8 * 7 + 4;

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.size.to_le_bytes());
        out.extend_from_slice(&self.mtime.0.to_le_bytes());
        out.extend_from_slice(&self.mtime.1.to_le_bytes());
        out.extend_from_slice(&self.ctime.0.to_le_bytes());
        out.extend_from_slice(&self.ctime.1.to_le_bytes());
        out.extend_from_slice(&self.inode.to_le_bytes());
        out.extend_from_slice(&self.device.to_le_bytes());
        out.extend_from_slice(&self.mode.to_le_bytes());
    }

    fn decode(bytes: &[u8]) -> Option<FileStat> {
        let u64_at = |i: usize| Some(u64::from_le_bytes(bytes.get(i..i + 8)?.try_into().ok()?));
        let i64_at = |i: usize| u64_at(i).map(|v| v as i64);
        Some(FileStat {
            size: u64_at(0)?,
            mtime: (i64_at(8)?, i64_at(16)?),
            ctime: (i64_at(24)?, i64_at(32)?),
            inode: u64_at(40)?,
            device: u64_at(48)?,
            mode: u32::from_le_bytes(bytes.get(56..60)?.try_into().ok()?),
        })
    }
}

/// The content hash a cache key is made from.
pub fn content_hash(content: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(content)
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
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(i64::MAX, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let stats = std::fs::read(dir.join(STAT_INDEX))
            .ok()
            .and_then(|bytes| decode_stats(&bytes))
            .unwrap_or_default();
        let pack = Pack::open(&dir.join(PACK)).unwrap_or_default();
        Some(Cache {
            dir,
            stats,
            hashed: Mutex::new(Vec::new()),
            started,
            pack,
            used: Mutex::new(Vec::new()),
        })
    }

    pub fn key(
        path: &Path,
        module: &ModuleName,
        settings: &FileSettings,
        content: &[u8],
    ) -> CacheKey {
        Self::key_of_hash(path, module, settings, content_hash(content))
    }

    /// [`Cache::key`] from the content's [`content_hash`].
    pub fn key_of_hash(
        path: &Path,
        module: &ModuleName,
        settings: &FileSettings,
        content: u128,
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

    /// The content hash remembered for `path` when its metadata is still
    /// `stat` (`None`: read and hash it).
    pub fn known_hash(&self, path: &Path, stat: Option<FileStat>) -> Option<u128> {
        let stat = stat?;
        match self.stats.get(path) {
            Some((known, hash)) if *known == stat && !stat.is_racy(self.started) => Some(*hash),
            _ => None,
        }
    }

    /// Remembers `path`'s content hash for its metadata `stat` (read before
    /// the content), unless the file is racy.
    pub fn remember_hash(&self, path: &Path, stat: Option<FileStat>, hash: u128) {
        let Some(stat) = stat else { return };
        if stat.is_racy(self.started)
            || self
                .stats
                .get(path)
                .is_some_and(|known| *known == (stat, hash))
        {
            return;
        }
        if let Ok(mut hashed) = self.hashed.lock() {
            hashed.push((path.to_path_buf(), stat, hash));
        }
    }

    /// Writes what the run learnt: the stat index, and the pack when too
    /// many entries came from outside it.
    pub fn save(&self) {
        self.save_stats();
        self.save_pack();
    }

    /// Remakes the pack from the entries this run used when more than one
    /// in [`REPACK_SHARE`] came from their own files.
    fn save_pack(&self) {
        let used = match self.used.lock() {
            Ok(mut used) => std::mem::take(&mut *used),
            Err(_) => return,
        };
        let outside = used
            .iter()
            .filter(|(_, u)| matches!(u, Used::File(_)))
            .count();
        if outside == 0 || outside * REPACK_SHARE <= used.len() {
            return;
        }
        let from_pack: Vec<Option<Vec<u8>>> = used
            .iter()
            .map(|(_, used)| match used {
                Used::Pack(range) => self.pack.read(range),
                Used::File(_) => None,
            })
            .collect();
        let entries: Vec<(CacheKey, &[u8])> = used
            .iter()
            .zip(&from_pack)
            .filter_map(|((key, used), read)| {
                let bytes = match used {
                    Used::Pack(_) => read.as_deref()?,
                    Used::File(bytes) => bytes.as_slice(),
                };
                Some((*key, bytes))
            })
            .collect();
        let _ = write_atomic(&self.dir, &self.dir.join(PACK), &encode_pack(&entries));
    }

    fn use_entry(&self, key: CacheKey, used: Used) {
        if let Ok(mut all) = self.used.lock() {
            all.push((key, used));
        }
    }

    /// Writes the stat index when this run hashed files it did not know
    /// (with the entries of files it did not see, if they still exist).
    fn save_stats(&self) {
        let hashed = match self.hashed.lock() {
            Ok(mut hashed) => std::mem::take(&mut *hashed),
            Err(_) => return,
        };
        if hashed.is_empty() {
            return;
        }
        let mut merged: FxHashMap<&Path, (FileStat, u128)> = hashed
            .iter()
            .map(|(path, stat, hash)| (path.as_path(), (*stat, *hash)))
            .collect();
        for (path, entry) in &self.stats {
            if !merged.contains_key(path.as_path()) && path.is_file() {
                merged.insert(path, *entry);
            }
        }
        let _ = write_atomic(
            &self.dir,
            &self.dir.join(STAT_INDEX),
            &encode_stats(&merged),
        );
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

    /// [`Cache::get`] (`whole`) or [`Cache::get_summary`], the report left
    /// packed as the entry holds it ([`FileReport::pack`]): nothing is
    /// decoded until the project stage.
    pub fn get_packed(&self, key: CacheKey, whole: bool) -> Option<FileReport> {
        self.read_as(key, whole, true)
    }

    fn read(&self, key: CacheKey, whole: bool) -> Option<FileReport> {
        self.read_as(key, whole, false)
    }

    fn read_as(&self, key: CacheKey, whole: bool, packed: bool) -> Option<FileReport> {
        if let Some(range) = self.pack.index.get(&key.0)
            && let Some(report) = self
                .pack
                .with_entry(range, |bytes| parse_entry(bytes, key, whole, packed))
                .flatten()
        {
            self.use_entry(key, Used::Pack(range.clone()));
            return Some(report);
        }
        let bytes = std::fs::read(self.entry(key)).ok()?;
        let report = parse_entry(&bytes, key, whole, packed)?;
        self.use_entry(key, Used::File(bytes));
        Some(report)
    }

    /// Stores a report; failures are ignored (the cache is an optimisation).
    pub fn put(&self, key: CacheKey, report: &FileReport) {
        if let Some(parts) = report.encode() {
            self.put_encoded(key, &parts);
        }
    }

    /// Stores a report from its parts' encodings ([`FileReport::encode`]).
    pub fn put_encoded(&self, key: CacheKey, parts: &Encoded) {
        let Encoded {
            summary,
            rest,
            asks_effects,
        } = parts;
        let Ok(length) = u32::try_from(summary.len()) else {
            return;
        };
        let mut payload = Vec::with_capacity(5 + summary.len() + rest.len());
        payload.extend_from_slice(&length.to_le_bytes());
        payload.push(u8::from(*asks_effects));
        payload.extend_from_slice(summary);
        payload.extend_from_slice(rest);
        let mut bytes = Vec::with_capacity(payload.len() + 24);
        bytes.extend_from_slice(&key.0.to_le_bytes());
        bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&payload).to_le_bytes());
        bytes.extend_from_slice(&payload);
        let _ = write_atomic(&self.dir, &self.entry(key), &bytes);
        self.use_entry(key, Used::File(bytes));
    }
}

/// One entry's bytes (as its file holds them) into a report; `None` when
/// they are not this key's or are damaged. `packed`: the parts are kept
/// encoded ([`FileReport::packed`]; the caller sets the path).
fn parse_entry(bytes: &[u8], key: CacheKey, whole: bool, packed: bool) -> Option<FileReport> {
    // Header: the key and a checksum of the payload, so a truncated,
    // corrupted or misplaced entry is a miss, never a wrong result.
    let (header, payload) = bytes.split_at_checked(24)?;
    if header[..16] != key.0.to_le_bytes()
        || header[16..] != xxhash_rust::xxh3::xxh3_64(payload).to_le_bytes()
    {
        return None;
    }
    // Payload: the summary's length (u32), whether the file asks for
    // effects (u8), the summary, the rest.
    let (length, payload) = payload.split_at_checked(4)?;
    let length = u32::from_le_bytes(length.try_into().ok()?) as usize;
    let (&asks_effects, payload) = payload.split_first()?;
    let (summary, rest) = payload.split_at_checked(length)?;
    if packed {
        return Some(FileReport::packed(
            PathBuf::new(),
            summary.into(),
            whole.then(|| rest.into()),
            asks_effects != 0,
        ));
    }
    let mut report = FileReport {
        summary: crate::semantic::name::decode_with_table(summary).ok()?,
        ..Default::default()
    };
    if whole {
        // Reports with a note (over the time budget) are never stored.
        report.path = report.decode_rest(rest).ok()?;
    }
    Some(report)
}

/// The pack: its format (u32), its entry count (u32), per entry its key
/// (u128), offset and length (u64 each, from the end of the index), then
/// the entries. Each entry keeps its own key and checksum: a damaged pack
/// gives misses, never wrong reports.
fn encode_pack(entries: &[(CacheKey, &[u8])]) -> Vec<u8> {
    let data: usize = entries.iter().map(|(_, bytes)| bytes.len()).sum();
    let mut out = Vec::with_capacity(8 + entries.len() * 32 + data);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    let mut offset = 0u64;
    for (key, bytes) in entries {
        out.extend_from_slice(&key.0.to_le_bytes());
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        offset += bytes.len() as u64;
    }
    for (_, bytes) in entries {
        out.extend_from_slice(bytes);
    }
    out
}

/// The stat index's file in the cache folder.
const STAT_INDEX: &str = "stat-index";

/// The stat index: a header (format, entry count, checksum of the rest),
/// then per file its path's length (u32) and bytes, its metadata and its
/// content hash.
fn encode_stats(entries: &FxHashMap<&Path, (FileStat, u128)>) -> Vec<u8> {
    let mut body = Vec::with_capacity(entries.len() * 128);
    for (path, (stat, hash)) in entries {
        let path = path_bytes(path);
        body.extend_from_slice(&(path.len() as u32).to_le_bytes());
        body.extend_from_slice(&path);
        stat.encode(&mut body);
        body.extend_from_slice(&hash.to_le_bytes());
    }
    let mut bytes = Vec::with_capacity(body.len() + 16);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    bytes.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&body).to_le_bytes());
    bytes.extend_from_slice(&body);
    bytes
}

/// `None` for a stat index of another format, truncated or corrupted.
fn decode_stats(bytes: &[u8]) -> Option<FxHashMap<PathBuf, (FileStat, u128)>> {
    let (header, mut body) = bytes.split_at_checked(16)?;
    if header[..4] != FORMAT.to_le_bytes()
        || header[8..] != xxhash_rust::xxh3::xxh3_64(body).to_le_bytes()
    {
        return None;
    }
    let count = u32::from_le_bytes(header[4..8].try_into().ok()?) as usize;
    let mut entries = FxHashMap::default();
    entries.reserve(count);
    for _ in 0..count {
        let (length, rest) = body.split_at_checked(4)?;
        let length = u32::from_le_bytes(length.try_into().ok()?) as usize;
        let (path, rest) = rest.split_at_checked(length)?;
        let (stat, rest) = rest.split_at_checked(FileStat::BYTES)?;
        let (hash, rest) = rest.split_at_checked(16)?;
        entries.insert(
            path_from_bytes(path)?,
            (
                FileStat::decode(stat)?,
                u128::from_le_bytes(hash.try_into().ok()?),
            ),
        );
        body = rest;
    }
    body.is_empty().then_some(entries)
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    std::borrow::Cow::Borrowed(path.as_os_str().as_bytes())
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    Some(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
}

// Elsewhere there is no stat index (`FileStat::of` is `None`): these only
// keep the build whole.
#[cfg(not(unix))]
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    std::borrow::Cow::Owned(path.to_string_lossy().into_owned().into_bytes())
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> Option<PathBuf> {
    Some(PathBuf::from(std::str::from_utf8(bytes).ok()?))
}

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

    fn report(name: &str) -> FileReport {
        FileReport {
            path: PathBuf::from(name),
            ..Default::default()
        }
    }

    #[test]
    fn the_pack_serves_entries_and_files_stay_the_truth() {
        let dir = tempfile::tempdir().unwrap();
        let settings = FileSettings::default();
        let keys: Vec<CacheKey> = (0..40)
            .map(|i| {
                let content = format!("x = {i}\n");
                Cache::key(Path::new("a.py"), &module(), &settings, content.as_bytes())
            })
            .collect();
        let cache = Cache::open(dir.path()).unwrap();
        for (i, key) in keys.iter().enumerate() {
            cache.put(*key, &report(&format!("{i}.py")));
        }
        cache.save();
        let pack = dir.path().join(".pitfalls_cache").join(PACK);
        assert!(pack.is_file(), "a run of new entries packs them");
        // The pack alone serves them (the files removed to prove it).
        for key in &keys {
            std::fs::remove_file(cache.entry(*key)).unwrap();
        }
        let cache = Cache::open(dir.path()).unwrap();
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(
                cache.get(*key).unwrap().path,
                PathBuf::from(format!("{i}.py"))
            );
        }
        // A new entry or two: read from their files, the pack is kept.
        let new = Cache::key(Path::new("b.py"), &module(), &settings, b"y = 1\n");
        cache.put(new, &report("new.py"));
        let packed = std::fs::read(&pack).unwrap();
        cache.save();
        assert_eq!(
            std::fs::read(&pack).unwrap(),
            packed,
            "not repacked for one entry"
        );
        let cache = Cache::open(dir.path()).unwrap();
        assert_eq!(cache.get(new).unwrap().path, PathBuf::from("new.py"));
        assert!(cache.get(keys[0]).is_some());
        // A damaged entry in the pack is a miss (its file is gone too).
        let mut damaged = packed.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 0x40;
        std::fs::write(&pack, &damaged).unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        assert!(cache.get(*keys.last().unwrap()).is_none());
        assert!(cache.get(keys[0]).is_some());
        // A truncated pack: misses, not errors; its index points past the end.
        std::fs::write(&pack, &packed[..packed.len() / 2]).unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        assert!(cache.get(*keys.last().unwrap()).is_none());
        assert_eq!(cache.get(new).unwrap().path, PathBuf::from("new.py"));
        std::fs::write(&pack, &packed[..5]).unwrap();
        assert!(Cache::open(dir.path()).unwrap().pack.index.is_empty());
    }

    fn stat(size: u64, time: i64) -> FileStat {
        FileStat {
            size,
            mtime: (time, 5),
            ctime: (time, 7),
            inode: 11,
            device: 13,
            mode: 0o100644,
        }
    }

    #[test]
    fn the_stat_index_trusts_only_unchanged_settled_files() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let (a, b) = (dir.path().join("a.py"), dir.path().join("b.py"));
        std::fs::write(&a, "x = 1\n").unwrap();
        let settled = stat(6, cache.started - 100);
        // Changed within the racy window of the run's start (in the same
        // second here): a second write in that tick could keep every time
        // and the size, so the hash is not remembered.
        let racy = FileStat {
            ctime: (cache.started - 1, 0),
            ..settled
        };
        assert!(cache.known_hash(&a, Some(settled)).is_none());
        cache.remember_hash(&a, Some(settled), 7);
        cache.remember_hash(&b, Some(racy), 8);
        cache.save_stats();
        let again = Cache::open(dir.path()).unwrap();
        assert_eq!(again.known_hash(&a, Some(settled)), Some(7));
        assert_eq!(again.known_hash(&b, Some(racy)), None);
        assert_eq!(again.known_hash(&b, Some(settled)), None, "another path");
        assert_eq!(again.known_hash(&a, None), None, "no metadata");
        // Any change to the metadata: the file is hashed again.
        for changed in [
            FileStat { size: 7, ..settled },
            FileStat {
                mtime: (settled.mtime.0, 6),
                ..settled
            },
            FileStat {
                ctime: (settled.ctime.0 + 1, 7),
                ..settled
            },
            FileStat {
                inode: 12,
                ..settled
            },
            FileStat {
                device: 14,
                ..settled
            },
            FileStat {
                mode: 0o100755,
                ..settled
            },
        ] {
            assert_eq!(again.known_hash(&a, Some(changed)), None, "{changed:?}");
        }
        // A file the next saving run did not see stays only if it exists.
        let gone = dir.path().join("gone.py");
        again.remember_hash(&gone, Some(settled), 9);
        again.save_stats();
        std::fs::write(&b, "y = 2\n").unwrap();
        let third = Cache::open(dir.path()).unwrap();
        assert_eq!(third.known_hash(&gone, Some(settled)), Some(9));
        third.remember_hash(&b, Some(settled), 10);
        third.save_stats();
        std::fs::remove_file(&a).unwrap();
        let fourth = Cache::open(dir.path()).unwrap();
        assert_eq!(fourth.known_hash(&a, Some(settled)), Some(7));
        assert_eq!(fourth.known_hash(&gone, Some(settled)), None);
        assert_eq!(fourth.known_hash(&b, Some(settled)), Some(10));
        // A corrupted index is ignored, not an error.
        let index = dir.path().join(".pitfalls_cache").join(STAT_INDEX);
        let mut bytes = std::fs::read(&index).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&index, &bytes).unwrap();
        let fifth = Cache::open(dir.path()).unwrap();
        assert_eq!(fifth.known_hash(&b, Some(settled)), None);
        std::fs::write(&index, &bytes[..bytes.len() / 2]).unwrap();
        assert!(Cache::open(dir.path()).unwrap().stats.is_empty());
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
