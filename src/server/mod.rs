//! `pitfalls server`: a Language Server over stdio (CLI.md "Editor
//! integration").
//!
//! The main loop (this module) owns the protocol: open buffers and their
//! edits, debouncing, requests and their cancellation, publishing. The
//! checking happens on one worker thread ([`worker`]) that owns the project:
//! the settings, the index of every file's report (built once in the
//! background, then updated per file) and the open buffers, which replace
//! their files on disk for project-wide rules. Findings come back with the
//! text they were computed for, so positions (UTF-16, [`lines`]) and code
//! actions ([`convert`]) always match the text the client had.

mod convert;
mod lines;
mod worker;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeActionOrCommand, CodeActionParams, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, DocumentDiagnosticParams, ExecuteCommandParams, InitializeParams,
    MessageType, NumberOrString, PublishDiagnosticsParams, Url, WorkspaceDiagnosticParams,
};
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::json;

use crate::cli::Outcome;
use worker::{Event, FileResult, Task};

/// How long after the last keystroke a buffer is checked.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// The configuration files the CLI reads: a change reloads the settings.
const CONFIG_FILES: [&str; 3] = ["pitfalls.toml", ".pitfalls.toml", "pyproject.toml"];

/// Runs the server on stdin/stdout until the client says `exit`.
pub fn run() -> Outcome {
    let (connection, io_threads) = Connection::stdio();
    match serve(&connection) {
        Ok(true) => {
            drop(connection);
            let _ = io_threads.join();
            Outcome::Clean
        }
        // LSP: `exit` without `shutdown` first ends with exit code 1.
        Ok(false) => Outcome::Findings,
        Err(error) => {
            eprintln!("pitfalls server: {error}");
            Outcome::Error
        }
    }
}

fn serve(connection: &Connection) -> anyhow::Result<bool> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    connection.initialize_finish(id, initialize_result())?;
    let root = workspace_root(&params);
    let mut server = Server::new(connection, root, &params);
    let clean = server.main_loop();
    server.stop();
    clean
}

fn initialize_result() -> serde_json::Value {
    json!({
        "capabilities": {
            "positionEncoding": "utf-16",
            "textDocumentSync": {
                "openClose": true,
                "change": 2,
                "save": { "includeText": false },
            },
            "codeActionProvider": {
                "codeActionKinds": ["quickfix", convert::FIX_ALL],
                "resolveProvider": false,
            },
            "executeCommandProvider": { "commands": [convert::SHOW_RULE_DOC] },
            "diagnosticProvider": {
                "identifier": "pitfalls",
                "interFileDependencies": true,
                "workspaceDiagnostics": true,
            },
        },
        "serverInfo": { "name": "pitfalls", "version": env!("CARGO_PKG_VERSION") },
    })
}

/// The first workspace folder, else the root URI, else the current folder.
fn workspace_root(params: &InitializeParams) -> PathBuf {
    #[allow(deprecated)]
    let root_uri = params.root_uri.as_ref();
    params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .map(|folder| &folder.uri)
        .or(root_uri)
        .and_then(|uri| uri.to_file_path().ok())
        .or_else(|| std::env::current_dir().ok())
        .map(|path| crate::discover::normalize(&path))
        .unwrap_or_else(|| PathBuf::from("."))
}

struct Document {
    version: i32,
    text: String,
    path: PathBuf,
}

struct Server<'a> {
    connection: &'a Connection,
    tasks: Option<Sender<Task>>,
    worker: Option<std::thread::JoinHandle<()>>,
    events: Receiver<Event>,
    documents: FxHashMap<Url, Document>,
    /// The last findings of each open buffer, for code actions.
    results: FxHashMap<Url, FileResult>,
    /// Buffers edited and not yet sent to the worker: when to send them.
    debounce: FxHashMap<Url, Instant>,
    /// Pull requests the worker is answering.
    in_flight: FxHashSet<RequestId>,
    cancelled: Arc<Mutex<FxHashSet<RequestId>>>,
    /// The client pulls diagnostics (`textDocument/diagnostic`): no push.
    pull: bool,
    refresh_support: bool,
    show_document: bool,
    watch_files: bool,
    next_id: u32,
}

impl<'a> Server<'a> {
    fn new(connection: &'a Connection, root: PathBuf, params: &InitializeParams) -> Self {
        let caps = &params.capabilities;
        let (events_tx, events) = crossbeam_channel::unbounded();
        let cancelled = Arc::new(Mutex::new(FxHashSet::default()));
        let (tasks, worker) = worker::spawn(root, events_tx, cancelled.clone());
        let workspace = caps.workspace.as_ref();
        Server {
            connection,
            tasks: Some(tasks),
            worker: Some(worker),
            events,
            documents: FxHashMap::default(),
            results: FxHashMap::default(),
            debounce: FxHashMap::default(),
            in_flight: FxHashSet::default(),
            cancelled,
            pull: caps
                .text_document
                .as_ref()
                .is_some_and(|t| t.diagnostic.is_some()),
            refresh_support: workspace
                .and_then(|w| w.diagnostic.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            show_document: caps
                .window
                .as_ref()
                .and_then(|w| w.show_document.as_ref())
                .is_some_and(|s| s.support),
            watch_files: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            next_id: 0,
        }
    }

    /// Ends the worker (it finishes the task at hand).
    fn stop(&mut self) {
        self.task(Task::Stop);
        self.tasks = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }

    /// `Ok(true)` after `shutdown` then `exit`; `Ok(false)` on `exit` alone
    /// or when the client goes away.
    fn main_loop(&mut self) -> anyhow::Result<bool> {
        loop {
            let wait = self
                .debounce
                .values()
                .min()
                .map_or(Duration::from_secs(3600), |deadline| {
                    deadline.saturating_duration_since(Instant::now())
                });
            crossbeam_channel::select! {
                recv(self.connection.receiver) -> message => match message {
                    Err(_) => return Ok(false),
                    Ok(Message::Request(request)) => {
                        if self.connection.handle_shutdown(&request)? {
                            return Ok(true);
                        }
                        self.on_request(request);
                    }
                    Ok(Message::Notification(notification)) => {
                        if notification.method == "exit" {
                            return Ok(false);
                        }
                        self.on_notification(notification);
                    }
                    Ok(Message::Response(_)) => {}
                },
                recv(self.events) -> event => match event {
                    Ok(event) => self.on_event(event),
                    Err(_) => {
                        // Only if the worker itself died (a bug): say so,
                        // and stop listening to it.
                        self.log(MessageType::ERROR, "pitfalls: the checking thread stopped; restart the server");
                        self.events = crossbeam_channel::never();
                    }
                },
                default(wait) => {}
            }
            self.send_due(None);
        }
    }

    fn send(&self, message: impl Into<Message>) {
        let _ = self.connection.sender.send(message.into());
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Notification::new(method.to_string(), params));
    }

    fn request(&mut self, method: &str, params: impl serde::Serialize) {
        self.next_id += 1;
        let id = RequestId::from(format!("pitfalls-{}", self.next_id));
        self.send(Request::new(id, method.to_string(), params));
    }

    fn task(&self, task: Task) {
        if let Some(tasks) = &self.tasks {
            let _ = tasks.send(task);
        }
    }

    fn log(&self, kind: MessageType, message: impl Into<String>) {
        self.notify(
            "window/logMessage",
            json!({ "type": kind, "message": message.into() }),
        );
    }

    /// Sends the buffers whose debounce delay is over (or `uri`'s now).
    fn send_due(&mut self, uri: Option<&Url>) {
        let now = Instant::now();
        let due: Vec<Url> = self
            .debounce
            .iter()
            .filter(|(u, deadline)| Some(*u) == uri || **deadline <= now)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in due {
            self.debounce.remove(&uri);
            self.update(&uri);
        }
    }

    fn update(&self, uri: &Url) {
        if let Some(document) = self.documents.get(uri) {
            self.task(Task::Update {
                path: document.path.clone(),
                uri: uri.clone(),
                version: document.version,
                text: document.text.as_str().into(),
            });
        }
    }

    fn on_request(&mut self, request: Request) {
        let id = request.id.clone();
        let reply = match request.method.as_str() {
            "textDocument/codeAction" => serde_json::from_value::<CodeActionParams>(request.params)
                .map(|params| Some(json!(self.code_actions(&params)))),
            "textDocument/diagnostic" => {
                serde_json::from_value::<DocumentDiagnosticParams>(request.params).map(|params| {
                    let uri = params.text_document.uri;
                    self.send_due(Some(&uri));
                    match uri.to_file_path() {
                        Ok(path) => {
                            self.in_flight.insert(id.clone());
                            let path = crate::discover::normalize(&path);
                            self.task(Task::Pull {
                                id: id.clone(),
                                uri,
                                path,
                            });
                            None
                        }
                        Err(()) => Some(json!({ "kind": "full", "items": [] })),
                    }
                })
            }
            "workspace/diagnostic" => {
                serde_json::from_value::<WorkspaceDiagnosticParams>(request.params).map(|params| {
                    // Every file carries the same result id: the revision.
                    let previous = params
                        .previous_result_ids
                        .first()
                        .and_then(|p| p.value.parse::<u64>().ok());
                    self.in_flight.insert(id.clone());
                    self.task(Task::WorkspacePull {
                        id: id.clone(),
                        previous,
                    });
                    None
                })
            }
            "workspace/executeCommand" => {
                serde_json::from_value::<ExecuteCommandParams>(request.params).map(|params| {
                    if params.command == convert::SHOW_RULE_DOC
                        && let Some(code) = params.arguments.first().and_then(|a| a.as_str())
                    {
                        self.show_rule_doc(code);
                    }
                    Some(serde_json::Value::Null)
                })
            }
            method => {
                self.send(Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("pitfalls does not handle {method}"),
                ));
                return;
            }
        };
        match reply {
            Ok(Some(result)) => self.send(Response::new_ok(id, result)),
            Ok(None) => {}
            Err(error) => self.send(Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                error.to_string(),
            )),
        }
    }

    fn on_notification(&mut self, notification: Notification) {
        let params = notification.params;
        match notification.method.as_str() {
            "initialized" => self.register_watchers(),
            "textDocument/didOpen" => {
                if let Ok(params) = serde_json::from_value::<DidOpenTextDocumentParams>(params) {
                    let document = params.text_document;
                    let Ok(path) = document.uri.to_file_path() else {
                        return;
                    };
                    // Clients may send every file they open: only Python is
                    // checked.
                    let python = document.language_id == "python"
                        || path.extension().is_some_and(|e| e == "py" || e == "pyi");
                    if !python {
                        return;
                    }
                    self.documents.insert(
                        document.uri.clone(),
                        Document {
                            version: document.version,
                            text: document.text,
                            path: crate::discover::normalize(&path),
                        },
                    );
                    self.update(&document.uri);
                }
            }
            "textDocument/didChange" => {
                if let Ok(params) = serde_json::from_value::<DidChangeTextDocumentParams>(params) {
                    let uri = params.text_document.uri;
                    let Some(document) = self.documents.get_mut(&uri) else {
                        return;
                    };
                    for change in params.content_changes {
                        match change.range {
                            Some(range) => {
                                let index = lines::LineIndex::new(&document.text);
                                let start = index.offset(&document.text, range.start);
                                let end = index.offset(&document.text, range.end).max(start);
                                document.text.replace_range(start..end, &change.text);
                            }
                            None => document.text = change.text,
                        }
                    }
                    document.version = params.text_document.version;
                    self.debounce.insert(uri, Instant::now() + DEBOUNCE);
                }
            }
            "textDocument/didSave" => {
                if let Ok(params) = serde_json::from_value::<DidSaveTextDocumentParams>(params) {
                    let uri = params.text_document.uri;
                    if uri.to_file_path().is_ok_and(|p| is_config(&p)) {
                        self.task(Task::Reload);
                    } else {
                        self.send_due(Some(&uri));
                    }
                }
            }
            "textDocument/didClose" => {
                if let Ok(params) = serde_json::from_value::<DidCloseTextDocumentParams>(params) {
                    let uri = params.text_document.uri;
                    self.debounce.remove(&uri);
                    self.results.remove(&uri);
                    if let Some(document) = self.documents.remove(&uri) {
                        self.task(Task::Close {
                            path: document.path,
                        });
                    }
                    if !self.pull {
                        self.publish(&uri, Vec::new(), None);
                    }
                }
            }
            "workspace/didChangeWatchedFiles" => {
                if let Ok(params) = serde_json::from_value::<DidChangeWatchedFilesParams>(params) {
                    let paths: Vec<PathBuf> = params
                        .changes
                        .iter()
                        .filter_map(|c| c.uri.to_file_path().ok())
                        .map(|p| crate::discover::normalize(&p))
                        .collect();
                    if paths.iter().any(|p| is_config(p)) {
                        self.task(Task::Reload);
                    } else if !paths.is_empty() {
                        self.task(Task::DiskChanged(paths));
                    }
                }
            }
            "workspace/didChangeConfiguration" => self.task(Task::Reload),
            "$/cancelRequest" => {
                if let Some(id) = params.get("id").cloned() {
                    let id = match serde_json::from_value::<NumberOrString>(id) {
                        Ok(NumberOrString::Number(n)) => RequestId::from(n),
                        Ok(NumberOrString::String(s)) => RequestId::from(s),
                        Err(_) => return,
                    };
                    if self.in_flight.remove(&id) {
                        if let Ok(mut cancelled) = self.cancelled.lock() {
                            cancelled.insert(id.clone());
                        }
                        self.send(Response::new_err(
                            id,
                            ErrorCode::RequestCanceled as i32,
                            "canceled".into(),
                        ));
                    }
                }
            }
            _ => {}
        }
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Results { results, refresh } => {
                for result in results {
                    let current = self.documents.get(&result.uri).map(|d| d.version);
                    if current.is_none() || current != result.version {
                        // Closed, or edited since: a newer check is coming.
                        continue;
                    }
                    if !self.pull {
                        self.publish(&result.uri, convert::diagnostics(&result), result.version);
                    }
                    self.results.insert(result.uri.clone(), result);
                }
                if self.pull && refresh && self.refresh_support {
                    self.request("workspace/diagnostic/refresh", ());
                }
            }
            Event::Pull { id, result } => {
                self.forget_cancelled(&id);
                if self.in_flight.remove(&id) {
                    let items = convert::diagnostics(&result);
                    self.send(Response::new_ok(
                        id,
                        json!({ "kind": "full", "items": items }),
                    ));
                }
                let current = self.documents.get(&result.uri).map(|d| d.version);
                if current.is_some() && current == result.version {
                    self.results.insert(result.uri.clone(), result);
                }
            }
            Event::WorkspacePull {
                id,
                results,
                revision,
            } => {
                self.forget_cancelled(&id);
                if self.in_flight.remove(&id) {
                    let items: Vec<_> = results
                        .iter()
                        .map(|result| {
                            json!({
                                "kind": "full",
                                "resultId": revision.to_string(),
                                "uri": result.uri,
                                "version": result.version,
                                "items": convert::diagnostics(result),
                            })
                        })
                        .collect();
                    self.send(Response::new_ok(id, json!({ "items": items })));
                }
            }
            Event::Log(kind, message) => self.log(kind, message),
        }
    }

    /// A request the worker answered after it was cancelled.
    fn forget_cancelled(&self, id: &RequestId) {
        if let Ok(mut cancelled) = self.cancelled.lock() {
            cancelled.remove(id);
        }
    }

    fn publish(&self, uri: &Url, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        self.notify(
            "textDocument/publishDiagnostics",
            PublishDiagnosticsParams::new(uri.clone(), diagnostics, version),
        );
    }

    fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let (Some(document), Some(result)) = (self.documents.get(uri), self.results.get(uri))
        else {
            return Vec::new();
        };
        if result.version != Some(document.version) {
            // The findings are for an older text: their edits would not fit.
            return Vec::new();
        }
        convert::code_actions(result, params.range, params.context.only.as_deref())
            .into_iter()
            .map(CodeActionOrCommand::CodeAction)
            .collect()
    }

    /// Opens the rule's documentation (the text `pitfalls rule CODE`
    /// prints, written to a temporary file) in the editor, or shows where it
    /// is when the client cannot open documents.
    fn show_rule_doc(&mut self, code: &str) {
        let Some(rule) = crate::registry::Rule::from_name(code) else {
            self.log(
                MessageType::WARNING,
                format!("pitfalls: unknown rule {code}"),
            );
            return;
        };
        let meta = rule.meta();
        let url = crate::render::rule_url(meta.code);
        let dir = std::env::temp_dir()
            .join("pitfalls-rules")
            .join(env!("CARGO_PKG_VERSION"));
        let file = dir.join(format!("{}.md", meta.code));
        let written = std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(&file, meta.doc))
            .ok()
            .and_then(|()| Url::from_file_path(&file).ok());
        if self.show_document {
            let (uri, external) = match written {
                Some(uri) => (uri, false),
                None => (Url::parse(&url).expect("a rule URL"), true),
            };
            self.request(
                "window/showDocument",
                json!({ "uri": uri, "external": external, "takeFocus": true }),
            );
        } else {
            let place = written.map_or(url, |uri| uri.to_string());
            self.notify(
                "window/showMessage",
                json!({
                    "type": MessageType::INFO,
                    "message": format!("{} ({}): {} See {place}", meta.code, meta.name, meta.summary),
                }),
            );
        }
    }

    /// Asks the client to tell about Python and configuration files changed
    /// outside the editor (branch switches, formatters).
    fn register_watchers(&mut self) {
        if !self.watch_files {
            return;
        }
        let watchers: Vec<_> = std::iter::once("**/*.py".to_string())
            .chain(CONFIG_FILES.iter().map(|name| format!("**/{name}")))
            .map(|glob| json!({ "globPattern": glob }))
            .collect();
        self.request(
            "client/registerCapability",
            json!({
                "registrations": [{
                    "id": "pitfalls-watch",
                    "method": "workspace/didChangeWatchedFiles",
                    "registerOptions": { "watchers": watchers },
                }],
            }),
        );
    }
}

fn is_config(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| CONFIG_FILES.iter().any(|c| name == *c))
}
