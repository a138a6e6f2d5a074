//! Pre-commit mode (CLI.md "Pre-commit"): files named explicitly are
//! reported, but the whole project is indexed, so a coroutine defined in one
//! module is known where another calls it — with no cache, a cold cache and
//! a warm cache, and an edit to the callee is seen on the next run.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_pitfalls");

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(["check", "--no-color", "--output-format", "concise"])
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // The config file marks the project root.
    write(
        root,
        "pyproject.toml",
        "[tool.pitfalls]\nselect = [\"PF1\"]\n",
    );
    write(root, "app/__init__.py", "");
    write(root, "app/store/__init__.py", "from .db import fetch\n");
    write(
        root,
        "app/store/db.py",
        "import asyncio\n\n\nasync def fetch(key):\n    await asyncio.sleep(0)\n    return key\n\n\nasync def save(row):\n    await asyncio.sleep(0)\n",
    );
    write(
        root,
        "app/views.py",
        "from app.store import fetch\nfrom .store import db as database\n\n\ndef show(key):\n    fetch(key)\n    database.save(key)\n    return key\n",
    );
    dir
}

fn pf100_lines(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.contains("PF100"))
        .map(str::to_string)
        .collect()
}

#[test]
fn named_file_sees_coroutines_defined_elsewhere() {
    let dir = project();
    let root = dir.path();
    for (label, args) in [
        ("no cache", vec!["--no-cache", "app/views.py"]),
        ("cold cache", vec!["app/views.py"]),
        ("warm cache", vec!["app/views.py"]),
    ] {
        let (code, stdout, stderr) = run(root, &args);
        assert_eq!(code, 1, "{label}: {stdout}{stderr}");
        let found = pf100_lines(&stdout);
        assert_eq!(found.len(), 2, "{label}: {stdout}");
        assert!(
            found[0].starts_with("app/views.py:6:5: PF100"),
            "{label}: {}",
            found[0]
        );
        assert!(
            found[0].contains("app.store.db:4"),
            "{label}: names the defining module: {}",
            found[0]
        );
        assert!(
            found[1].starts_with("app/views.py:7:5: PF100"),
            "{label}: {}",
            found[1]
        );
        assert!(found[1].contains("app.store.db:9"), "{label}: {}", found[1]);
    }
    assert!(
        root.join(".pitfalls_cache/.gitignore").is_file(),
        "the cache keeps itself out of git"
    );
}

#[test]
fn naming_the_callee_reports_nothing_from_other_files() {
    let dir = project();
    let (code, stdout, _) = run(dir.path(), &["app/store/db.py"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(!stdout.contains("views.py"), "{stdout}");
}

#[test]
fn an_edit_to_the_callee_is_seen_on_the_next_cached_run() {
    let dir = project();
    let root = dir.path();
    let (code, stdout, _) = run(root, &["app/views.py"]);
    assert_eq!((code, pf100_lines(&stdout).len()), (1, 2), "{stdout}");
    // `fetch` stops being a coroutine function.
    write(
        root,
        "app/store/db.py",
        "import asyncio\n\n\ndef fetch(key):\n    return key\n\n\nasync def save(row):\n    await asyncio.sleep(0)\n",
    );
    let (code, stdout, _) = run(root, &["app/views.py"]);
    assert_eq!(code, 1, "{stdout}");
    let found = pf100_lines(&stdout);
    assert_eq!(found.len(), 1, "{stdout}");
    assert!(found[0].contains("database.save"), "{stdout}");
}

#[test]
fn corrupt_cache_entries_are_rebuilt() {
    let dir = project();
    let root = dir.path();
    let (_, first, _) = run(root, &["app/views.py"]);
    let cache = root.join(".pitfalls_cache");
    let mut entries = 0;
    for entry in std::fs::read_dir(&cache).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n != ".gitignore") {
            // Truncate every entry to half its length.
            let bytes = std::fs::read(&path).unwrap();
            std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
            entries += 1;
        }
    }
    assert!(entries >= 4, "one entry per project file, got {entries}");
    let (code, second, stderr) = run(root, &["app/views.py"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(first, second);
}

#[test]
fn two_runs_at_once_do_not_corrupt_the_cache() {
    let dir = project();
    let root = dir.path();
    let spawn = || {
        Command::new(BIN)
            .args(["check", "--output-format", "concise", "app/views.py"])
            .current_dir(root)
            .output()
            .unwrap()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(a.stdout, b.stdout);
    let (code, stdout, _) = run(root, &["app/views.py"]);
    assert_eq!(code, 1);
    assert_eq!(stdout.as_bytes(), &a.stdout[..]);
}

#[test]
fn a_bare_folder_indexes_the_named_files_packages() {
    // No configuration file and no git repository: the package the named
    // file belongs to is still indexed (and nothing is cached).
    let dir = project();
    let root = dir.path();
    std::fs::remove_file(root.join("pyproject.toml")).unwrap();
    let (code, stdout, stderr) = run(root, &["--select", "PF1", "app/views.py"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let found = pf100_lines(&stdout);
    assert_eq!(found.len(), 2, "{stdout}");
    assert!(found[0].contains("app.store.db:4"), "{}", found[0]);
    assert!(
        !root.join(".pitfalls_cache").exists(),
        "no project root, no cache"
    );
}

/// Values and effects travel in the cached summaries: a caller checked
/// alone still knows the class made by a factory in another module, and
/// the blocking helper two modules away.
#[test]
fn named_file_sees_values_and_effects_defined_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[tool.pitfalls]\nselect = [\"PF1\"]\n",
    );
    write(root, "svc/__init__.py", "");
    write(
        root,
        "svc/client.py",
        "import asyncio\n\n\nclass Client:\n    async def fetch(self, key):\n        await asyncio.sleep(0)\n",
    );
    write(
        root,
        "svc/factory.py",
        "from .client import Client\n\n\ndef make_client() -> Client:\n    return Client()\n\n\ndef dump_state(path):\n    with open(path, \"w\") as f:\n        f.write(\"x\")\n\n\ndef save():\n    dump_state(\"state.json\")\n",
    );
    write(
        root,
        "svc/caller.py",
        "from .factory import make_client, save\n\n\nasync def handler():\n    make_client().fetch(\"e\")\n    save()\n",
    );
    for (label, args) in [
        ("no cache", vec!["--no-cache", "svc/caller.py"]),
        ("cold cache", vec!["svc/caller.py"]),
        ("warm cache", vec!["svc/caller.py"]),
    ] {
        let (code, stdout, stderr) = run(root, &args);
        assert_eq!(code, 1, "{label}: {stdout}{stderr}");
        let lines: Vec<&str> = stdout.lines().filter(|l| l.contains(": PF1")).collect();
        assert_eq!(lines.len(), 2, "{label}: {stdout}");
        assert!(
            lines[0].starts_with("svc/caller.py:5:5: PF100"),
            "{label}: {}",
            lines[0]
        );
        assert!(
            lines[1].starts_with("svc/caller.py:6:5: PF112")
                && lines[1].contains("`save` → `dump_state` calls `open(...)` (svc/factory.py:9)"),
            "{label}: {}",
            lines[1]
        );
    }
}

/// The stat index (`.pitfalls_cache/stat-index`) skips hashing a file whose
/// metadata is unchanged. Files written in the last seconds are "racy" and
/// never trusted, so the project is aged first; then an edit that keeps
/// the file's size and modification time is still seen (its change time
/// moved on).
#[test]
fn an_edit_keeping_size_and_mtime_is_seen() {
    let dir = project();
    let root = dir.path();
    std::thread::sleep(std::time::Duration::from_millis(3_100));
    let (code, stdout, _) = run(root, &["app/views.py"]);
    assert_eq!((code, pf100_lines(&stdout).len()), (1, 2), "{stdout}");
    let index = root.join(".pitfalls_cache/stat-index");
    let remembered = std::fs::metadata(&index).unwrap().len();
    assert!(
        remembered > 4 * 100,
        "every settled file is remembered: {remembered} bytes"
    );
    // Warm: served through the stat index, same output.
    let (code, warm, _) = run(root, &["app/views.py"]);
    assert_eq!((code, &warm), (1, &stdout));
    // `async def fetch(key)` → `def fetch(key)`: as many bytes, same mtime.
    let db = root.join("app/store/db.py");
    let before = std::fs::read_to_string(&db).unwrap();
    let mtime = std::fs::metadata(&db).unwrap().modified().unwrap();
    let after = before.replace("async def fetch(key)", "def fetch(key)      ");
    assert_eq!(after.len(), before.len());
    std::fs::write(&db, &after).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&db)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(std::fs::metadata(&db).unwrap().modified().unwrap(), mtime);
    let (code, stdout, _) = run(root, &["app/views.py"]);
    assert_eq!(code, 1, "{stdout}");
    let found = pf100_lines(&stdout);
    assert_eq!(found.len(), 1, "{stdout}");
    assert!(found[0].contains("database.save"), "{stdout}");
}
