//! Hostile files, as a user's repository may contain them: deep nesting,
//! huge files, binary content, control characters, odd paths and odd
//! encodings. Each run exits 0 or 1 (never 2, never a signal), and no output
//! format carries a raw control character.

mod common;

use common::{Project, Run, assert_code};

const FORMATS: [&str; 7] = [
    "full",
    "concise",
    "json",
    "json-lines",
    "github",
    "sarif",
    "junit",
];

const SLEEP: &str = "import time\n\nasync def h():\n    time.sleep(1)\n";

/// The first raw control character (tab, ESC, NUL, C1, bidi controls...)
/// in `text`, newlines aside.
fn raw_control(text: &str) -> Option<(usize, char)> {
    text.char_indices()
        .find(|&(_, c)| c != '\n' && pitfalls::render::escape::is_unsafe(c))
}

#[track_caller]
fn assert_clean_output(run: &Run, what: &str) {
    assert!(
        matches!(run.code, Some(0 | 1)),
        "{what}: exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        run.code,
        run.stdout.chars().take(4000).collect::<String>(),
        run.stderr
    );
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        if let Some((at, c)) = raw_control(text) {
            let from = text[..at]
                .char_indices()
                .rev()
                .nth(80)
                .map_or(0, |(i, _)| i);
            panic!(
                "{what}: raw {c:?} in {stream} at byte {at}: {:?}",
                &text[from..(at + 40).min(text.len())]
            );
        }
    }
}

/// Every format, from the project root; returns the concise run.
fn every_format(p: &Project, args: &[&str]) -> Run {
    let mut concise = None;
    for format in FORMATS {
        let mut all = vec!["check", "--no-color", "--output-format", format];
        all.extend_from_slice(args);
        let run = p.run(&all);
        assert_clean_output(&run, format);
        if format == "concise" {
            concise = Some(run);
        }
    }
    concise.unwrap()
}

#[test]
fn deep_nesting() {
    let p = Project::new();
    let nested =
        |open: &str, close: &str, n: usize| format!("x = {}1{}\n", open.repeat(n), close.repeat(n));
    p.write("parens.py", nested("(", ")", 5_000))
        .write("brackets.py", nested("[", "]", 20_000))
        .write("parens_200.py", nested("(", ")", 200))
        // 300,000 unary minus signs (the file is lexed before parsing).
        .write("unary.py", format!("x = {}1\n", "-".repeat(300_000)))
        .write(
            "power.py",
            format!("x = {}\n", vec!["a"; 100_000].join(" ** ")),
        )
        .write(
            "lambdas.py",
            format!("x = {}1\n", "lambda: ".repeat(100_000)),
        )
        .write(
            "indented.py",
            (0..150)
                .map(|i| format!("{}if x:\n", "    ".repeat(i)))
                .collect::<String>()
                + &"    ".repeat(150)
                + "pass\n",
        )
        .write("a.py", SLEEP);
    let run = every_format(&p, &[]);
    assert_code(&run, 1);
    let lines = run.lines();
    assert!(
        lines.contains(&"a.py:4:5: PF101 `time.sleep` blocks the event loop inside `async def h`")
    );
    assert!(lines.contains(&"parens.py:1:205: PF001 SyntaxError: too many nested parentheses"));
    assert!(lines.contains(&"brackets.py:1:205: PF001 SyntaxError: too many nested parentheses"));
    assert!(
        lines.contains(&"indented.py:101:1: PF001 SyntaxError: too many levels of indentation"),
        "{lines:#?}"
    );
    for file in ["unary.py", "power.py", "lambdas.py"] {
        assert!(
            lines.iter().any(
                |l| l.starts_with(&format!("{file}:1:1: PF001 SyntaxError: too deeply nested"))
            ),
            "{file}: {lines:#?}"
        );
    }
    assert!(!run.stdout.contains("parens_200.py"), "{}", run.stdout);
}

#[test]
fn huge_files() {
    let p = Project::new();
    let mut long = String::from("import time\n\nasync def h():\n");
    for i in 0..100_000 {
        long.push_str(&format!("    x{i} = {i}\n"));
    }
    long.push_str("    time.sleep(1)\n");
    // 5 MB on one line, with a finding at its end.
    let one_line = format!(
        "import time\nasync def h(): x = [{}]; time.sleep(1)\n",
        "1, ".repeat(5 << 20 >> 2)
    );
    p.write("long.py", long).write("one_line.py", one_line);
    let run = every_format(&p, &[]);
    assert_code(&run, 1);
    assert!(
        run.stdout.contains("long.py:100004:5: PF101"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("one_line.py:2:"), "{}", run.stdout);
    // The full report clips the long line around the finding.
    let full = p.run(&["check", "--no-color", "one_line.py"]);
    assert!(full.stdout.len() < 4_000, "{} bytes", full.stdout.len());
}

#[test]
fn binary_and_control_characters() {
    let p = Project::new();
    let mut random = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        random.push(x as u8);
    }
    p.write("random.py", &random)
        .write("nul.py", b"import time\nx = 1\0\n")
        .write(
            "controls.py",
            "import time\n\nasync def h():\n    time.sleep(1); s = \"\x1b[2J\x1b]0;pwned\x07\u{202e}\u{9b}31m\x08\x7f\"  # \x0c\r\n    y = 1\rz = 2\n",
        );
    let run = every_format(&p, &[]);
    assert_code(&run, 1);
    let lines = run.lines();
    assert!(
        lines.contains(
            &"nul.py:2:1: PF001 SyntaxError: source code string cannot contain null bytes"
        ),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("random.py:")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("controls.py:4:5: PF101")),
        "{lines:#?}"
    );
    // The snippet shows the escapes.
    let full = p.run(&["check", "--no-color", "controls.py"]);
    assert!(
        full.stdout
            .contains(r#"s = "\x1b[2J\x1b]0;pwned\x07\u{202e}\u{9b}31m\x08\x7f"  # \x0c"#),
        "{}",
        full.stdout
    );
}

#[test]
fn odd_paths() {
    let p = Project::new();
    let names = [
        "new\nline.py",
        "per%cent.py",
        "co:lon.py",
        "com,ma.py",
        "esc\x1b[31m.py",
        "tab\there.py",
    ];
    for name in names {
        p.write(name, SLEEP);
    }
    p.write("dir:with,odd%\nparts/x.py", SLEEP);
    let run = every_format(&p, &[]);
    assert_code(&run, 1);
    for shown in [
        "new\\nline.py:4:5: PF101",
        "per%cent.py:4:5: PF101",
        "co:lon.py:4:5: PF101",
        "com,ma.py:4:5: PF101",
        "esc\\x1b[31m.py:4:5: PF101",
        "tab\\there.py:4:5: PF101",
        "dir:with,odd%\\nparts/x.py:4:5: PF101",
    ] {
        assert!(run.stdout.contains(shown), "{shown} in\n{}", run.stdout);
    }
    // GitHub workflow commands: properties escape %, CR, LF, `:` and `,`.
    let github = p.run(&["check", "--output-format", "github"]);
    for file in [
        "file=new%0Aline.py,",
        "file=per%25cent.py,",
        "file=co%3Alon.py,",
        "file=com%2Cma.py,",
        "file=dir%3Awith%2Codd%25%0Aparts/x.py,",
    ] {
        assert!(github.stdout.contains(file), "{file} in\n{}", github.stdout);
    }
    assert_eq!(github.stdout.lines().count(), names.len() + 1);
    // SARIF: percent-encoded URIs.
    let sarif = p.run(&["check", "--output-format", "sarif"]);
    assert!(sarif.stdout.contains("new%0Aline.py"), "{}", sarif.stdout);
}

#[test]
fn odd_encodings() {
    let p = Project::new();
    p.write("bom_latin1.py", b"\xEF\xBB\xBF# coding: latin-1\nx = 1\n")
        .write(
            "bom_utf8.py",
            b"\xEF\xBB\xBF# coding: utf-8\nimport time\nasync def h():\n    time.sleep(1)\n",
        )
        .write("unknown.py", b"# coding: klingon\nx = 1\n")
        .write("ascii.py", b"# coding: ascii\nx = '\xe9'\n")
        .write("utf16.py", b"# coding: utf-16\nx = 1\n")
        .write(
            "latin1.py",
            b"# coding: latin-1\nimport time\nasync def h():\n    time.sleep(1)  # \xe9\xff\x9b\n",
        )
        .write("bad_utf8.py", b"x = '\xff\xfe'\n");
    let run = every_format(&p, &[]);
    assert_code(&run, 1);
    let lines = run.lines();
    for expected in [
        "bom_latin1.py:1:1: PF001 SyntaxError: encoding problem: iso-8859-1 with BOM",
        "unknown.py:1:1: PF001 SyntaxError: unknown encoding: klingon",
        "ascii.py:2:1: PF001 SyntaxError: 'ascii' codec can't decode byte 0xe9 in position 21: ordinal not in range(128)",
        "bom_utf8.py:4:5: PF101 `time.sleep` blocks the event loop inside `async def h`",
        "latin1.py:4:5: PF101 `time.sleep` blocks the event loop inside `async def h`",
    ] {
        assert!(lines.contains(&expected), "{expected} in {lines:#?}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("bad_utf8.py:1:1: PF001")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("utf16.py:")),
        "{lines:#?}"
    );
}

#[cfg(unix)]
#[test]
fn fifo_and_symlink_loops() {
    let p = Project::new();
    p.write("a.py", SLEEP);
    let fifo = p.root.join("pipe.py");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    std::os::unix::fs::symlink("loop", p.root.join("loop")).unwrap();
    std::os::unix::fs::symlink(".", p.root.join("self")).unwrap();
    std::os::unix::fs::symlink("b.py", p.root.join("c.py")).unwrap();
    std::os::unix::fs::symlink("c.py", p.root.join("b.py")).unwrap();
    let run = every_format(&p, &[]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines()[0],
        "a.py:4:5: PF101 `time.sleep` blocks the event loop inside `async def h`"
    );
}

/// A long chain of lock orders across functions: the project stage's
/// graph walks must not overflow a stack.
#[test]
fn long_lock_chains() {
    let p = Project::new();
    let n = 20_000;
    let mut src = String::from("import threading\n");
    for i in 0..=n {
        src.push_str(&format!("l{i} = threading.Lock()\n"));
    }
    for i in 0..n {
        src.push_str(&format!(
            "def f{i}():\n    with l{i}:\n        with l{}:\n            f{}()\n",
            i + 1,
            i + 1
        ));
    }
    src.push_str(&format!(
        "def back():\n    with l{n}:\n        with l0:\n            pass\n"
    ));
    p.write("locks.py", src);
    let started = std::time::Instant::now();
    let run = p.run(&["check", "--output-format", "concise"]);
    assert_clean_output(&run, "concise");
    // Before the search for cycles was bounded, 400 functions took 90 s.
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
}

#[test]
fn over_the_time_budget_is_a_note_not_an_error() {
    let p = Project::new();
    p.write("a.py", SLEEP).write("b.py", SLEEP);
    let run = common::run_command({
        let mut cmd = p.command(&["check", "--output-format", "concise", "--no-cache"]);
        cmd.env("PITFALLS_FILE_BUDGET_MS", "0");
        cmd
    });
    assert_code(&run, 0);
    assert_eq!(
        run.stderr,
        "note: a.py: not checked: it took longer than the budget of 0.0 s per file\n\
         note: b.py: not checked: it took longer than the budget of 0.0 s per file\n"
    );
    assert!(!run.stdout.contains("PF101"), "{}", run.stdout);
}

#[test]
fn over_the_size_limit_is_a_note_not_an_error() {
    let p = Project::new();
    p.write("small.py", SLEEP)
        .write("big.py", format!("{SLEEP}{}", "x = 1\n".repeat(100)));
    let run = common::run_command({
        let mut cmd = p.command(&["check", "--output-format", "concise", "--no-cache"]);
        cmd.env("PITFALLS_MAX_FILE_BYTES", "200");
        cmd
    });
    assert_code(&run, 1);
    assert_eq!(
        run.stderr,
        "note: big.py: not checked: 646 bytes is more than the limit of 200 bytes per file\n"
    );
    assert!(
        run.stdout.starts_with("small.py:4:5: PF101"),
        "{}",
        run.stdout
    );
}
