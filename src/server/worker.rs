//! The checking thread: owns the project (settings, the index of every
//! file's report, the open buffers) and turns tasks from the main loop into
//! findings. Tasks queued while it was busy are taken together, so a burst
//! of edits costs one project stage.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::RequestId;
use lsp_types::{MessageType, Url};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::finding::Finding;
use crate::pipeline::finish;
use crate::report::FileReport;
use crate::semantic::module_name::ModuleNamer;
use crate::settings::{self, Overrides, Settings};

/// What the main loop asks of the worker.
pub enum Task {
    /// A buffer was opened or edited (its whole text).
    Update {
        path: PathBuf,
        uri: Url,
        version: i32,
        text: Arc<str>,
    },
    Close {
        path: PathBuf,
    },
    /// Files changed on disk (created, changed or deleted).
    DiskChanged(Vec<PathBuf>),
    /// A configuration file changed: settings and index are rebuilt.
    Reload,
    /// The background index build finished.
    Indexed {
        generation: u64,
        reports: Vec<FileReport>,
        elapsed_ms: u128,
    },
    /// `textDocument/diagnostic`.
    Pull {
        id: RequestId,
        uri: Url,
        path: PathBuf,
    },
    /// `workspace/diagnostic`: answered once the index is ready, and, when
    /// the client already has the report of `previous` (a revision), held
    /// until something changes (the protocol's long polling: clients ask
    /// again as soon as they get an answer).
    WorkspacePull {
        id: RequestId,
        previous: Option<u64>,
    },
    /// The client is gone: end the thread.
    Stop,
}

/// One file's findings, with the text (and buffer version) they are for.
#[derive(Clone)]
pub struct FileResult {
    pub uri: Url,
    pub version: Option<i32>,
    pub text: Arc<str>,
    pub findings: Vec<Finding>,
}

/// What the worker tells the main loop.
pub enum Event {
    /// Fresh findings for open buffers; `refresh`: they changed because of
    /// other files (a pull client should pull again).
    Results {
        results: Vec<FileResult>,
        refresh: bool,
    },
    Pull {
        id: RequestId,
        result: FileResult,
    },
    WorkspacePull {
        id: RequestId,
        results: Vec<FileResult>,
        /// The revision the results are for (their `resultId`).
        revision: u64,
    },
    Log(MessageType, String),
}

struct OpenFile {
    uri: Url,
    version: i32,
    text: Arc<str>,
    /// The last good report (`None`: excluded by the configuration, or
    /// never checked successfully).
    report: Option<FileReport>,
    /// The version `report` is up to date with (`None`: check again).
    checked: Option<i32>,
    /// The last check panicked: its diagnostics stay as they were.
    failed: bool,
}

pub struct Worker {
    root: PathBuf,
    settings: Arc<Settings>,
    index: FxHashMap<PathBuf, FileReport>,
    index_ready: bool,
    generation: u64,
    open: FxHashMap<PathBuf, OpenFile>,
    namer: ModuleNamer,
    waiting_workspace: Vec<(RequestId, Option<u64>)>,
    /// Bumped whenever a file, the index or the settings change.
    revision: u64,
    /// The last findings of each open buffer (pull requests read them).
    last: FxHashMap<PathBuf, FileResult>,
    events: Sender<Event>,
    tasks: Sender<Task>,
    cancelled: Arc<Mutex<FxHashSet<RequestId>>>,
}

/// Worker threads get the pipeline's large stack: deeply nested code
/// recurses in the parser (only the touched part is committed).
pub const STACK: usize = 1 << 30;

pub fn spawn(
    root: PathBuf,
    events: Sender<Event>,
    cancelled: Arc<Mutex<FxHashSet<RequestId>>>,
) -> (Sender<Task>, std::thread::JoinHandle<()>) {
    let (tasks, receiver) = crossbeam_channel::unbounded();
    let own = tasks.clone();
    let handle = std::thread::Builder::new()
        .name("pitfalls-worker".into())
        .stack_size(STACK)
        .spawn(move || {
            let mut worker = Worker {
                root,
                settings: Arc::new(default_settings()),
                index: FxHashMap::default(),
                index_ready: false,
                generation: 0,
                open: FxHashMap::default(),
                namer: ModuleNamer::new(Vec::new()),
                waiting_workspace: Vec::new(),
                revision: 0,
                last: FxHashMap::default(),
                events,
                tasks: own,
                cancelled,
            };
            worker.load_settings();
            worker.run(receiver);
        })
        .expect("the worker thread");
    (tasks, handle)
}

fn default_settings() -> Settings {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    Settings::resolve(None, &Overrides::default(), &cwd).expect("the default settings")
}

impl Worker {
    fn run(&mut self, receiver: Receiver<Task>) {
        while let Ok(first) = receiver.recv() {
            let mut batch = vec![first];
            batch.extend(receiver.try_iter());
            let mut changed = false;
            let mut refresh = false;
            let mut pulls = Vec::new();
            for task in batch {
                match task {
                    Task::Update {
                        path,
                        uri,
                        version,
                        text,
                    } => {
                        let entry = self.open.entry(path).or_insert(OpenFile {
                            uri: uri.clone(),
                            version,
                            text: text.clone(),
                            report: None,
                            checked: None,
                            failed: false,
                        });
                        entry.uri = uri;
                        entry.version = version;
                        entry.text = text;
                        entry.checked = None;
                        changed = true;
                    }
                    Task::Close { path } => {
                        self.open.remove(&path);
                        self.last.remove(&path);
                        // Unsaved edits are gone: the index goes back to disk.
                        self.recheck_disk(&path);
                        changed = true;
                    }
                    Task::DiskChanged(paths) => {
                        for path in paths {
                            if !self.open.contains_key(&path) {
                                self.recheck_disk(&path);
                            }
                        }
                        changed = true;
                        refresh = true;
                    }
                    Task::Reload => {
                        self.load_settings();
                        for file in self.open.values_mut() {
                            file.checked = None;
                        }
                        changed = true;
                        refresh = true;
                    }
                    Task::Indexed {
                        generation,
                        reports,
                        elapsed_ms,
                    } => {
                        if generation != self.generation {
                            continue;
                        }
                        let files = reports.len();
                        self.index = reports.into_iter().map(|r| (r.path.clone(), r)).collect();
                        self.index_ready = true;
                        self.log(
                            MessageType::INFO,
                            format!(
                                "pitfalls: indexed {files} files of {} in {elapsed_ms} ms",
                                self.root.display()
                            ),
                        );
                        changed = true;
                        refresh = true;
                    }
                    Task::Pull { id, uri, path } => pulls.push((id, uri, path)),
                    Task::WorkspacePull { id, previous } => {
                        self.waiting_workspace.push((id, previous))
                    }
                    Task::Stop => return,
                }
            }
            if changed {
                self.revision += 1;
                self.check_open_buffers();
                let results = self.open_results();
                if !results.is_empty() {
                    let _ = self.events.send(Event::Results { results, refresh });
                }
            }
            for (id, uri, path) in pulls {
                if self.is_cancelled(&id) {
                    continue;
                }
                if let Some(result) = self.pull(uri, &path) {
                    let _ = self.events.send(Event::Pull { id, result });
                }
            }
            if self.index_ready && !self.waiting_workspace.is_empty() {
                let revision = self.revision;
                let waiting = std::mem::take(&mut self.waiting_workspace);
                let (due, held): (Vec<_>, Vec<_>) = waiting
                    .into_iter()
                    .filter(|(id, _)| !self.is_cancelled(id))
                    .partition(|(_, previous)| *previous != Some(revision));
                self.waiting_workspace = held;
                if !due.is_empty() {
                    let results = self.workspace_results();
                    for (id, _) in due {
                        let _ = self.events.send(Event::WorkspacePull {
                            id,
                            results: results.clone(),
                            revision,
                        });
                    }
                }
            }
        }
    }

    /// Whether the client cancelled `id` (then it is forgotten: the main
    /// loop has answered it already).
    fn is_cancelled(&self, id: &RequestId) -> bool {
        self.cancelled.lock().is_ok_and(|mut c| c.remove(id))
    }

    fn log(&self, kind: MessageType, message: String) {
        let _ = self.events.send(Event::Log(kind, message));
    }

    /// Settings from the same files as the CLI (searched from the workspace
    /// root); a broken configuration is reported and the defaults are used.
    /// Then the index is rebuilt in the background.
    fn load_settings(&mut self) {
        let cwd = self.root.clone();
        let settings = settings::find_config(&self.root)
            .and_then(|config| Settings::resolve(config, &Overrides::default(), &cwd));
        let settings = match settings {
            Ok(settings) => settings,
            Err(error) => {
                self.log(
                    MessageType::ERROR,
                    format!("pitfalls: configuration error, using the defaults: {error}"),
                );
                default_settings()
            }
        };
        self.namer = ModuleNamer::new(settings.src.clone());
        self.settings = Arc::new(settings);
        self.generation += 1;
        self.index_ready = false;
        self.start_index();
    }

    /// Builds the index on its own thread (the per-file passes run in
    /// parallel, from `.pitfalls_cache/` when warm).
    fn start_index(&self) {
        let settings = self.settings.clone();
        let root = self.root.clone();
        let tasks = self.tasks.clone();
        let events = self.events.clone();
        let generation = self.generation;
        let spawned = std::thread::Builder::new()
            .name("pitfalls-index".into())
            .spawn(move || {
                let start = Instant::now();
                let built = catch_unwind(AssertUnwindSafe(|| {
                    let files: Vec<PathBuf> =
                        crate::discover::discover(std::slice::from_ref(&root), &settings, false)
                            .unwrap_or_default()
                            .iter()
                            .map(|f| crate::discover::normalize(f))
                            .collect();
                    let cache = crate::cache::Cache::open(&root);
                    crate::pipeline::file_reports(&files, &settings, cache.as_ref())
                }));
                let reports = match built {
                    Ok(reports) => reports,
                    Err(_) => {
                        let _ = events.send(Event::Log(
                            MessageType::ERROR,
                            "pitfalls: internal error while indexing the project; project-wide rules see the open files only".into(),
                        ));
                        Vec::new()
                    }
                };
                let _ = tasks.send(Task::Indexed {
                    generation,
                    reports,
                    elapsed_ms: start.elapsed().as_millis(),
                });
            });
        if spawned.is_err() {
            self.log(
                MessageType::ERROR,
                "pitfalls: cannot start the indexer".into(),
            );
        }
    }

    fn is_excluded(&self, path: &Path) -> bool {
        self.settings.excluder().is_excluded_or_in_excluded(path)
    }

    /// One file's pass over `text`; a panic is logged and gives `None`.
    fn check_text(&mut self, path: &Path, text: &str) -> Option<FileReport> {
        let module = self.namer.module_name(path);
        let file_settings = self.settings.for_file(path);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            panic_if_asked(path);
            crate::check::check_source(path, text, module, &file_settings)
        }));
        match outcome {
            Ok(report) => Some(report),
            Err(payload) => {
                self.log(
                    MessageType::ERROR,
                    format!(
                        "pitfalls: internal error while checking {}: {}; its diagnostics are left as they were",
                        path.display(),
                        panic_text(&payload)
                    ),
                );
                None
            }
        }
    }

    /// The index entry of a file not open in the editor, from disk.
    fn recheck_disk(&mut self, path: &Path) {
        let wanted = path.extension().is_some_and(|e| e == "py")
            && path.starts_with(&self.root)
            && path.is_file()
            && !self.is_excluded(path);
        if !wanted {
            self.index.remove(path);
            return;
        }
        let text = match crate::source::read_source(path) {
            Ok(source) => source.text,
            Err(_) => {
                self.index.remove(path);
                return;
            }
        };
        if let Some(report) = self.check_text(path, &text) {
            self.index.insert(path.to_path_buf(), report);
        }
    }

    /// Checks the buffers whose report is stale.
    fn check_open_buffers(&mut self) {
        let stale: Vec<(PathBuf, Arc<str>, i32)> = self
            .open
            .iter()
            .filter(|(_, f)| f.checked != Some(f.version))
            .map(|(p, f)| (p.clone(), f.text.clone(), f.version))
            .collect();
        for (path, text, version) in stale {
            let report = if self.is_excluded(&path) {
                Ok(None)
            } else {
                self.check_text(&path, &text).map(Some).ok_or(())
            };
            let file = self.open.get_mut(&path).expect("an open file");
            file.checked = Some(version);
            match report {
                Ok(report) => {
                    file.report = report;
                    file.failed = false;
                }
                Err(()) => file.failed = true,
            }
        }
    }

    /// Every file's report for the project stage, open buffers in place of
    /// their files on disk, in path order (as the CLI's run). Files not in
    /// `only` contribute their summary alone (all the project stage reads
    /// of them).
    fn project_reports(&self, only: Option<&FxHashSet<PathBuf>>) -> Vec<FileReport> {
        let copy = |report: &FileReport| {
            if only.is_none_or(|only| only.contains(&report.path)) {
                report.clone()
            } else {
                FileReport {
                    path: report.path.clone(),
                    summary: report.summary.clone(),
                    ..Default::default()
                }
            }
        };
        let mut reports: Vec<FileReport> = self
            .index
            .iter()
            .filter(|(path, _)| !self.open.contains_key(*path))
            .map(|(_, report)| copy(report))
            .chain(
                self.open
                    .values()
                    .filter_map(|f| f.report.as_ref().map(copy)),
            )
            .collect();
        reports.sort_by(|a, b| a.path.cmp(&b.path));
        reports
    }

    /// The project stage for `only` (all files when `None`), findings by
    /// file. A panic is logged and gives nothing.
    fn findings(
        &self,
        only: Option<&FxHashSet<PathBuf>>,
    ) -> Option<FxHashMap<PathBuf, Vec<Finding>>> {
        let reports = self.project_reports(only);
        let result = match catch_unwind(AssertUnwindSafe(|| finish(reports, &self.settings, only)))
        {
            Ok(result) => result,
            Err(payload) => {
                self.log(
                    MessageType::ERROR,
                    format!(
                        "pitfalls: internal error in the project stage: {}",
                        panic_text(&payload)
                    ),
                );
                return None;
            }
        };
        for error in &result.errors {
            self.log(
                MessageType::ERROR,
                format!("pitfalls: {}: {}", error.path.display(), error.message),
            );
        }
        let mut by_path: FxHashMap<PathBuf, Vec<Finding>> = FxHashMap::default();
        for diagnostic in result.diagnostics {
            by_path
                .entry(diagnostic.path)
                .or_default()
                .push(diagnostic.finding);
        }
        Some(by_path)
    }

    /// Findings of the open buffers (those whose last check did not fail).
    fn open_results(&mut self) -> Vec<FileResult> {
        let only: FxHashSet<PathBuf> = self
            .open
            .iter()
            .filter(|(_, f)| !f.failed)
            .map(|(p, _)| p.clone())
            .collect();
        if only.is_empty() {
            return Vec::new();
        }
        let Some(mut by_path) = self.findings(Some(&only)) else {
            return Vec::new();
        };
        let mut results = Vec::new();
        for path in only {
            let file = &self.open[&path];
            let result = FileResult {
                uri: file.uri.clone(),
                version: Some(file.version),
                text: file.text.clone(),
                findings: by_path.remove(&path).unwrap_or_default(),
            };
            self.last.insert(path, result.clone());
            results.push(result);
        }
        results
    }

    /// `textDocument/diagnostic`: an open buffer's last findings, or a file
    /// on disk checked against the index.
    fn pull(&mut self, uri: Url, path: &Path) -> Option<FileResult> {
        if self.open.contains_key(path) {
            return Some(self.last.get(path).cloned().unwrap_or(FileResult {
                uri,
                version: self.open.get(path).map(|f| f.version),
                text: self.open[path].text.clone(),
                findings: Vec::new(),
            }));
        }
        let text: Arc<str> = crate::source::read_source(path).ok()?.text.into();
        if !self.index.contains_key(path) && !self.is_excluded(path) {
            let report = self.check_text(path, &text)?;
            self.index.insert(path.to_path_buf(), report);
        }
        let only: FxHashSet<PathBuf> = std::iter::once(path.to_path_buf()).collect();
        let mut by_path = self.findings(Some(&only))?;
        Some(FileResult {
            uri,
            version: None,
            text,
            findings: by_path.remove(path).unwrap_or_default(),
        })
    }

    /// `workspace/diagnostic`: every file of the project and every open
    /// buffer.
    fn workspace_results(&mut self) -> Vec<FileResult> {
        let Some(mut by_path) = self.findings(None) else {
            return Vec::new();
        };
        let mut paths: Vec<&PathBuf> = self.index.keys().chain(self.open.keys()).collect();
        paths.sort();
        paths.dedup();
        let mut results = Vec::new();
        for path in paths {
            let findings = by_path.remove(path).unwrap_or_default();
            let (text, version, uri) = match self.open.get(path) {
                Some(file) => (file.text.clone(), Some(file.version), file.uri.clone()),
                None => {
                    let Ok(source) = crate::source::read_source(path) else {
                        continue;
                    };
                    let Ok(uri) = Url::from_file_path(path) else {
                        continue;
                    };
                    (source.text.into(), None, uri)
                }
            };
            results.push(FileResult {
                uri,
                version,
                text,
                findings,
            });
        }
        results
    }
}

/// The message of a caught panic.
fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// The pipeline's test hook, for buffers: `PITFALLS_TEST_PANIC_ON=<file
/// name>` makes the check of that file panic (the tests prove the server
/// logs it and keeps serving).
fn panic_if_asked(path: &Path) {
    if let Ok(target) = std::env::var("PITFALLS_TEST_PANIC_ON")
        && path
            .file_name()
            .is_some_and(|n| n.to_string_lossy() == target)
    {
        panic!("PITFALLS_TEST_PANIC_ON asked for a panic here");
    }
}
