//! `pitfalls server` driven over stdio as an editor drives it (CLI.md
//! "Editor integration"): initialize, open, edit, code actions, pull
//! diagnostics, a file that does not parse, a panic in one file, shutdown.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_pitfalls");

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages read while waiting for something else.
    seen: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(root: &Path, env: &[(&str, &str)]) -> Client {
        let mut child = Command::new(BIN)
            .arg("server")
            .current_dir(root)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                reader.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            seen: Vec::new(),
            next_id: 0,
        };
        let uri = uri(root, "");
        let id = client.request(
            "initialize",
            json!({ "processId": null, "rootUri": uri, "capabilities": {} }),
        );
        let reply = client.response(id);
        assert_eq!(
            reply["result"]["capabilities"]["positionEncoding"],
            "utf-16"
        );
        assert_eq!(reply["result"]["serverInfo"]["name"], "pitfalls");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// The first message (already seen or arriving within `timeout`) that
    /// `wanted` accepts; it is consumed.
    fn wait(&mut self, timeout: Duration, wanted: impl Fn(&Value) -> bool) -> Value {
        self.try_wait(timeout, wanted)
            .unwrap_or_else(|| panic!("nothing wanted within {timeout:?}; seen: {:#?}", self.seen))
    }

    fn try_wait(&mut self, timeout: Duration, wanted: impl Fn(&Value) -> bool) -> Option<Value> {
        if let Some(i) = self.seen.iter().position(&wanted) {
            return Some(self.seen.remove(i));
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) if wanted(&message) => return Some(message),
                Ok(message) => self.seen.push(message),
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server closed stdout; seen: {:#?}", self.seen)
                }
            }
        }
    }

    fn response(&mut self, id: i64) -> Value {
        self.wait(Duration::from_secs(10), |m| {
            m["id"] == id && m.get("method").is_none()
        })
    }

    /// The next `publishDiagnostics` for `uri` (at `version` when given).
    fn diagnostics(&mut self, uri: &str, version: Option<i64>, timeout: Duration) -> Vec<Value> {
        let message = self.wait(timeout, |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && version.is_none_or(|v| m["params"]["version"] == v)
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// The diagnostics of the first publication for `uri`, from now on,
    /// that satisfies `wanted` within `timeout`. Publications already
    /// received are dropped, and later ones that do not satisfy it (the
    /// background index's first pass, made with the settings it started
    /// with) are skipped.
    fn diagnostics_until(
        &mut self,
        uri: &str,
        timeout: Duration,
        wanted: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        self.seen.retain(|m| {
            !(m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        });
        let message = self.wait(timeout, |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && wanted(m["params"]["diagnostics"].as_array().unwrap())
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": "python", "version": 1, "text": text,
            }}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": changes,
            }),
        );
    }

    /// `shutdown` then `exit`: the process ends with status 0.
    fn shutdown(mut self) {
        let id = self.request("shutdown", Value::Null);
        let reply = self.response(id);
        assert!(reply.get("error").is_none(), "{reply}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exit status {status:?}");
                return;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

fn uri(root: &Path, rel: &str) -> String {
    let path = std::fs::canonicalize(root).unwrap().join(rel);
    let mut uri = format!("file://{}", path.display());
    if rel.is_empty() && uri.ends_with('/') {
        uri.pop();
    }
    uri
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// A byte offset from an LSP position (UTF-16 columns), as a client does.
fn offset(text: &str, line: u64, character: u64) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line as usize)
        .map(str::len)
        .sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character as usize || c == '\n' {
            return start + i;
        }
        units += c.len_utf16() as u64 as usize;
    }
    text.len()
}

/// Applies a `WorkspaceEdit`'s edits for `uri` to `text`.
fn apply(text: &str, edit: &Value, uri: &str) -> String {
    let mut edits: Vec<(usize, usize, String)> = edit["changes"][uri]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let r = &e["range"];
            let at = |p: &Value| {
                offset(
                    text,
                    p["line"].as_u64().unwrap(),
                    p["character"].as_u64().unwrap(),
                )
            };
            (
                at(&r["start"]),
                at(&r["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse((e.0, e.1)));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, &new);
    }
    out
}

const BLOCKING: &str =
    "import time\n\n\nasync def handler():\n    s = \"é😀\"; time.sleep(1)\n    return s\n";

const DECORATOR: &str = "import time\n\n\ndef timed(func):\n    def wrapper(*args, **kwargs):\n        start = time.perf_counter()\n        try:\n            return func(*args, **kwargs)\n        finally:\n            print(time.perf_counter() - start)\n\n    return wrapper\n";

#[test]
fn open_edit_fix_and_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app.py", BLOCKING);
    let app = uri(root, "app.py");
    let mut client = Client::start(root, &[]);

    // Open: PF101 within a second, at the right UTF-16 column (`é` is one
    // unit, the emoji two: `time` is at character 15, not 14 or 18).
    let opened = Instant::now();
    client.open(&app, BLOCKING);
    let diagnostics = client.diagnostics(&app, Some(1), Duration::from_secs(1));
    let first = opened.elapsed();
    assert_eq!(codes(&diagnostics), ["PF101"], "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d["range"]["start"], json!({ "line": 4, "character": 15 }));
    assert_eq!(d["range"]["end"]["line"], 4);
    assert_eq!(d["source"], "pitfalls");
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("rules/PF101.md")
    );
    eprintln!("first diagnostics after {first:?}");

    // An incremental edit: a second blocking call on a new line.
    client.change(
        &app,
        2,
        json!([{
            "range": { "start": { "line": 5, "character": 0 }, "end": { "line": 5, "character": 0 } },
            "text": "    time.sleep(2)\n",
        }]),
    );
    let diagnostics = client.diagnostics(&app, Some(2), Duration::from_secs(5));
    assert_eq!(codes(&diagnostics), ["PF101", "PF101"], "{diagnostics:#?}");
    assert_eq!(
        diagnostics[1]["range"]["start"],
        json!({ "line": 5, "character": 4 })
    );

    // Replace the whole text with a decorator that drops functools.wraps.
    client.change(&app, 3, json!([{ "text": DECORATOR }]));
    let diagnostics = client.diagnostics(&app, Some(3), Duration::from_secs(5));
    assert_eq!(codes(&diagnostics), ["PF300"], "{diagnostics:#?}");
    let range = diagnostics[0]["range"].clone();

    // Its code actions: the fix (safe), `# noqa`, the rule's doc.
    let id = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": app },
            "range": range,
            "context": { "diagnostics": diagnostics },
        }),
    );
    let actions = client.response(id)["result"].as_array().unwrap().clone();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    let fix = actions
        .iter()
        .find(|a| a["isPreferred"] == true && a["title"].as_str().unwrap().starts_with("PF300"))
        .unwrap_or_else(|| panic!("no PF300 fix in {titles:?}"));
    assert!(
        !fix["title"].as_str().unwrap().contains("unsafe"),
        "{titles:?}"
    );
    let noqa = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("# noqa: PF300"))
        .unwrap_or_else(|| panic!("no noqa action in {titles:?}"));
    assert!(
        actions
            .iter()
            .any(|a| a["command"]["command"] == "pitfalls.showRuleDoc"
                && a["command"]["arguments"] == json!(["PF300"])),
        "{titles:?}"
    );
    // "Show the documentation": this client cannot open documents, so the
    // server says where the doc is.
    let id = client.request(
        "workspace/executeCommand",
        json!({ "command": "pitfalls.showRuleDoc", "arguments": ["PF300"] }),
    );
    assert_eq!(client.response(id)["result"], Value::Null);
    let shown = client.wait(Duration::from_secs(5), |m| {
        m["method"] == "window/showMessage"
    });
    let message = shown["params"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("PF300 (") && message.contains("PF300.md"),
        "{message}"
    );
    let with_noqa = apply(DECORATOR, &noqa["edit"], &app);
    assert!(
        with_noqa.contains("    def wrapper(*args, **kwargs):  # noqa: PF300\n"),
        "{with_noqa}"
    );

    // Apply the fix as the editor does: the finding disappears.
    let fixed = apply(DECORATOR, &fix["edit"], &app);
    assert!(fixed.contains("functools.wraps(func)"), "{fixed}");
    client.change(&app, 4, json!([{ "text": fixed }]));
    let diagnostics = client.diagnostics(&app, Some(4), Duration::from_secs(5));
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");

    // Pull diagnostics answer too.
    client.change(&app, 5, json!([{ "text": BLOCKING }]));
    let id = client.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": app } }),
    );
    let reply = client.response(id);
    assert_eq!(reply["result"]["kind"], "full");
    assert_eq!(
        codes(reply["result"]["items"].as_array().unwrap()),
        ["PF101"]
    );

    // A file that does not parse: PF001, and the server goes on.
    let broken = uri(root, "broken.py");
    client.open(&broken, "def f(:\n    pass\n");
    let diagnostics = client.diagnostics(&broken, Some(1), Duration::from_secs(5));
    assert_eq!(codes(&diagnostics), ["PF001"], "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["severity"], 1);

    client.shutdown();
}

#[test]
fn unsaved_buffers_are_seen_by_project_wide_rules() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[tool.pitfalls]\nselect = [\"PF1\"]\n",
    );
    write(root, "app/__init__.py", "");
    let db =
        "import asyncio\n\n\nasync def fetch(key):\n    await asyncio.sleep(0)\n    return key\n";
    write(root, "app/db.py", db);
    let views = "from app.db import fetch\n\n\ndef show(key):\n    fetch(key)\n    return key\n";
    write(root, "app/views.py", views);
    let mut client = Client::start(root, &[]);
    let views_uri = uri(root, "app/views.py");
    client.open(&views_uri, views);
    // Once the index is built (in the background), PF100: `fetch` is a
    // coroutine function defined in another module.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let diagnostics = client.diagnostics(&views_uri, Some(1), Duration::from_secs(10));
        if codes(&diagnostics) == ["PF100"] {
            assert!(
                diagnostics[0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("app.db")
            );
            break;
        }
        assert!(Instant::now() < deadline, "no PF100: {diagnostics:#?}");
    }
    // Edit db.py in the editor without saving: `fetch` is no longer async,
    // and views.py's finding goes away.
    let db_uri = uri(root, "app/db.py");
    client.open(&db_uri, db);
    client.change(
        &db_uri,
        2,
        json!([{ "text": "def fetch(key):\n    return key\n" }]),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let diagnostics = client.diagnostics(&views_uri, Some(1), Duration::from_secs(10));
        if diagnostics.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "PF100 stays: {diagnostics:#?}");
    }
    // Closed without saving: the index goes back to the file on disk.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": db_uri } }),
    );
    let diagnostics = client.diagnostics(&views_uri, Some(1), Duration::from_secs(10));
    assert_eq!(codes(&diagnostics), ["PF100"], "{diagnostics:#?}");
    // Changed on disk (a branch switch): the watcher's notice updates that
    // one file in the index.
    write(root, "app/db.py", "def fetch(key):\n    return key\n");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": db_uri, "type": 2 }] }),
    );
    let diagnostics = client.diagnostics(&views_uri, Some(1), Duration::from_secs(10));
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    client.shutdown();
}

#[test]
fn configuration_changes_are_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut client = Client::start(root, &[]);
    let app = uri(root, "app.py");
    client.open(&app, BLOCKING);
    assert_eq!(
        codes(&client.diagnostics(&app, Some(1), Duration::from_secs(5))),
        ["PF101"]
    );

    // A configuration file appears (the client's file watcher says so).
    write(root, "pitfalls.toml", "ignore = [\"PF101\"]\n");
    let config = uri(root, "pitfalls.toml");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": config, "type": 1 }] }),
    );
    let diagnostics = client.diagnostics_until(&app, Duration::from_secs(10), |d| d.is_empty());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");

    // A broken one: reported, and the defaults apply.
    write(root, "pitfalls.toml", "ignore = 12\n");
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": config } }),
    );
    let log = client.wait(Duration::from_secs(5), |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .unwrap()
                .contains("configuration error")
    });
    assert!(
        log["params"]["message"]
            .as_str()
            .unwrap()
            .contains("pitfalls.toml"),
        "{log}"
    );
    let diagnostics = client.diagnostics_until(&app, Duration::from_secs(10), |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), ["PF101"]);
    client.shutdown();
}

#[test]
fn a_panic_in_one_file_is_a_log_message() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut client = Client::start(root, &[("PITFALLS_TEST_PANIC_ON", "boom.py")]);
    let boom = uri(root, "boom.py");
    client.open(&boom, "x = 1\n");
    let log = client.wait(Duration::from_secs(5), |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .unwrap()
                .contains("internal error")
    });
    assert!(
        log["params"]["message"]
            .as_str()
            .unwrap()
            .contains("boom.py"),
        "{log}"
    );
    // The other files are still served.
    let app = uri(root, "app.py");
    client.open(&app, BLOCKING);
    let diagnostics = client.diagnostics(&app, Some(1), Duration::from_secs(5));
    assert_eq!(codes(&diagnostics), ["PF101"]);
    client.shutdown();
}

#[test]
fn workspace_pull_waits_for_a_change_and_can_be_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.py", BLOCKING);
    write(root, "b.py", "x = 1\n");
    let (a, b) = (uri(root, "a.py"), uri(root, "b.py"));
    let mut client = Client::start(root, &[]);
    let items_of = |reply: &Value, uri: &str| -> Vec<Value> {
        reply["result"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["uri"] == uri)
            .unwrap_or_else(|| panic!("no report for {uri}: {reply}"))["items"]
            .as_array()
            .unwrap()
            .clone()
    };

    // The whole project, from the index: a.py on disk has PF101.
    let id = client.request("workspace/diagnostic", json!({ "previousResultIds": [] }));
    let reply = client.response(id);
    assert_eq!(codes(&items_of(&reply, &a)), ["PF101"]);
    assert!(items_of(&reply, &b).is_empty());
    let result_id = reply["result"]["items"][0]["resultId"]
        .as_str()
        .unwrap()
        .to_string();

    // Asked again with that result: held while nothing changes ...
    let previous = json!({ "previousResultIds": [{ "uri": a, "value": result_id }] });
    let held = client.request("workspace/diagnostic", previous.clone());
    let early = client.try_wait(Duration::from_millis(500), |m| m["id"] == held);
    assert!(early.is_none(), "answered without a change: {early:?}");
    // ... until cancelled: RequestCanceled.
    client.notify("$/cancelRequest", json!({ "id": held }));
    let reply = client.response(held);
    assert_eq!(reply["error"]["code"], -32800, "{reply}");

    // Held again, then answered when a buffer changes.
    let held = client.request("workspace/diagnostic", previous);
    client.open(&b, BLOCKING);
    let reply = client.response(held);
    assert_ne!(reply["result"]["items"][0]["resultId"], result_id.as_str());
    assert_eq!(codes(&items_of(&reply, &b)), ["PF101"]);
    assert_eq!(
        reply["result"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["uri"] == b)
            .unwrap()["version"],
        1
    );
    client.shutdown();
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path(), &[]);
    client.notify("exit", Value::Null);
    let status = client.child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}
