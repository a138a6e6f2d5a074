//! A fuzz harness on the stable toolchain. It mutates real Python (every
//! fixture, plus generated modules covering what the rules look at) by
//! deleting, duplicating, swapping, truncating and splicing tokens and lines
//! (and a few hostile bytes), then runs each input through decode + parse +
//! check, the project stage, every output format, and the fix loop,
//! asserting:
//!
//! - no panic and no internal error (an exit 2 for the CLI);
//! - no raw control character in any output format;
//! - every applied fix leaves a file that parses, and a second fix round
//!   changes nothing;
//! - no input takes longer than [`HANG`].
//!
//! `fuzz_ci` runs a fixed seed for a bounded time in `cargo test`;
//! `scripts/fuzz` runs `fuzz_long` (ignored here) for as long as asked. A
//! failing input is written to `fuzz/crashes/`, and `fuzz_crashes_replay`
//! runs every file there: each crash is a regression test.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pitfalls::fix::fix_text;
use pitfalls::parse::parse_module;
use pitfalls::pipeline::{CheckResult, finish};
use pitfalls::render::{RenderOptions, render};
use pitfalls::semantic::ModuleName;
use pitfalls::settings::{FileSettings, OutputFormat, Overrides, Settings};
use pitfalls::source::{ReadError, SourceText, decode};

/// One input taking longer than this (parse, check, render and fix rounds
/// together) is a hang.
const HANG: Duration = Duration::from_secs(if cfg!(debug_assertions) { 20 } else { 5 });

const FORMATS: [OutputFormat; 7] = [
    OutputFormat::Full,
    OutputFormat::Concise,
    OutputFormat::Json,
    OutputFormat::JsonLines,
    OutputFormat::Github,
    OutputFormat::Sarif,
    OutputFormat::Junit,
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn crashes_dir() -> PathBuf {
    repo().join("fuzz").join("crashes")
}

// ---------------------------------------------------------------------------
// The corpus

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            python_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
}

/// Statement templates for generated modules: every construct the rules
/// look at. `{n}` is replaced by a fresh number.
const TEMPLATES: &[&str] = &[
    "async def fetch{n}(session, url):\n    async with session.get(url) as r:\n        return await r.json()\n",
    "async def main{n}():\n    task = asyncio.create_task(work{n}())\n    time.sleep(1)\n    await asyncio.gather(*[work{n}() for _ in range(3)])\n",
    "def deco{n}(f):\n    def wrapper(*args, **kwargs):\n        return f(*args, **kwargs)\n    return wrapper\n",
    "@functools.lru_cache(maxsize=None)\ndef cached{n}(self, x=[]):\n    x.append(1)\n    return x\n",
    "try:\n    run{n}()\nexcept* (ValueError, TypeError) as eg:\n    log(eg)\nexcept* asyncio.CancelledError:\n    pass\n",
    "with open(path{n}) as f, lock{n}:\n    data = [line for line in f.readlines() if line]\n    total = sum([len(l) for l in data])\n",
    "match command{n}:\n    case {\"action\": str(a), **rest}:\n        go(a)\n    case [x, *ys] if x > 0:\n        pass\n    case Point(x=0) | None:\n        pass\n    case _:\n        pass\n",
    "class Box{n}[T: (int, str), *Ts, **P](Generic[T]):\n    def __del__(self):\n        pass\n    async def get(self) -> T:\n        with self._lock:\n            await asyncio.sleep(0)\n",
    "type Alias{n}[K, V = int] = dict[K, list[V]]\n",
    "lock_a{n} = threading.Lock()\nlock_b{n} = threading.Lock()\ndef one{n}():\n    with lock_a{n}:\n        with lock_b{n}:\n            pass\ndef two{n}():\n    with lock_b{n}:\n        with lock_a{n}:\n            pass\n",
    "@contextlib.contextmanager\ndef managed{n}():\n    yield 1\n    yield 2\n",
    "gen{n} = (x * 2 for x in items)\nfirst = list(gen{n})\nsecond = list(gen{n})\n",
    "async def stream{n}():\n    async for item in source():\n        yield {k: v async for k, v in item}\n    await asyncio.wait_for(coro(), timeout=1)\n",
    "def worker{n}(q):\n    f = open('x')\n    p = multiprocessing.Process(target=lambda: q.put(1))\n    p.start()\n    subprocess.run(['ls'])\n    return f\n",
    "class Meta{n}(type):\n    def __new__(mcs, name, bases, ns):\n        registry[name] = ns\n    def __exit__(self, *exc):\n        return True\n",
    "if __name__ == '__main__':\n    asyncio.run(main{n}())\n    x = f\"{{value!r:>{{width}}}} {{d['k']}}\" + t'{{name}}'\n",
];

const HEADER: &str = "import asyncio, contextlib, functools, multiprocessing, subprocess, threading, time\nfrom typing import Generic\n";

fn generated(rng: &mut fastrand::Rng) -> String {
    let mut out = String::from(HEADER);
    for _ in 0..rng.usize(2..8) {
        let n = rng.u32(0..1000).to_string();
        let template = TEMPLATES[rng.usize(..TEMPLATES.len())].replace("{n}", &n);
        if rng.u8(..4) == 0 {
            // Nested in a function or a class body.
            let head = ["async def outer():\n", "def outer():\n", "class Outer:\n"][rng.usize(..3)];
            out.push_str(head);
            for line in template.lines() {
                out.push_str("    ");
                out.push_str(line);
                out.push('\n');
            }
        } else {
            out.push_str(&template);
        }
    }
    out
}

fn corpus() -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    python_files(&repo().join("fixtures"), &mut files);
    let mut out: Vec<Vec<u8>> = files.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    let mut rng = fastrand::Rng::with_seed(7);
    for _ in 0..32 {
        out.push(generated(&mut rng).into_bytes());
    }
    out
}

// ---------------------------------------------------------------------------
// Mutations

/// Splits into tokens: identifier/number runs, whitespace runs, single
/// other characters (so `(`, `:` and quotes move on their own).
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let class = |c: char| {
        if c.is_alphanumeric() || c == '_' {
            0
        } else if c == ' ' || c == '\t' {
            1
        } else {
            2
        }
    };
    let mut prev: Option<u8> = None;
    for (i, c) in text.char_indices() {
        let k = class(c);
        if i > start && (k == 2 || prev != Some(k)) {
            out.push(&text[start..i]);
            start = i;
        }
        prev = Some(k);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

const INTERESTING: &[&str] = &[
    "async ",
    "await ",
    "with ",
    "lambda: ",
    "yield ",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    "\n",
    "    ",
    "\"\"\"",
    "'",
    "#",
    "\\",
    "\\\n",
    "\t",
    "\r",
    "\r\n",
    "\0",
    "\x1b[31m",
    "\u{202e}",
    "\u{9b}",
    "\u{feff}",
    "é",
    "😀",
    "f\"{",
    "t'",
    "*",
    "**",
    "@",
    "->",
    ",",
    ";",
    ".",
    "=",
    ":=",
    "not ",
    "nonlocal x\n",
    "global y\n",
    "del ",
    "return",
    "# noqa",
    "# noqa: PF101",
    "# pitfalls: noqa",
    "# type: ignore",
    "except* ",
    "case ",
    "match ",
    "type ",
    "[T]",
];

fn mutate(rng: &mut fastrand::Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let base = &corpus[rng.usize(..corpus.len())];
    let mut text = String::from_utf8_lossy(base).into_owned();
    // Half the inputs get one mutation (they often still parse, so the
    // rules run on them), the rest up to four.
    let rounds = if rng.bool() { 1 } else { rng.usize(2..=4) };
    for _ in 0..rounds {
        text = mutate_once(rng, &text, corpus);
    }
    let mut bytes = text.into_bytes();
    // Now and then, the bytes themselves: a BOM, a coding line, a bad byte.
    match rng.u8(..40) {
        0 => bytes
            .splice(0..0, b"\xEF\xBB\xBF".iter().copied())
            .for_each(drop),
        1 => {
            let line: &[u8] = [
                &b"# -*- coding: latin-1 -*-\n"[..],
                b"# coding: cp1252\n",
                b"# coding: klingon\n",
                b"# coding: utf-8\n",
                b"# vim: set fileencoding=koi8-r :\n",
            ][rng.usize(..5)];
            bytes.splice(0..0, line.iter().copied()).for_each(drop);
        }
        2 if !bytes.is_empty() => {
            let at = rng.usize(..bytes.len());
            bytes.insert(at, [0xff, 0x80, 0xe9, 0xc3][rng.usize(..4)]);
        }
        _ => {}
    }
    bytes
}

fn mutate_once(rng: &mut fastrand::Rng, text: &str, corpus: &[Vec<u8>]) -> String {
    if rng.bool() {
        let mut toks = tokens(text);
        if toks.is_empty() {
            return INTERESTING[rng.usize(..INTERESTING.len())].to_string();
        }
        let i = rng.usize(..toks.len());
        match rng.u8(..6) {
            0 => {
                toks.remove(i);
            }
            1 => {
                let n = rng.usize(1..=3).min(toks.len() - i);
                let copy: Vec<&str> = toks[i..i + n].to_vec();
                for (k, t) in copy.into_iter().enumerate() {
                    toks.insert(i + n + k, t);
                }
            }
            2 => {
                let j = rng.usize(..toks.len());
                toks.swap(i, j);
            }
            3 => toks.truncate(i),
            _ => toks.insert(i, INTERESTING[rng.usize(..INTERESTING.len())]),
        }
        toks.concat()
    } else {
        let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
        if lines.is_empty() {
            return text.to_string();
        }
        let i = rng.usize(..lines.len());
        match rng.u8(..6) {
            0 => {
                lines.remove(i);
            }
            1 => {
                let n = rng.usize(1..=4).min(lines.len() - i);
                let copy: Vec<String> = lines[i..i + n].to_vec();
                for (k, l) in copy.into_iter().enumerate() {
                    lines.insert(i + n + k, l);
                }
            }
            2 => {
                let j = rng.usize(..lines.len());
                lines.swap(i, j);
            }
            3 => lines.truncate(i),
            4 => {
                // A line from another file, at this place.
                let other =
                    String::from_utf8_lossy(&corpus[rng.usize(..corpus.len())]).into_owned();
                let others: Vec<&str> = other.split_inclusive('\n').collect();
                if !others.is_empty() {
                    lines.insert(i, others[rng.usize(..others.len())].to_string());
                }
            }
            _ => {
                // Re-indent a line by one level either way.
                let line = &lines[i];
                lines[i] = if rng.bool() {
                    format!("    {line}")
                } else {
                    line.strip_prefix("    ").unwrap_or(line).to_string()
                };
            }
        }
        lines.concat()
    }
}

// ---------------------------------------------------------------------------
// One input

struct Target {
    _dir: tempfile::TempDir,
    cwd: PathBuf,
    path: PathBuf,
    module: ModuleName,
    all: Settings,
    settings: FileSettings,
}

impl Target {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let cwd = dir.path().canonicalize().expect("canonical temp path");
        let path = cwd.join("fuzzed.py");
        let overrides = Overrides {
            select: Some(vec!["ALL".into()]),
            ..Default::default()
        };
        let settings = Settings::resolve(None, &overrides, &cwd).expect("settings");
        Target {
            settings: settings.for_file(&path),
            all: settings,
            module: ModuleName {
                name: "fuzzed".into(),
                is_package: false,
            },
            _dir: dir,
            cwd,
            path,
        }
    }
}

#[derive(Default)]
struct Stats {
    inputs: u64,
    syntax_errors: u64,
    findings: BTreeMap<&'static str, u64>,
    fixes_applied: u64,
    fixes_dropped: u64,
    /// Dropped fixes by rule.
    dropped: BTreeMap<&'static str, u64>,
}

impl Stats {
    fn add(&mut self, other: Stats) {
        self.inputs += other.inputs;
        self.syntax_errors += other.syntax_errors;
        self.fixes_applied += other.fixes_applied;
        self.fixes_dropped += other.fixes_dropped;
        for (code, n) in other.dropped {
            *self.dropped.entry(code).or_default() += n;
        }
        for (code, n) in other.findings {
            *self.findings.entry(code).or_default() += n;
        }
    }
}

/// Runs one input through everything; `Err` says what broke.
fn run_one(target: &Target, bytes: &[u8], stats: &mut Stats) -> Result<(), String> {
    let started = Instant::now();
    std::fs::write(&target.path, bytes).map_err(|e| format!("cannot write the input: {e}"))?;
    let outcome = catch_unwind(AssertUnwindSafe(|| check_everything(target, bytes, stats)));
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(payload) => Err(format!(
            "panic: {}",
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default()
        )),
    };
    stats.inputs += 1;
    outcome?;
    let elapsed = started.elapsed();
    if elapsed > HANG {
        return Err(format!("hang: one input took {elapsed:?}"));
    }
    Ok(())
}

fn check_everything(target: &Target, bytes: &[u8], stats: &mut Stats) -> Result<(), String> {
    let report = pitfalls::check::check_bytes(
        &target.path,
        bytes.to_vec(),
        target.module.clone(),
        &target.settings,
    );
    if let Some(error) = &report.error {
        return Err(format!("internal error: {error}"));
    }
    let result: CheckResult = finish(vec![report], &target.all, None);
    if !result.errors.is_empty() {
        return Err(format!("internal error: {:?}", result.errors));
    }
    for d in &result.diagnostics {
        if d.finding.rule.code() == "PF001" {
            stats.syntax_errors += 1;
        }
        *stats.findings.entry(d.finding.rule.code()).or_default() += 1;
    }
    for format in FORMATS {
        let options = RenderOptions {
            format,
            color: false,
            quiet: false,
            cwd: target.cwd.clone(),
            fixed: None,
            unsafe_fixes: true,
        };
        let out = render(&result, &options);
        if let Some(c) = out
            .chars()
            .find(|&c| c != '\n' && pitfalls::render::escape::is_unsafe(c))
        {
            return Err(format!(
                "raw control character {:?} in the {format:?} output:\n{out}",
                c
            ));
        }
    }
    let source = match decode(bytes.to_vec()) {
        Ok(source) => source,
        Err(ReadError::Decode { .. }) => return Ok(()),
        Err(ReadError::Io(e)) => return Err(format!("decode: {e}")),
    };
    let (has_bom, encoding) = (source.has_bom, source.encoding.clone());
    let first = fix_text(
        &target.path,
        source,
        &target.module,
        &target.settings,
        true,
        &confirmed(&result),
    );
    stats.fixes_applied += first.applied as u64;
    stats.fixes_dropped += first.dropped.len() as u64;
    for (rule, row, column, message) in &first.dropped {
        // Not a failure (the re-parse caught it), but a fix worth a look:
        // kept under target/ with what the parser said.
        *stats.dropped.entry(rule.code()).or_default() += 1;
        let dir = repo().join("target").join("fuzz-dropped");
        if std::fs::create_dir_all(&dir).is_ok() {
            let name = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes));
            let _ = std::fs::write(dir.join(format!("{name}.py")), bytes);
            let _ = std::fs::write(
                dir.join(format!("{name}.txt")),
                format!("{} at {row}:{column}: {message}\n", rule.code()),
            );
        }
    }
    if !first.changed() {
        return Ok(());
    }
    if let Err(error) = parse_module(&first.fixed) {
        return Err(format!(
            "a fix broke the syntax ({}):\n{}",
            error.message, first.fixed
        ));
    }
    // The second round, as a second `--fix` would run it: the project
    // stage confirms the findings of the fixed file first.
    let report = pitfalls::check::check_source(
        &target.path,
        &first.fixed,
        target.module.clone(),
        &target.settings,
    );
    let result = finish(vec![report], &target.all, None);
    let again = fix_text(
        &target.path,
        SourceText {
            text: first.fixed.clone(),
            has_bom,
            encoding,
        },
        &target.module,
        &target.settings,
        true,
        &confirmed(&result),
    );
    if again.changed() {
        return Err(format!(
            "a second fix round changed the file:\n--- after the first\n{}\n--- after the second\n{}",
            first.fixed, again.fixed
        ));
    }
    Ok(())
}

/// What the CLI's fix loop is told the project stage reported.
fn confirmed(result: &CheckResult) -> Vec<(pitfalls::registry::Rule, String)> {
    result
        .diagnostics
        .iter()
        .map(|d| (d.finding.rule, d.finding.message.clone()))
        .collect()
}

/// Writes a failing input to `fuzz/crashes/` (named by its hash) and
/// returns its path.
fn save_crash(bytes: &[u8], why: &str) -> PathBuf {
    let dir = crashes_dir();
    std::fs::create_dir_all(&dir).expect("fuzz/crashes");
    let name = format!("{:016x}.py", xxhash_rust::xxh3::xxh3_64(bytes));
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the crash");
    let first_line = why.lines().next().unwrap_or_default();
    std::fs::write(path.with_extension("txt"), format!("{first_line}\n")).ok();
    path
}

// ---------------------------------------------------------------------------
// Runs

struct Limits {
    seed: u64,
    inputs: u64,
    time: Duration,
}

struct Outcome {
    stats: Stats,
    crashes: Vec<(PathBuf, String)>,
    elapsed: Duration,
}

fn fuzz(limits: &Limits, jobs: usize, progress: bool) -> Outcome {
    let corpus = corpus();
    let started = Instant::now();
    let done = std::sync::atomic::AtomicU64::new(0);
    let outcomes: Vec<(Stats, Vec<(PathBuf, String)>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..jobs)
            .map(|job| {
                let corpus = &corpus;
                let done = &done;
                std::thread::Builder::new()
                    .stack_size(1 << 30)
                    .spawn_scoped(scope, move || {
                        let target = Target::new();
                        let mut rng = fastrand::Rng::with_seed(limits.seed.wrapping_add(job as u64));
                        let mut stats = Stats::default();
                        let mut crashes = Vec::new();
                        let mut last_report = Instant::now();
                        while done.load(std::sync::atomic::Ordering::Relaxed) < limits.inputs
                            && started.elapsed() < limits.time
                        {
                            let input = if rng.u8(..16) == 0 {
                                generated(&mut rng).into_bytes()
                            } else {
                                mutate(&mut rng, corpus)
                            };
                            if let Err(why) = run_one(&target, &input, &mut stats) {
                                let path = save_crash(&input, &why);
                                eprintln!("FAILURE {}: {}", path.display(), why.lines().next().unwrap_or_default());
                                crashes.push((path, why));
                            }
                            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                            if progress && job == 0 && last_report.elapsed() > Duration::from_secs(10) {
                                last_report = Instant::now();
                                let secs = started.elapsed().as_secs_f64();
                                eprintln!(
                                    "fuzz: {n} inputs in {secs:.0} s ({:.0}/s), {} failures so far in job 0",
                                    n as f64 / secs,
                                    crashes.len()
                                );
                            }
                        }
                        (stats, crashes)
                    })
                    .expect("a fuzz thread")
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("fuzz thread"))
            .collect()
    });
    let mut stats = Stats::default();
    let mut crashes = Vec::new();
    for (s, c) in outcomes {
        stats.add(s);
        crashes.extend(c);
    }
    Outcome {
        stats,
        crashes,
        elapsed: started.elapsed(),
    }
}

fn summary(outcome: &Outcome) -> String {
    let s = &outcome.stats;
    let secs = outcome.elapsed.as_secs_f64();
    let mut out = format!(
        "fuzz: {} inputs in {secs:.1} s ({:.0} inputs/s); {} failures; {} inputs were PF001; {} fixes applied, {} dropped (would not parse)\nfindings:",
        s.inputs,
        s.inputs as f64 / secs.max(1e-9),
        outcome.crashes.len(),
        s.syntax_errors,
        s.fixes_applied,
        s.fixes_dropped,
    );
    for (code, n) in &s.findings {
        out.push_str(&format!(" {code}={n}"));
    }
    if !s.dropped.is_empty() {
        out.push_str("\ndropped fixes (target/fuzz-dropped/):");
        for (code, n) in &s.dropped {
            out.push_str(&format!(" {code}={n}"));
        }
    }
    out
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[track_caller]
fn assert_no_crashes(outcome: &Outcome) {
    assert!(
        outcome.crashes.is_empty(),
        "{} failing inputs (written to fuzz/crashes/):\n{}",
        outcome.crashes.len(),
        outcome
            .crashes
            .iter()
            .map(|(p, why)| format!(
                "{}: {}",
                p.display(),
                why.chars().take(2000).collect::<String>()
            ))
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}

/// The CI run: a fixed seed, at most 5,000 inputs and 40 seconds (a debug
/// build checks some 200 inputs a second on one core).
#[test]
fn fuzz_ci() {
    let limits = Limits {
        seed: 0x5EED_F022,
        inputs: 5_000,
        time: Duration::from_secs(40),
    };
    let outcome = fuzz(&limits, 1, false);
    eprintln!("{}", summary(&outcome));
    assert!(outcome.stats.inputs >= 100, "{}", summary(&outcome));
    assert_no_crashes(&outcome);
}

/// `scripts/fuzz`: `PITFALLS_FUZZ_SECONDS`, `PITFALLS_FUZZ_INPUTS`,
/// `PITFALLS_FUZZ_SEED` and `PITFALLS_FUZZ_JOBS` set the run.
#[test]
#[ignore = "long; run by scripts/fuzz"]
fn fuzz_long() {
    let limits = Limits {
        seed: env_u64("PITFALLS_FUZZ_SEED").unwrap_or(1),
        inputs: env_u64("PITFALLS_FUZZ_INPUTS").unwrap_or(u64::MAX),
        time: Duration::from_secs(env_u64("PITFALLS_FUZZ_SECONDS").unwrap_or(60)),
    };
    let jobs = env_u64("PITFALLS_FUZZ_JOBS").unwrap_or(1).max(1) as usize;
    let outcome = fuzz(&limits, jobs, true);
    println!("{}", summary(&outcome));
    assert_no_crashes(&outcome);
}

/// Every input the fuzzer ever failed on (or whose fix had to be dropped)
/// stays fixed.
#[test]
fn fuzz_crashes_replay() {
    let mut files = Vec::new();
    python_files(&crashes_dir(), &mut files);
    let target = Target::new();
    let mut failures = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let mut stats = Stats::default();
        if let Err(why) = run_one(&target, &bytes, &mut stats) {
            failures.push(format!("{}: {why}", file.display()));
        }
        // A fix the re-parse had to drop is a rule bug too.
        if stats.fixes_dropped > 0 {
            failures.push(format!(
                "{}: fixes dropped: {:?}",
                file.display(),
                stats.dropped
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn mutations_change_the_input_and_stay_deterministic() {
    let corpus = vec![b"async def f():\n    await g()\n".to_vec()];
    let run = |seed| {
        let mut rng = fastrand::Rng::with_seed(seed);
        (0..50)
            .map(|_| mutate(&mut rng, &corpus))
            .collect::<Vec<_>>()
    };
    let a = run(3);
    assert_eq!(a, run(3));
    assert!(a.iter().filter(|m| **m != corpus[0]).count() > 40);
    assert_eq!(
        tokens("x = f(a1, 'b')"),
        [
            "x", " ", "=", " ", "f", "(", "a1", ",", " ", "'", "b", "'", ")"
        ]
    );
}
