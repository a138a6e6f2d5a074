//! The run: discovery, the parallel per-file passes, the project stage, the
//! noqa filter and the sort. Rendering is separate (`render`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use std::path::Path;

use rustc_hash::FxHashSet;

use crate::arena::Lease;
use crate::cache::{Cache, FileStat, content_hash};
use crate::check::{check_bytes, check_path};
use crate::checker::dispatch::{answer_pending, prepare_answers, project_findings};
use crate::finding::Finding;
use crate::noqa::SuppressedBy;
use crate::report::{Encoded, FileReport};
use crate::semantic::ModuleName;
use crate::semantic::index::ProjectIndex;
use crate::semantic::module_name::ModuleNamer;
use crate::settings::FileSettings;
use crate::settings::Settings;

/// Worker threads get a large stack: deeply nested code (thousands of
/// parentheses, a 200,000-term `a + a + …`) recurses in the parser, the
/// walk and the tree's drop. Only the touched part is ever committed.
const WORKER_STACK: usize = 1 << 30;

/// A finding with the file it is in.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub finding: Finding,
}

/// A file that could not be checked (I/O or internal error): exit code 2.
#[derive(Debug, Clone)]
pub struct FileError {
    pub path: PathBuf,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct CheckResult {
    pub diagnostics: Vec<Diagnostic>,
    /// Findings in test files of rules in `test-ignore`: not shown, not
    /// failing the run, only counted in the summary (`--include-tests`
    /// shows them).
    pub held_back: Vec<Diagnostic>,
    pub errors: Vec<FileError>,
    /// Files skipped on purpose (time budget, size limit): printed as
    /// notes, not an error.
    pub notes: Vec<FileError>,
    pub files_checked: usize,
}

/// How a run treats its files beyond checking them.
#[derive(Default)]
pub struct RunOptions<'a> {
    pub cache: Option<&'a Cache>,
    /// Report only these files (the rest are indexed for project-wide
    /// rules); `None` reports every file.
    pub report_only: Option<&'a FxHashSet<PathBuf>>,
    /// The process exits soon after this run (the command line): the
    /// project index is not freed. Freeing 2,000 files' summaries cost a
    /// warm pre-commit run a sixth of its instructions; the operating
    /// system takes the memory back at exit. A long-lived process (the
    /// language server) leaves it `false`.
    pub leak_index: bool,
}

/// Checks `files` (already discovered) with `settings`.
pub fn check_files(files: &[PathBuf], settings: &Settings) -> CheckResult {
    check_files_with(files, settings, &RunOptions::default())
}

pub fn check_files_with(
    files: &[PathBuf],
    settings: &Settings,
    options: &RunOptions,
) -> CheckResult {
    let started = std::time::Instant::now();
    // One pool for both stages: the project stage's allocations reuse the
    // memory the same threads freed after parsing (a new pool's threads
    // start new heaps).
    let pool = worker_pool();
    let reports = file_reports_in(
        &pool,
        files,
        settings,
        options.cache,
        options.report_only,
        true,
    );
    let files_done = started.elapsed();
    let files_peak = if std::env::var_os("PITFALLS_STAGE_TIMES").is_some() {
        // What the packed reports hold until the project stage.
        let size = |bytes: &Option<Box<[u8]>>| bytes.as_ref().map_or(0, |b| b.len());
        let (summaries, rest) = reports.iter().filter_map(|r| r.packed.as_ref()).fold(
            (0, 0),
            |(summaries, rest), packed| {
                (summaries + size(&packed.summary), rest + size(&packed.rest))
            },
        );
        eprintln!(
            "stage memory: packed reports: summaries {summaries} bytes, the rest {rest} bytes"
        );
        peak_memory()
    } else {
        String::new()
    };
    // The project stage walks graphs (lock orders, call chains) as deep as
    // the project is long: it runs on the large stack too.
    let result =
        pool.install(|| finish_run(reports, settings, options.report_only, options.leak_index));
    if std::env::var_os("PITFALLS_STAGE_TIMES").is_some() {
        // For profiling (README, "Cost"): how long each stage took.
        eprintln!(
            "stage times: files {:.1} ms (peak memory then {}), project {:.1} ms (peak memory {})",
            files_done.as_secs_f64() * 1e3,
            files_peak,
            (started.elapsed() - files_done).as_secs_f64() * 1e3,
            peak_memory()
        );
    }
    result
}

/// The per-file passes over `files`, in parallel, before the project stage
/// (the language server keeps them as its project index). A panic in one
/// file becomes that file's `error`.
pub fn file_reports(
    files: &[PathBuf],
    settings: &Settings,
    cache: Option<&Cache>,
) -> Vec<FileReport> {
    file_reports_in(&worker_pool(), files, settings, cache, None, false)
}

/// [`file_reports`] for a run that reports only `report_only`: the other
/// files' cached reports are read for their summaries alone. `pack`: each
/// report is held encoded until [`finish`] ([`FileReport::pack`]), for a
/// run whose reports go to the project stage at once.
fn file_reports_in(
    pool: &rayon::ThreadPool,
    files: &[PathBuf],
    settings: &Settings,
    cache: Option<&Cache>,
    report_only: Option<&FxHashSet<PathBuf>>,
    pack: bool,
) -> Vec<FileReport> {
    let mut namer = ModuleNamer::new(settings.src.clone());
    let jobs: Vec<_> = files
        .iter()
        .map(|path| {
            // Discovered paths are absolute already: no copy of those.
            let absolute = if path.is_absolute() {
                std::borrow::Cow::Borrowed(path.as_path())
            } else {
                std::borrow::Cow::Owned(std::path::absolute(path).unwrap_or_else(|_| path.clone()))
            };
            let reported = report_only.is_none_or(|only| only.contains(path));
            (
                path,
                namer.module_name(&absolute),
                settings.for_file(path),
                reported,
            )
        })
        .collect();

    install_quiet_panic_hook();
    let reports = pool.install(|| {
        jobs.into_par_iter()
            .map(|(path, module, file_settings, reported)| {
                catch_unwind(AssertUnwindSafe(|| {
                    let mut report = check_one(path, module, &file_settings, cache, reported, pack);
                    if !pack {
                        crate::check::compact(&mut report);
                    }
                    report
                }))
                .unwrap_or_else(|payload| FileReport {
                    path: path.clone(),
                    error: Some(format!(
                        "internal error while checking this file: {}",
                        panic_message(&payload)
                    )),
                    ..Default::default()
                })
            })
            .collect()
    });
    pool.broadcast(|_| crate::arena::release_idle());
    if let Some(cache) = cache {
        cache.save();
    }
    reports
}

/// Runs `f` on a worker pool with the large stack the per-file passes need
/// (the fix loop re-checks files there too).
pub fn in_worker_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    worker_pool().install(f)
}

/// A pool of worker threads with the large stack.
fn worker_pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK)
        .build()
        .expect("a thread pool")
}

/// One file: from the cache when its content, path and settings are
/// unchanged, else read, parse and walk (and remember the result). A file
/// not `reported` needs only its summary from the cache. A file whose
/// metadata is as the stat index remembers it is not read (nor hashed)
/// before its entry is looked up. `pack`: the report comes packed
/// ([`FileReport::pack`]; a cached one as its entry holds it).
fn check_one(
    path: &Path,
    module: ModuleName,
    settings: &FileSettings,
    cache: Option<&Cache>,
    reported: bool,
    pack: bool,
) -> FileReport {
    // A report checked now, packed if the run packs (see `FileReport::pack`).
    let checked = |module| {
        if pack && let Some(lease) = Lease::take() {
            return packed_in_arena(path, lease, || check_path(path, module, settings), |_| {});
        }
        let report = check_path(path, module, settings);
        if pack { report.pack() } else { report }
    };
    let Some(cache) = cache else {
        return checked(module);
    };
    // Taken before the content is read: a write in between changes it.
    let metadata = std::fs::metadata(path).ok();
    if let Some(report) = metadata
        .as_ref()
        .and_then(|m| crate::check::over_size_limit(path, m.len()))
    {
        return report;
    }
    let stat = metadata.as_ref().and_then(FileStat::of);
    let lookup = |key| {
        let cached = match (pack, reported) {
            (true, whole) => cache.get_packed(key, whole),
            (false, true) => cache.get(key),
            (false, false) => cache.get_summary(key),
        };
        cached.map(|mut report: FileReport| {
            report.path = path.to_path_buf();
            report
        })
    };
    if let Some(hash) = cache.known_hash(path, stat)
        && let Some(report) = lookup(Cache::key_of_hash(path, &module, settings, hash))
    {
        return report;
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        // Reading again gives the report its error.
        Err(_) => return checked(module),
    };
    let hash = content_hash(&bytes);
    cache.remember_hash(path, stat, hash);
    let key = Cache::key_of_hash(path, &module, settings, hash);
    if let Some(report) = lookup(key) {
        return report;
    }
    if pack && let Some(lease) = Lease::take() {
        let check = || check_bytes(path, bytes, module, settings);
        return packed_in_arena(path, lease, check, |parts| cache.put_encoded(key, parts));
    }
    let report = check_bytes(path, bytes, module, settings);
    // A note (over the time budget) depends on the machine, not the file.
    if report.error.is_some() || report.note.is_some() {
        return report;
    }
    let Some(parts) = report.encode() else {
        return report;
    };
    cache.put_encoded(key, &parts);
    if pack {
        FileReport::from_encoded(report.path, parts)
    } else {
        report
    }
}

/// The file's report, packed, from [`encoded_in_arena`]; its encoding is
/// first handed to `store` (the cache).
fn packed_in_arena(
    path: &Path,
    lease: Lease,
    check: impl FnOnce() -> FileReport,
    store: impl FnOnce(&Encoded),
) -> FileReport {
    match encoded_in_arena(path, lease, check) {
        Ok(parts) => {
            store(&parts);
            FileReport::from_encoded(path.to_path_buf(), parts)
        }
        Err(report) => *report,
    }
}

/// A file's check and its encoding, with every block they allocate (the
/// syntax tree, the semantic model, the report as values) carved from the
/// thread's arena: only the encoding is copied out, and the rest is freed
/// at once when the lease ends ([`crate::arena`]). A report with an error
/// or a note (a file not checked) is copied out as it is. (The standard
/// library: 5.69 -> 5.48 billion instructions, the allocator's and the
/// drops' work.)
fn encoded_in_arena(
    path: &Path,
    lease: Lease,
    check: impl FnOnce() -> FileReport,
) -> Result<Encoded, Box<FileReport>> {
    // SAFETY: the closure's result is copied out below, outside
    // `allocating`, and dropped before the lease.
    let carved = unsafe {
        lease.allocating(|| {
            let report = check();
            if report.error.is_some() || report.note.is_some() {
                return Err((report.error, report.note));
            }
            report.encode().ok_or_else(|| {
                let error = "internal error: the report could not be encoded";
                (Some(error.to_string()), None)
            })
        })
    };
    let copy = |text: Option<String>| text.as_deref().map(str::to_owned);
    let copied = match carved {
        Ok(parts) => Ok(Encoded {
            summary: parts.summary.as_slice().to_vec(),
            rest: parts.rest.as_slice().to_vec(),
            asks_effects: parts.asks_effects,
        }),
        Err((error, note)) => Err(Box::new(FileReport {
            path: path.to_path_buf(),
            error: copy(error),
            note: copy(note),
            ..Default::default()
        })),
    };
    drop(lease);
    copied
}

/// The project stage: merge summaries, answer pending questions, filter by
/// noqa, hold back what test files do not show, sort.
pub fn finish(
    reports: Vec<FileReport>,
    settings: &Settings,
    report_only: Option<&FxHashSet<PathBuf>>,
) -> CheckResult {
    finish_run(reports, settings, report_only, false)
}

/// [`finish`], leaking the project index when `leak_index` (see
/// [`RunOptions::leak_index`]).
fn finish_run(
    mut reports: Vec<FileReport>,
    settings: &Settings,
    report_only: Option<&FxHashSet<PathBuf>>,
    leak_index: bool,
) -> CheckResult {
    let files_checked = report_only.map_or(reports.len(), |only| only.len());
    // Packed reports: the summaries are decoded now, the rest as each
    // file's questions are answered.
    let project_started = std::time::Instant::now();
    let packed = reports.iter().any(|r| r.packed.is_some());
    reports.par_iter_mut().for_each(FileReport::unpack_summary);
    if packed {
        rayon::broadcast(|_| crate::semantic::name::forget_decoded());
    }
    // The packed summaries are freed, and nothing of their sizes follows:
    // their pages go back to the system now, not in ten seconds (this and
    // the purge after the solve: all packages' peak about 0.5 MB lower).
    crate::arena::purge_freed();
    stage_memory("summaries decoded", project_started);
    let asks_effects = reports
        .iter()
        .filter(|r| report_only.is_none_or(|only| only.contains(&r.path)))
        .any(FileReport::asks_effects);
    // The summaries move into the index, each numbered by its report's
    // position: a module's project findings go to the report whose
    // summary the index kept (the first file claiming the name). The
    // reports' paths are lent to the index for messages, and given back
    // below: no copy of either is made.
    let started = std::time::Instant::now();
    let mut index = ProjectIndex::numbered(
        reports
            .iter_mut()
            .enumerate()
            .filter_map(|(i, r)| Some((i as u32, r.summary.take()?))),
    );
    index.set_paths(
        reports
            .iter_mut()
            .map(|r| std::mem::take(&mut r.path))
            .collect(),
    );
    stage_memory("index built", project_started);
    prepare_answers(&index, asks_effects);
    // The solve's own tables (its call edges, callers and queues) are freed.
    crate::arena::purge_freed();
    stage_memory("effects solved", project_started);
    // The pending questions of every file, answered in parallel with the
    // project-wide findings (the index is read-only; its memo tables lock).
    // Only the reported files' questions are answered; each file's
    // questions are freed once answered (most answers are no).
    let files_answered = AtomicUsize::new(0);
    let (project_list, answers) = rayon::join(
        || project_findings(&index),
        || {
            reports
                .par_iter_mut()
                .enumerate()
                .map(|(i, report)| {
                    let path = index.path(i).unwrap_or(&report.path);
                    if report_only.is_some_and(|only| !only.contains(path)) {
                        report.packed = None;
                        return Vec::new();
                    }
                    report.unpack();
                    let pending = std::mem::take(&mut report.pending);
                    let questions = std::mem::take(&mut report.questions);
                    let answered = pending
                        .iter()
                        .filter_map(|p| answer_pending(p, &questions[p.question as usize], &index))
                        .collect::<Vec<_>>();
                    drop((pending, questions));
                    // Each file's rest and questions are freed here, in
                    // sizes the answers (a few findings, the index's
                    // memos) do not take again: without a purge from time
                    // to time, their pages stay until the end (all
                    // packages, purging after every 100 files: peak 56,100
                    // -> 54,200 KiB by GNU time, 1,300 more page faults,
                    // the same CPU time).
                    if files_answered.fetch_add(1, Ordering::Relaxed) % 100 == 99 {
                        crate::arena::purge_freed();
                    }
                    answered
                })
                .collect::<Vec<_>>()
        },
    );
    stage_memory("answered", project_started);
    if std::env::var_os("PITFALLS_STAGE_TIMES").is_some() {
        eprintln!(
            "stage times: index and answers {:.1} ms",
            started.elapsed().as_secs_f64() * 1e3
        );
    }
    let mut project: Vec<Vec<Finding>> = vec![Vec::new(); reports.len()];
    for (module, finding) in project_list {
        if let Some(i) = index.origin(&module) {
            project[i as usize].push(finding);
        }
    }
    for (report, path) in reports.iter_mut().zip(index.take_paths()) {
        report.path = path;
    }
    let mut result = CheckResult {
        files_checked,
        ..Default::default()
    };
    for ((report, project), answered) in reports.into_iter().zip(project).zip(answers) {
        if report_only.is_some_and(|only| !only.contains(&report.path)) {
            continue;
        }
        if let Some(message) = report.note {
            result.notes.push(FileError {
                path: report.path.clone(),
                message,
            });
        }
        if let Some(message) = report.error {
            result.errors.push(FileError {
                path: report.path.clone(),
                message,
            });
        }
        // Suppression comes first: a `# noqa` that silences a finding held
        // back in a test file is used (it is needed with `--include-tests`),
        // so PF002 says the same with and without the flag. Holding back
        // happens here, after the cache: `test-paths`/`test-ignore` and the
        // flag are not part of a file's cache key, and the cached report
        // keeps every finding.
        let held_back = settings.held_back(&report.path);
        let keep = |result: &mut CheckResult, finding: Finding| {
            let diagnostic = Diagnostic {
                path: report.path.clone(),
                finding,
            };
            if held_back.contains(diagnostic.finding.rule) {
                result.held_back.push(diagnostic);
            } else {
                result.diagnostics.push(diagnostic);
            }
        };
        let mut used = Vec::new();
        for finding in report.findings.into_iter().chain(answered).chain(project) {
            match report.suppressions.suppressed_by(
                finding.rule,
                finding.span.location.row,
                finding.noqa_row,
                settings.external_noqa,
            ) {
                None => keep(&mut result, finding),
                Some(SuppressedBy::Line(i)) => used.push((i, finding.rule)),
                Some(SuppressedBy::File | SuppressedBy::External) => {}
            }
        }
        if report.unused_noqa {
            for finding in report.suppressions.unused(&used) {
                keep(&mut result, finding);
            }
        }
    }
    result.diagnostics.sort_by(|a, b| {
        (&a.path, a.finding.span.location, a.finding.rule).cmp(&(
            &b.path,
            b.finding.span.location,
            b.finding.rule,
        ))
    });
    result.errors.sort_by(|a, b| a.path.cmp(&b.path));
    result.notes.sort_by(|a, b| a.path.cmp(&b.path));
    if leak_index {
        std::mem::forget(index);
    }
    result
}

/// With `PITFALLS_STAGE_TIMES`: the memory at a point of the project stage.
fn stage_memory(point: &str, since: std::time::Instant) {
    if std::env::var_os("PITFALLS_STAGE_TIMES").is_some() {
        eprintln!(
            "stage memory: {point} at {:.1} ms: peak {}",
            since.elapsed().as_secs_f64() * 1e3,
            peak_memory()
        );
    }
}

/// The process's peak resident memory so far (Linux; for the stage times).
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let field = |name: &str| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .map(|v| v.trim().to_string())
            };
            Some(format!(
                "{}, resident {}",
                field("VmHWM:")?,
                field("VmRSS:")?
            ))
        })
        .unwrap_or_else(|| "?".to_string())
}

fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    match PANIC_LOCATION.with(|l| l.borrow_mut().take()) {
        Some(location) => format!("{message} (at {location})"),
        None => message,
    }
}

thread_local! {
    static PANIC_LOCATION: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Panics in a file's pass are reported with the file's path; the default
/// hook's message on stderr would only be noise next to that report.
fn install_quiet_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if rayon::current_thread_index().is_some() {
                let location = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()));
                PANIC_LOCATION.with(|l| *l.borrow_mut() = location);
            } else {
                default(info);
            }
        }));
    });
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::arena::is_carved;
    use crate::registry::{Rule, RuleSet};

    #[test]
    fn a_check_in_the_arena_copies_out_its_encoding_or_its_note() {
        std::thread::spawn(|| {
            let path = Path::new("pkg/tasks.py");
            let settings = FileSettings {
                rules: Rule::ALL.iter().copied().collect::<RuleSet>(),
                ..Default::default()
            };
            let text = "import asyncio\n\nasync def main():\n    asyncio.sleep(1)\n";
            let module = || ModuleName {
                name: "pkg.tasks".to_string(),
                is_package: false,
            };
            let check = || crate::check::check_source(path, text, module(), &settings);
            let expected = check().encode().unwrap();
            let parts = encoded_in_arena(path, crate::arena::lease_eventually(), check).unwrap();
            assert!(!is_carved(parts.summary.as_slice()) && !is_carved(parts.rest.as_slice()));
            assert_eq!(parts.summary, expected.summary);
            assert_eq!(parts.rest, expected.rest);
            assert!(!parts.rest.is_empty());

            let skipped = || FileReport {
                path: path.to_path_buf(),
                note: Some("not checked: too large".to_string()),
                ..Default::default()
            };
            let Err(report) = encoded_in_arena(path, crate::arena::lease_eventually(), skipped)
            else {
                panic!("a note is copied out as a report");
            };
            assert_eq!(report.note.as_deref(), Some("not checked: too large"));
            assert!(report.error.is_none());
            assert!(
                !is_carved(report.note.as_deref().unwrap()) && !is_carved(report.path.as_os_str())
            );
        })
        .join()
        .unwrap();
    }
}
