//! End-to-end tests of the command line (CLI.md): each test writes a small
//! project into a temporary folder and runs the built `pitfalls` binary in
//! it, checking the exit code and what it prints.
//!
//! Paths are relative (the binary runs with the project as its current
//! folder) and colour is off, so the snapshots in `tests/snapshots/` are
//! stable; the absolute `filename` of the JSON output is redacted.

use std::path::Path;

use serde_json::Value;

mod common;
use common::{Project, Run, assert_code, parse_json, run_command};

/// `import time` and a PF101 on line 4, column 5.
const SLEEP: &str = "import time\n\nasync def h():\n    time.sleep(1)\n";
const SLEEP_MESSAGE: &str = "`time.sleep` blocks the event loop inside `async def h`";

/// `check` helpers of this file.
impl Project {
    /// `check` with extra arguments (colour off).
    fn check(&self, args: &[&str]) -> Run {
        let mut all = vec!["check", "--no-color"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// `check --output-format concise` with extra arguments.
    fn concise(&self, args: &[&str]) -> Run {
        let mut all = vec!["--output-format", "concise"];
        all.extend_from_slice(args);
        self.check(&all)
    }
}

/// The concise line of the PF101 that [`SLEEP`] holds, in `path`.
fn sleep_line(path: &str) -> String {
    format!("{path}:4:5: PF101 {SLEEP_MESSAGE}")
}

/// A file whose async function body holds `line` on row 4.
fn async_body(line: &str) -> String {
    format!("import time\n\nasync def h():\n    {line}\n")
}

// ---------------------------------------------------------------------------
// 1. Exit codes

#[test]
fn clean_project_exits_0_with_all_checks_passed() {
    let p = Project::new();
    p.write("clean.py", "x = 1\n\nasync def h():\n    return x\n");
    let run = p.check(&[]);
    assert_code(&run, 0);
    assert_eq!(run.stdout, "All checks passed!\n");
    assert_eq!(run.stderr, "");
}

#[test]
fn finding_exits_1() {
    let p = Project::new();
    p.write("a.py", SLEEP);
    let run = p.concise(&[]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![sleep_line("a.py").as_str(), "Found 1 problem."]
    );
}

#[test]
fn exit_zero_exits_0_but_still_reports() {
    let p = Project::new();
    p.write("a.py", SLEEP);
    let run = p.concise(&["--exit-zero"]);
    assert_code(&run, 0);
    assert!(run.stdout.contains(&sleep_line("a.py")), "{}", run.stdout);
}

#[test]
fn missing_explicit_path_exits_2_naming_it() {
    let p = Project::new();
    p.write("a.py", SLEEP);
    let run = p.concise(&["a.py", "does_not_exist.py"]);
    assert_code(&run, 2);
    assert!(
        run.stderr.contains("does_not_exist.py"),
        "stderr: {}",
        run.stderr
    );
}

#[test]
fn unknown_select_exits_2() {
    let p = Project::new();
    p.write("a.py", SLEEP);
    let run = p.concise(&["--select", "PF999"]);
    assert_code(&run, 2);
    assert!(run.stderr.contains("PF999"), "stderr: {}", run.stderr);
    assert!(
        !run.stdout.contains("PF101"),
        "nothing checked: {}",
        run.stdout
    );
}

#[test]
fn clap_usage_errors_exit_2() {
    let p = Project::new();
    let run = p.run(&["check", "--no-such-flag"]);
    assert_code(&run, 2);
    assert!(run.stderr.contains("--no-such-flag"), "{}", run.stderr);
    assert!(run.stderr.contains("Usage"), "{}", run.stderr);

    let run = p.run(&["check", "--output-format", "xml"]);
    assert_code(&run, 2);
    assert!(run.stderr.contains("xml"), "{}", run.stderr);

    let run = p.run(&["frobnicate"]);
    assert_code(&run, 2);

    let run = p.run(&["check", "--isolated", "--config", "x.toml"]);
    assert_code(&run, 2);
}

// ---------------------------------------------------------------------------
// 2. Output formats

/// Several files, several findings per file, rows ≥ 10 (numeric order, not
/// text order) and two findings on one row.
fn several_files() -> Project {
    let p = Project::new();
    p.write(
        "z.py",
        "def f(x=[]):\n    return x\n",
    )
    .write("b/d.py", SLEEP)
    .write(
        "a.py",
        "import time\n\nasync def h():\n    time.sleep(1); time.sleep(2)\n    pass\n    pass\n    pass\n    pass\n    pass\n    time.sleep(3)\n",
    )
    .write("b/c.py", "def f(x={}):\n    return x\n\n\n" .to_string() + SLEEP);
    p
}

#[test]
fn concise_format_is_sorted_by_path_row_column() {
    let p = several_files();
    let run = p.concise(&[]);
    assert_code(&run, 1);
    let lines = run.lines();
    let positions: Vec<&str> = lines
        .iter()
        .map(|l| l.split(": ").next().unwrap())
        .collect();
    assert_eq!(
        positions,
        vec![
            "a.py:4:5",
            "a.py:4:20",
            "a.py:10:5",
            "b/c.py:1:9",
            "b/c.py:8:5",
            "b/d.py:4:5",
            "z.py:1:9",
            "Found 7 problems.",
        ],
        "{}",
        run.stdout
    );
    assert_eq!(lines[0], format!("a.py:4:5: PF101 {SLEEP_MESSAGE}"));
    assert!(lines[3].starts_with("b/c.py:1:9: PF601 "), "{}", lines[3]);
    insta::assert_snapshot!("concise_several_files", run.stdout);
}

#[test]
fn quiet_drops_the_summary_line() {
    let p = several_files();
    let run = p.concise(&["-q"]);
    assert_code(&run, 1);
    assert_eq!(run.lines().len(), 7, "{}", run.stdout);
    assert!(!run.stdout.contains("Found"), "{}", run.stdout);

    let run = p.check(&["--quiet"]);
    assert_code(&run, 1);
    assert!(run.stdout.contains("PF101"), "{}", run.stdout);
    assert!(!run.stdout.contains("Found"), "{}", run.stdout);

    let clean = Project::new();
    clean.write("ok.py", "x = 1\n");
    let run = clean.check(&["-q"]);
    assert_code(&run, 0);
    assert_eq!(run.stdout, "");
}

/// A PF101 (no fix) and a PF504 (a safe fix, selected in the
/// configuration): the two help-line shapes.
fn full_project() -> Project {
    let p = Project::new();
    p.write("pitfalls.toml", "extend-select = [\"PF504\"]\n")
        .write(
            "a.py",
            "import time\n\n\nasync def h():\n    time.sleep(1)\n",
        )
        .write(
            "b.py",
            "def total(xs):\n    return sum([x * 2 for x in xs])\n",
        );
    p
}

#[test]
fn full_format_shows_code_message_snippet_help_and_summary() {
    let p = full_project();
    let run = p.check(&[]);
    assert_code(&run, 1);
    let out = &run.stdout;
    let sleep = out.find("PF101").expect("code shown");
    let comp = out.find("PF504").expect("code shown");
    assert!(sleep < comp, "sorted by path: {out}");
    for expected in [
        SLEEP_MESSAGE,
        // file:line:col
        "a.py:5:5",
        "b.py:2:16",
        // the snippet, with the line before it
        "4 │ async def h():",
        "5 │     time.sleep(1)",
        "2 │     return sum([x * 2 for x in xs])",
        // the span underlined (13 characters of `time.sleep(1)`), labelled
        "·     ──────┬──────",
        "·           ╰── use `await asyncio.sleep(...)`",
        "·                ───────────────────",
        // help lines: the rule hint, and the fix when there is one
        "help: run `pitfalls rule PF101` for details",
        "help: Use a generator expression (fix available); run `pitfalls rule PF504` for details",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    assert!(
        out.ends_with("Found 2 problems (1 fixable with --fix).\n"),
        "{out}"
    );
    assert!(!out.contains('\u{1b}'), "no colour: {out:?}");
}

#[test]

fn full_format_snapshot() {
    let p = full_project();
    let run = p.check(&[]);
    assert_code(&run, 1);
    insta::assert_snapshot!("full_two_files", run.stdout);
}

#[test]

fn full_format_header_counts_characters() {
    let p = Project::new();
    p.write("u.py", async_body("s = \"é😀\"; time.sleep(1)"));
    let run = p.check(&[]);
    assert_code(&run, 1);
    assert!(run.stdout.contains("╭─[u.py:4:15]\n"), "{}", run.stdout);
}

#[test]
fn json_format_has_ruff_field_names() {
    let p = full_project();
    let run = p.check(&["--output-format", "json"]);
    assert_code(&run, 1);
    let value = parse_json(&run.stdout);
    let list = value.as_array().expect("a JSON array");
    assert_eq!(list.len(), 2);
    for d in list {
        for key in [
            "code",
            "message",
            "filename",
            "location",
            "end_location",
            "noqa_row",
            "fix",
            "url",
        ] {
            assert!(d.get(key).is_some(), "no `{key}` in {d}");
        }
        let filename = Path::new(d["filename"].as_str().unwrap());
        assert!(filename.is_absolute(), "{}", filename.display());
        assert!(filename.is_file(), "{}", filename.display());
    }
    let sleep = &list[0];
    assert_eq!(sleep["code"], "PF101");
    assert_eq!(sleep["message"], SLEEP_MESSAGE);
    assert_eq!(
        Path::new(sleep["filename"].as_str().unwrap()),
        p.root.join("a.py")
    );
    assert_eq!(
        sleep["location"],
        serde_json::json!({"row": 5, "column": 5})
    );
    assert_eq!(
        sleep["end_location"],
        serde_json::json!({"row": 5, "column": 18})
    );
    assert_eq!(sleep["noqa_row"], 5);
    assert!(sleep["fix"].is_null());

    let comp = &list[1];
    assert_eq!(comp["code"], "PF504");
    assert_eq!(
        comp["location"],
        serde_json::json!({"row": 2, "column": 16})
    );
    let fix = &comp["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert!(fix["message"].is_string(), "{fix}");
    let edits = fix["edits"].as_array().expect("edits");
    assert!(!edits.is_empty());
    for edit in edits {
        assert!(edit["content"].is_string(), "{edit}");
        assert!(edit["location"]["row"].is_u64(), "{edit}");
        assert!(edit["end_location"]["column"].is_u64(), "{edit}");
    }
    insta::assert_snapshot!("json_two_files", p.redact(&run.stdout));
}

#[test]

fn json_filename_is_normalized() {
    let p = Project::new();
    p.write("a.py", SLEEP).write("sub/keep.txt", "");
    let mut cmd = p.command(&["check", "--output-format", "json-lines", "../a.py"]);
    cmd.current_dir(p.root.join("sub"));
    let run = run_command(cmd);
    assert_code(&run, 1);
    let d = parse_json(&run.stdout);
    assert_eq!(
        d["filename"].as_str(),
        Some(p.root.join("a.py").to_str().unwrap())
    );
}

#[test]
fn json_format_is_an_empty_array_when_clean() {
    let p = Project::new();
    p.write("ok.py", "x = 1\n");
    let run = p.check(&["--output-format", "json"]);
    assert_code(&run, 0);
    assert_eq!(parse_json(&run.stdout), serde_json::json!([]));
}

#[test]
fn json_lines_format_is_one_object_per_line() {
    let p = full_project();
    let json = p.check(&["--output-format", "json"]);
    let lines = p.check(&["--output-format", "json-lines"]);
    assert_code(&lines, 1);
    let objects: Vec<Value> = lines.stdout.lines().map(parse_json).collect();
    assert_eq!(objects.len(), 2, "{}", lines.stdout);
    assert!(objects.iter().all(Value::is_object));
    assert_eq!(Value::Array(objects), parse_json(&json.stdout));
}

#[test]
fn github_format_is_workflow_commands() {
    let p = several_files();
    let run = p.check(&["--output-format", "github"]);
    assert_code(&run, 1);
    let lines = run.lines();
    assert_eq!(lines.len(), 7, "no summary: {}", run.stdout);
    assert_eq!(
        lines[0],
        format!(
            "::error title=pitfalls (PF101),file=a.py,line=4,col=5,endLine=4,endColumn=18::PF101 {SLEEP_MESSAGE}"
        )
    );
    assert!(
        lines[4].starts_with(
            "::error title=pitfalls (PF101),file=b/c.py,line=8,col=5,endLine=8,endColumn=18::PF101 "
        ),
        "{}",
        lines[4]
    );
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("::error title=pitfalls (PF"))
    );
    insta::assert_snapshot!("github_several_files", run.stdout);
}

#[test]
fn output_format_from_config_and_flag_wins() {
    let p = Project::new();
    p.write("a.py", SLEEP)
        .write("pitfalls.toml", "output-format = \"concise\"\n");
    let run = p.check(&[]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![sleep_line("a.py").as_str(), "Found 1 problem."]
    );
    let run = p.check(&["--output-format", "json-lines"]);
    assert_eq!(parse_json(&run.stdout)["code"], "PF101");
}

#[test]
fn no_colour_when_not_a_terminal() {
    let p = full_project();
    let mut cmd = p.command(&["check"]);
    cmd.env_remove("NO_COLOR");
    let run = run_command(cmd);
    assert_code(&run, 1);
    assert!(run.stdout.contains("PF101"), "{}", run.stdout);
    assert!(!run.stdout.contains('\u{1b}'), "{:?}", run.stdout);
}

// ---------------------------------------------------------------------------
// 3. Syntax errors

#[test]
fn syntax_error_does_not_stop_other_files() {
    let p = Project::new();
    p.write("a_broken.py", "def broken(:\n    pass\n")
        .write("b.py", SLEEP);
    let run = p.concise(&[]);
    assert_code(&run, 1);
    let lines = run.lines();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(
        lines[0].starts_with("a_broken.py:1:12: PF001 SyntaxError: "),
        "{}",
        lines[0]
    );
    assert!(lines[0].len() > "a_broken.py:1:12: PF001 SyntaxError: ".len());
    assert_eq!(lines[1], sleep_line("b.py"));
    assert_eq!(lines[2], "Found 2 problems.");
}

#[test]
fn syntax_error_cannot_be_deselected() {
    let p = Project::new();
    p.write("bad.py", "def broken(:\n    pass\n  # noqa\n");
    let run = p.concise(&["--select", "PF5", "--ignore", "PF001,syntax-error"]);
    assert_code(&run, 1);
    assert!(run.stdout.contains("bad.py:1:12: PF001 "), "{}", run.stdout);
}

#[test]
fn python_312_to_314_syntax_is_not_a_syntax_error() {
    let p = Project::new();
    p.write(
        "new_syntax.py",
        r#"d = {"k": 1}
x = f"{d["k"]}"
y = f"{'a' + f"{"nested"}"}"
z = f"{
    d["k"]  # a comment inside a replacement field
}"


def f[T](x: T) -> T:
    return x


class C[T = int]:
    pass


type A = int
type B[T] = list[T]

try:
    pass
except ValueError, TypeError:
    pass

try:
    pass
except* OSError:
    pass

name = "x"
s = t"hello {name}"

match d:
    case {"k": 1}:
        pass
    case _:
        pass

if (n := len(d)) > 0:
    pass
"#,
    );
    let run = p.concise(&[]);
    assert_code(&run, 0);
    assert!(!run.stdout.contains("PF001"), "{}", run.stdout);
    assert_eq!(run.stdout, "All checks passed!\n");
}

// ---------------------------------------------------------------------------
// 4. noqa

/// Runs one file whose row 4 is `line` inside `async def h`.
fn check_line(line: &str) -> Run {
    let p = Project::new();
    p.write("a.py", async_body(line));
    p.concise(&[])
}

#[track_caller]
fn assert_suppressed(run: &Run) {
    assert_code(run, 0);
    assert_eq!(run.stdout, "All checks passed!\n");
}

#[track_caller]
fn assert_reported(run: &Run) {
    assert_code(run, 1);
    assert!(run.stdout.contains(&sleep_line("a.py")), "{}", run.stdout);
}

#[test]
fn noqa_suppresses_everything_on_the_line() {
    assert_suppressed(&check_line("time.sleep(1)  # noqa"));
    assert_suppressed(&check_line("time.sleep(1)  #noqa"));
}

#[test]
fn noqa_with_code_suppresses_that_code() {
    assert_suppressed(&check_line("time.sleep(1)  # noqa: PF101"));
    assert_suppressed(&check_line("time.sleep(1)  # noqa: PF102, PF101"));
    assert_suppressed(&check_line("time.sleep(1)  # type: ignore  # noqa: PF101"));
}

#[test]
fn noqa_with_other_code_does_not_suppress() {
    assert_reported(&check_line("time.sleep(1)  # noqa: PF102"));
    assert_reported(&check_line("time.sleep(1)  # noqa: E501"));
}

#[test]
fn noqa_accepts_rule_names() {
    assert_suppressed(&check_line(
        "time.sleep(1)  # noqa: blocking-sleep-in-async",
    ));
    assert_reported(&check_line(
        "time.sleep(1)  # noqa: blocking-network-in-async",
    ));
}

#[test]
fn noqa_is_case_and_space_insensitive() {
    assert_suppressed(&check_line("time.sleep(1)  # NOQA:pf101"));
    assert_suppressed(&check_line("time.sleep(1)  # noqa :  PF102  pf101"));
}

#[test]
fn noqa_inside_a_string_suppresses_nothing() {
    assert_reported(&check_line("time.sleep(1); s = '# noqa'"));
    assert_reported(&check_line("time.sleep(1); s = \"# noqa: PF101\""));
}

#[test]
fn noqa_on_last_line_of_a_multiline_statement() {
    let p = Project::new();
    p.write("pitfalls.toml", "extend-select = [\"PF504\"]\n").write(
        "last.py",
        "import time\n\nasync def h():\n    time.sleep(\n        1,\n    )  # noqa: PF101\n",
    )
    .write(
        "nested.py",
        "import time\n\nasync def h():\n    x = print(\n        time.sleep(1),\n    )  # noqa\n",
    )
    .write(
        "first.py",
        "import time\n\nasync def h():\n    time.sleep(  # noqa: PF101\n        1,\n    )\n",
    )
    .write(
        "middle.py",
        "def f(xs):\n    return sum([\n        x for x in xs  # noqa: PF504\n    ])\n",
    )
    .write(
        "comp_last.py",
        "def f(xs):\n    return sum([\n        x for x in xs\n    ])  # noqa: PF504\n",
    );
    let run = p.concise(&[]);
    assert_code(&run, 1);
    // Only the noqa on a line that is neither the finding's first line nor
    // the statement's last line leaves its finding reported.
    assert_eq!(
        run.lines(),
        vec![
            "middle.py:2:16: PF504 `sum()` gets a list comprehension it consumes once: pass a generator expression instead of building the whole list",
            "Found 1 problem (1 fixable with --fix).",
        ]
    );
}

#[test]
fn file_level_noqa_suppresses_the_whole_file() {
    let p = Project::new();
    p.write(
        "exempt.py",
        "import time\n\n# pitfalls: noqa\n\nasync def h():\n    time.sleep(1)\n\n\ndef f(x=[]):\n    return x\n",
    )
    .write("other.py", SLEEP);
    let run = p.concise(&[]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![sleep_line("other.py").as_str(), "Found 1 problem."]
    );
}

#[test]
fn file_level_noqa_with_code_suppresses_only_that_code() {
    let p = Project::new();
    p.write(
        "a.py",
        "import time\n\n# pitfalls: noqa: PF500\n\nasync def h():\n    time.sleep(1)\n    return any([x for x in range(3)])\n",
    );
    let run = p.concise(&[]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![
            format!("a.py:6:5: PF101 {SLEEP_MESSAGE}").as_str(),
            "Found 1 problem."
        ]
    );
}

#[test]
fn file_level_noqa_inside_a_string_suppresses_nothing() {
    let p = Project::new();
    p.write(
        "a.py",
        "import time\ns = \"# pitfalls: noqa\"\n\nasync def h():\n    time.sleep(1)\n",
    );
    let run = p.concise(&[]);
    assert_code(&run, 1);
    assert!(run.stdout.contains("a.py:5:5: PF101"), "{}", run.stdout);
}

// ---------------------------------------------------------------------------
// 5. Configuration

#[test]
fn pyproject_ignore_is_honoured_also_from_a_subfolder() {
    let p = Project::new();
    p.write("sub/a.py", SLEEP).write(
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.pitfalls]\nignore = [\"PF101\"]\n",
    );
    for args in [&[][..], &["sub"][..], &["sub/a.py"][..]] {
        let run = p.concise(args);
        assert_code(&run, 0);
        assert_eq!(run.stdout, "All checks passed!\n", "{args:?}");
    }
    // Run from inside the subfolder: the config is found upward.
    let mut cmd = p.command(&["check", "--output-format", "concise"]);
    cmd.current_dir(p.root.join("sub"));
    let run = run_command(cmd);
    assert_code(&run, 0);
    // Without the config the finding is there.
    let run = p.concise(&["--isolated", "sub"]);
    assert_code(&run, 1);
}

#[test]
fn pyproject_without_pitfalls_table_is_not_a_config() {
    let p = Project::new();
    p.write("a.py", SLEEP).write(
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.ruff]\nline-length = 100\n",
    );
    let run = p.concise(&[]);
    assert_code(&run, 1);
}

#[test]
fn pitfalls_toml_wins_over_pyproject() {
    let p = Project::new();
    p.write("a.py", SLEEP)
        .write("pyproject.toml", "[tool.pitfalls]\nignore = [\"PF101\"]\n")
        .write("pitfalls.toml", "select = [\"PF1\"]\n");
    let run = p.concise(&[]);
    assert_code(&run, 1);
    assert!(run.stdout.contains(&sleep_line("a.py")), "{}", run.stdout);

    let p = Project::new();
    p.write("a.py", SLEEP)
        .write("pyproject.toml", "[tool.pitfalls]\nselect = [\"PF1\"]\n")
        .write(".pitfalls.toml", "ignore = [\"PF101\"]\n");
    let run = p.concise(&[]);
    assert_code(&run, 0);
}

#[test]
fn unknown_config_key_exits_2_naming_file_key_and_line() {
    let p = Project::new();
    p.write("a.py", SLEEP)
        .write("pitfalls.toml", "select = [\"PF1\"]\nselectt = [\"PF1\"]\n");
    let run = p.concise(&[]);
    assert_code(&run, 2);
    assert!(run.stderr.contains("pitfalls.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("selectt"), "{}", run.stderr);
    assert!(run.stderr.contains("pitfalls.toml:2"), "{}", run.stderr);
    assert!(!run.stdout.contains("PF101"), "{}", run.stdout);

    let p = Project::new();
    p.write("a.py", SLEEP).write(
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.pitfalls]\nignore = [\"PF101\"]\nbogus-key = 1\n",
    );
    let run = p.concise(&[]);
    assert_code(&run, 2);
    assert!(run.stderr.contains("pyproject.toml:6"), "{}", run.stderr);
    assert!(run.stderr.contains("bogus-key"), "{}", run.stderr);
}

#[test]
fn wrong_config_type_exits_2_naming_key_and_line() {
    let p = Project::new();
    p.write("a.py", SLEEP).write(
        "pitfalls.toml",
        "# settings\n\nrespect-gitignore = \"yes\"\n",
    );
    let run = p.concise(&[]);
    assert_code(&run, 2);
    assert!(run.stderr.contains("pitfalls.toml:3"), "{}", run.stderr);
    assert!(run.stderr.contains("respect-gitignore"), "{}", run.stderr);

    let p = Project::new();
    p.write("a.py", SLEEP).write(
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.pitfalls]\nrespect-gitignore = \"yes\"\n",
    );
    let run = p.concise(&[]);
    assert_code(&run, 2);
    assert!(run.stderr.contains("pyproject.toml:5"), "{}", run.stderr);
    assert!(run.stderr.contains("respect-gitignore"), "{}", run.stderr);
}

#[test]
fn unknown_selector_in_config_exits_2_naming_line() {
    let p = Project::new();
    p.write("a.py", SLEEP)
        .write("pitfalls.toml", "\n\nselect = [\"PF999\"]\n");
    let run = p.concise(&[]);
    assert_code(&run, 2);
    assert!(run.stderr.contains("pitfalls.toml:3"), "{}", run.stderr);
    assert!(run.stderr.contains("PF999"), "{}", run.stderr);
}

#[test]
fn config_flag_uses_that_file() {
    let p = Project::new();
    p.write("a.py", SLEEP)
        .write("pitfalls.toml", "select = [\"PF1\"]\n")
        .write(
            "configs/strict.toml",
            "ignore = [\"blocking-sleep-in-async\"]\n",
        );
    let run = p.concise(&["--config", "configs/strict.toml"]);
    assert_code(&run, 0);
    let run = p.concise(&["--config", "configs/missing.toml"]);
    assert_code(&run, 2);
    assert!(run.stderr.contains("missing.toml"), "{}", run.stderr);
}

#[test]
fn isolated_ignores_config() {
    let p = Project::new();
    p.write("a.py", SLEEP)
        .write("pitfalls.toml", "ignore = [\"PF101\"]\n");
    assert_code(&p.concise(&[]), 0);
    let run = p.concise(&["--isolated"]);
    assert_code(&run, 1);
    assert!(run.stdout.contains(&sleep_line("a.py")), "{}", run.stdout);
    // Even a broken config is not read.
    p.write("pitfalls.toml", "nonsense = 1\n");
    assert_code(&p.concise(&["--isolated"]), 1);
}

#[test]
fn per_file_ignores() {
    let p = Project::new();
    p.write("src/app.py", SLEEP)
        .write("tests/test_app.py", SLEEP)
        .write("tests/unit/conftest.py", SLEEP)
        .write(
            "pitfalls.toml",
            "[per-file-ignores]\n\"tests/test_*.py\" = [\"PF101\"]\n\"conftest.py\" = [\"PF1\"]\n",
        );
    // `--include-tests`: the test files are silent because of the ignores,
    // not because `test-ignore` holds their findings back.
    let run = p.concise(&["--include-tests"]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![sleep_line("src/app.py").as_str(), "Found 1 problem."]
    );
}

#[test]
fn cli_select_overrides_config_select() {
    let p = Project::new();
    p.write("a.py", SLEEP)
        .write("b.py", "def f(x=[]):\n    return x\n")
        .write("pitfalls.toml", "select = [\"PF6\"]\n");
    let run = p.concise(&["-q"]);
    assert_code(&run, 1);
    assert_eq!(run.lines().len(), 1);
    assert!(run.stdout.starts_with("b.py:1:9: PF601 "), "{}", run.stdout);

    let run = p.concise(&["-q", "--select", "PF101"]);
    assert_code(&run, 1);
    assert_eq!(run.lines(), vec![sleep_line("a.py").as_str()]);
}

/// "Command-line flags win over the file" (CLI.md), as in Ruff since 0.0.238:
/// `--select F401` ignores the config's `ignore`, and a command-line
/// `--extend-select` comes after the config's `ignore`.
#[test]

fn cli_select_wins_over_config_ignore() {
    let p = Project::new();
    p.write("a.py", SLEEP)
        .write("pitfalls.toml", "ignore = [\"PF101\"]\n");
    assert_code(&p.concise(&[]), 0);
    let run = p.concise(&["-q", "--select", "PF101"]);
    assert_code(&run, 1);
    assert_eq!(run.lines(), vec![sleep_line("a.py").as_str()]);
    let run = p.concise(&["-q", "--extend-select", "PF101"]);
    assert_code(&run, 1);
    assert_eq!(run.lines(), vec![sleep_line("a.py").as_str()]);
}

#[test]
fn extend_exclude_glob() {
    let p = Project::new();
    p.write("a.py", SLEEP)
        .write("legacy/old.py", SLEEP)
        .write("generated/gen.py", SLEEP)
        .write(
            "pitfalls.toml",
            "extend-exclude = [\"legacy/*.py\", \"generated\"]\n",
        );
    let run = p.concise(&[]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![sleep_line("a.py").as_str(), "Found 1 problem."]
    );
}

#[test]
fn default_excluded_folders_are_skipped() {
    let p = Project::new();
    p.write("a.py", SLEEP);
    for folder in [
        ".git",
        ".venv",
        "venv",
        "__pycache__",
        "node_modules",
        "build",
        "dist",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        "site-packages",
        "pkg/build",
        "lib/python3.13/site-packages/dep",
    ] {
        p.write(&format!("{folder}/x.py"), SLEEP);
    }
    let run = p.concise(&[]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![sleep_line("a.py").as_str(), "Found 1 problem."]
    );
}

#[test]
fn gitignored_files_are_skipped_in_a_git_repository() {
    let p = Project::new();
    p.git_init();
    p.write("a.py", SLEEP)
        .write("ignored.py", SLEEP)
        .write("out/x.py", SLEEP)
        .write("sub/y.py", SLEEP)
        .write("info_excluded.py", SLEEP)
        .write("global_excluded.py", SLEEP)
        .write(".gitignore", "ignored.py\nout/\n")
        .write(".git/info/exclude", "info_excluded.py\n");
    std::fs::create_dir_all(p.home.join(".config/git")).unwrap();
    std::fs::write(p.home.join(".config/git/ignore"), "global_excluded.py\n").unwrap();
    let run = p.concise(&[]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![
            sleep_line("a.py").as_str(),
            sleep_line("sub/y.py").as_str(),
            "Found 2 problems."
        ]
    );
    // A parent folder's .gitignore applies when checking a subfolder.
    p.write(".gitignore", "ignored.py\nout/\nsub/y.py\n");
    let run = p.concise(&["sub"]);
    assert_code(&run, 0);
    // respect-gitignore = false turns it all off.
    p.write("pitfalls.toml", "respect-gitignore = false\n");
    let run = p.concise(&["-q"]);
    assert_code(&run, 1);
    assert_eq!(run.lines().len(), 6, "{}", run.stdout);
}

#[test]
fn several_folders_are_walked_at_once_each_with_its_own_ignores() {
    // Discovery walks all named folders in one parallel walk: each keeps
    // its own `.gitignore`, the default excludes apply in both, and the
    // findings come in path order whichever thread found the file.
    let p = Project::new();
    p.write("one/.git/HEAD", "ref: refs/heads/main\n")
        .write("one/.gitignore", "skip.py\n")
        .write("one/skip.py", SLEEP)
        .write("one/pkg/b.py", SLEEP)
        .write("one/a.py", SLEEP)
        .write("two/skip.py", SLEEP)
        .write("two/venv/lib.py", SLEEP)
        .write("two/a.py", SLEEP);
    for i in 0..40 {
        p.write(&format!("two/many/m{i:02}.py"), "x = 1\n");
    }
    let run = p.concise(&["two", "one"]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![
            sleep_line("one/a.py").as_str(),
            sleep_line("one/pkg/b.py").as_str(),
            sleep_line("two/a.py").as_str(),
            sleep_line("two/skip.py").as_str(),
            "Found 4 problems."
        ]
    );
}

#[test]
fn dot_ignore_files_are_respected_without_git() {
    let p = Project::new();
    p.write("a.py", SLEEP)
        .write("sub/y.py", SLEEP)
        .write("sub/z.py", SLEEP)
        .write("sub/.ignore", "z.py\n");
    let run = p.concise(&[]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![
            sleep_line("a.py").as_str(),
            sleep_line("sub/y.py").as_str(),
            "Found 2 problems."
        ]
    );
}

#[test]
fn explicitly_named_excluded_files_are_checked() {
    let p = Project::new();
    p.git_init();
    p.write("legacy/old.py", SLEEP)
        .write("build/b.py", SLEEP)
        .write("ignored.py", SLEEP)
        .write(".gitignore", "ignored.py\n")
        .write("pitfalls.toml", "extend-exclude = [\"legacy/*.py\"]\n");
    assert_code(&p.concise(&[]), 0);
    let run = p.concise(&["legacy/old.py", "build/b.py", "ignored.py"]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![
            sleep_line("build/b.py").as_str(),
            sleep_line("ignored.py").as_str(),
            sleep_line("legacy/old.py").as_str(),
            "Found 3 problems."
        ]
    );
}

#[test]
fn force_exclude_applies_config_globs_to_named_files() {
    let p = Project::new();
    p.write("a.py", SLEEP)
        .write("legacy/old.py", SLEEP)
        .write("pitfalls.toml", "extend-exclude = [\"legacy/*.py\"]\n");
    let run = p.concise(&["--force-exclude", "legacy/old.py", "a.py"]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![sleep_line("a.py").as_str(), "Found 1 problem."]
    );
    let run = p.concise(&["--force-exclude", "legacy/old.py"]);
    assert_code(&run, 0);
}

#[test]

fn force_exclude_applies_excluded_folders_to_named_files() {
    let p = Project::new();
    p.write("a.py", SLEEP)
        .write("build/b.py", SLEEP)
        .write(".venv/lib/v.py", SLEEP)
        .write("generated/g.py", SLEEP)
        .write("pitfalls.toml", "extend-exclude = [\"generated\"]\n");
    let run = p.concise(&[
        "--force-exclude",
        "a.py",
        "build/b.py",
        ".venv/lib/v.py",
        "generated/g.py",
    ]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![sleep_line("a.py").as_str(), "Found 1 problem."]
    );
}

// ---------------------------------------------------------------------------
// 6. Columns count characters

#[test]
fn columns_count_characters_not_bytes() {
    let p = Project::new();
    p.write("u.py", async_body("s = \"é😀\"; time.sleep(1)"));
    let run = p.concise(&["-q"]);
    assert_code(&run, 1);
    assert_eq!(run.stdout, format!("u.py:4:15: PF101 {SLEEP_MESSAGE}\n"));

    let run = p.check(&["--output-format", "json"]);
    let d = &parse_json(&run.stdout)[0];
    assert_eq!(d["location"], serde_json::json!({"row": 4, "column": 15}));
    assert_eq!(
        d["end_location"],
        serde_json::json!({"row": 4, "column": 28})
    );

    let run = p.check(&["--output-format", "github"]);
    assert!(
        run.stdout
            .contains("line=4,col=15,endLine=4,endColumn=28::"),
        "{}",
        run.stdout
    );
}

// ---------------------------------------------------------------------------
// 7. Encodings

#[test]
fn latin1_file_with_coding_line() {
    let p = Project::new();
    p.write(
        "l.py",
        b"# -*- coding: latin-1 -*-\nimport time\n\nasync def h():\n    s = \"\xe9\xe9\"; time.sleep(1)\n",
    );
    let run = p.concise(&["-q"]);
    assert_code(&run, 1);
    assert_eq!(run.stdout, format!("l.py:5:15: PF101 {SLEEP_MESSAGE}\n"));
    let run = p.check(&["--output-format", "json"]);
    let d = &parse_json(&run.stdout)[0];
    assert_eq!(
        d["end_location"],
        serde_json::json!({"row": 5, "column": 28})
    );
    // The snippet of the full format is decoded too.
    let run = p.check(&[]);
    assert!(
        run.stdout.contains("5 │     s = \"éé\"; time.sleep(1)"),
        "{}",
        run.stdout
    );
}

#[test]
fn non_utf8_file_without_coding_line_is_pf001_and_others_are_checked() {
    let p = Project::new();
    p.write(
        "bad.py",
        b"import time\n\nasync def h():\n    s = \"\xe9\"; time.sleep(1)\n",
    )
    .write("good.py", SLEEP);
    let run = p.concise(&[]);
    assert_code(&run, 1);
    let lines = run.lines();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(lines[0].starts_with("bad.py:4:1: PF001 "), "{}", lines[0]);
    assert!(lines[0].contains("UTF-8"), "{}", lines[0]);
    assert!(lines[0].contains("encoding"), "{}", lines[0]);
    assert_eq!(lines[1], sleep_line("good.py"));
    assert_eq!(run.stderr, "");
}

#[test]
fn utf8_bom_file() {
    let p = Project::new();
    p.write("bom.py", format!("\u{feff}{SLEEP}"));
    let run = p.concise(&["-q"]);
    assert_code(&run, 1);
    assert_eq!(run.stdout, format!("{}\n", sleep_line("bom.py")));
    let run = p.check(&[]);
    assert!(
        run.stdout.contains("4 │     time.sleep(1)"),
        "{}",
        run.stdout
    );
}

// ---------------------------------------------------------------------------
// 8. `rule` and `rules`

fn rule_docs() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut docs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    docs.sort();
    docs
}

#[test]
fn rule_prints_the_doc_by_code_and_by_name() {
    let p = Project::new();
    let by_code = p.run(&["rule", "PF101"]);
    assert_code(&by_code, 0);
    assert!(
        by_code
            .stdout
            .starts_with("# PF101 blocking-sleep-in-async\n"),
        "{}",
        by_code.stdout
    );
    let doc = rule_docs()
        .into_iter()
        .find(|(code, _)| code == "PF101")
        .unwrap()
        .1;
    assert_eq!(by_code.stdout, doc);

    let by_name = p.run(&["rule", "blocking-sleep-in-async"]);
    assert_code(&by_name, 0);
    assert_eq!(by_name.stdout, by_code.stdout);

    let lower = p.run(&["rule", "pf101"]);
    assert_code(&lower, 0);
    assert_eq!(lower.stdout, by_code.stdout);
}

#[test]
fn unknown_rule_exits_2() {
    let p = Project::new();
    let run = p.run(&["rule", "PF999"]);
    assert_code(&run, 2);
    assert!(run.stderr.contains("PF999"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_code(&p.run(&["rule"]), 2);
}

#[test]
fn rules_lists_every_code() {
    let p = Project::new();
    let run = p.run(&["rules"]);
    assert_code(&run, 0);
    let docs = rule_docs();
    assert!(!docs.is_empty());
    for (code, doc) in &docs {
        let name = doc
            .lines()
            .next()
            .and_then(|l| l.split_whitespace().nth(2))
            .unwrap();
        let line = run
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!("{code} ")))
            .unwrap_or_else(|| panic!("{code} not listed:\n{}", run.stdout));
        assert!(line.contains(name), "{line}");
    }
    let listed = run.stdout.lines().filter(|l| l.starts_with("PF")).count();
    assert_eq!(listed, docs.len(), "{}", run.stdout);
}

#[test]
fn rules_as_json() {
    let p = Project::new();
    let run = p.run(&["rules", "--output-format", "json"]);
    assert_code(&run, 0);
    let value = parse_json(&run.stdout);
    let list = value.as_array().expect("an array");
    let codes: Vec<&str> = list.iter().map(|r| r["code"].as_str().unwrap()).collect();
    let docs: Vec<String> = rule_docs().into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, docs);
    for rule in list {
        assert!(
            rule["name"].as_str().is_some_and(|n| !n.is_empty()),
            "{rule}"
        );
        assert!(
            matches!(rule["default"].as_str(), Some("on" | "off")),
            "{rule}"
        );
        assert!(rule["fix"].is_string(), "{rule}");
    }
    let pf101 = list.iter().find(|r| r["code"] == "PF101").unwrap();
    assert_eq!(pf101["name"], "blocking-sleep-in-async");
    assert_eq!(pf101["default"], "on");
    assert_eq!(pf101["fix"], "none");
}

// ---------------------------------------------------------------------------
// 9. Panic isolation

// The panic hook exists in debug builds only (`check::panic_if_asked`).
#[cfg(debug_assertions)]
#[test]
fn panic_in_one_file_is_reported_and_others_are_checked() {
    let p = Project::new();
    p.write("boom.py", "x = 1\n").write("a.py", SLEEP);
    let mut cmd = p.command(&["check", "--no-color", "--output-format", "concise"]);
    cmd.env("PITFALLS_TEST_PANIC_ON", "boom.py");
    let run = run_command(cmd);
    assert_code(&run, 2);
    assert!(run.stderr.contains("boom.py"), "stderr: {}", run.stderr);
    assert!(run.stderr.contains("internal error"), "{}", run.stderr);
    assert!(run.stdout.contains(&sleep_line("a.py")), "{}", run.stdout);

    // --exit-zero does not hide an internal error.
    let mut cmd = p.command(&["check", "--exit-zero", "-q", "boom.py"]);
    cmd.env("PITFALLS_TEST_PANIC_ON", "boom.py");
    let run = run_command(cmd);
    assert_code(&run, 2);
    assert!(run.stderr.contains("boom.py"), "stderr: {}", run.stderr);
}

// ---------------------------------------------------------------------------
// 10. Deep nesting

#[test]
fn deeply_nested_parentheses_do_not_crash() {
    let p = Project::new();
    let depth = 5_000;
    p.write(
        "parens.py",
        format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth)),
    )
    .write("a.py", SLEEP);
    let run = p.concise(&[]);
    assert!(
        matches!(run.code, Some(0 | 1)),
        "exit {:?}\n{}\n{}",
        run.code,
        run.stdout,
        run.stderr
    );
    // The other file is still checked; a parser limit may be a PF001 but
    // nothing else.
    assert!(run.stdout.contains(&sleep_line("a.py")), "{}", run.stdout);
    for line in run.lines() {
        assert!(
            line.starts_with("a.py:")
                || line.starts_with("parens.py:1:")
                || line.starts_with("Found"),
            "{line}"
        );
    }
}

#[test]
fn long_binary_chain_does_not_crash() {
    let p = Project::new();
    // CPython 3.11 refuses this ("maximum recursion depth exceeded during
    // compilation" from about 3,000 terms): a PF001, not a crash.
    let terms = vec!["a"; 200_000].join(" + ");
    p.write("chain.py", format!("a = 1\nx = {terms}\n"));
    let run = p.concise(&[]);
    assert_code(&run, 1);
    assert!(
        run.stdout
            .starts_with("chain.py:1:1: PF001 SyntaxError: too deeply nested")
            && run
                .stdout
                .contains("maximum recursion depth exceeded during compilation"),
        "{}",
        run.stdout
    );
    // A long chain CPython accepts is checked as usual.
    let terms = vec!["a"; 2_000].join(" + ");
    p.write("chain.py", format!("a = 1\nx = {terms}\n"));
    let run = p.concise(&[]);
    assert_code(&run, 0);
}

// ---------------------------------------------------------------------------
// 11. Version and help

#[test]
fn version() {
    let p = Project::new();
    let run = p.run(&["--version"]);
    assert_code(&run, 0);
    assert_eq!(
        run.stdout.trim(),
        format!("pitfalls {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_on_every_subcommand() {
    let p = Project::new();
    let run = p.run(&["check", "--help"]);
    assert_code(&run, 0);
    for flag in [
        "Usage: pitfalls check",
        "--select",
        "--ignore",
        "--extend-select",
        "--output-format",
        "--config",
        "--isolated",
        "--exit-zero",
        "--force-exclude",
        "--quiet",
        "--no-color",
    ] {
        assert!(run.stdout.contains(flag), "{flag} in\n{}", run.stdout);
    }
    for args in [&["--help"][..], &["rule", "--help"], &["rules", "--help"]] {
        let run = p.run(args);
        assert_code(&run, 0);
        assert!(run.stdout.contains("Usage: pitfalls"), "{}", run.stdout);
    }
}

// ---------------------------------------------------------------------------
// Test code (CLI.md "Test code")

/// An unawaited coroutine (PF100, still shown in test files) on row 5.
const UNAWAITED: &str = "async def coro():\n    return 1\n\nasync def test_it():\n    coro()\n";

fn unawaited_line(path: &str) -> String {
    format!(
        "{path}:5:5: PF100 coroutine function `coro` (defined at {}:1) is called but not awaited: the coroutine never runs",
        Path::new(path).file_stem().unwrap().to_str().unwrap()
    )
}

/// A project with one PF101 outside the tests, one PF100 in a test file and
/// a PF101 in every default kind of test path (5 held back).
fn project_with_tests() -> Project {
    let p = Project::new();
    p.write("src/app.py", SLEEP)
        .write("tests/test_coro.py", UNAWAITED)
        .write("tests/helpers.py", SLEEP)
        .write("test_top.py", SLEEP)
        .write("pkg/thing_test.py", SLEEP)
        .write("pkg/testing/fakes.py", SLEEP)
        .write("conftest.py", SLEEP)
        // Not test paths: a package named `test_utils`, a `latest` folder.
        .write("test_utils/models.py", SLEEP)
        .write("latest/x.py", SLEEP);
    p
}

#[test]
fn test_files_hold_back_the_default_test_ignore() {
    let p = project_with_tests();
    let run = p.concise(&[]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![
            sleep_line("latest/x.py").as_str(),
            sleep_line("src/app.py").as_str(),
            sleep_line("test_utils/models.py").as_str(),
            unawaited_line("tests/test_coro.py").as_str(),
            "Found 4 problems; 5 more in test files are not shown (`--include-tests`).",
        ]
    );
    // The full format ends with the same summary.
    let run = p.check(&[]);
    assert_code(&run, 1);
    assert!(
        run.stdout.ends_with(
            "Found 4 problems; 5 more in test files are not shown (`--include-tests`).\n"
        ),
        "{}",
        run.stdout
    );
    // Machine formats simply leave them out.
    let run = p.check(&["--output-format", "json"]);
    assert_code(&run, 1);
    let json = parse_json(&run.stdout);
    assert_eq!(json.as_array().unwrap().len(), 4, "{json}");
    assert_eq!(run.stderr, "");
}

#[test]
fn include_tests_shows_everything() {
    let p = project_with_tests();
    let run = p.concise(&["--include-tests"]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![
            sleep_line("conftest.py").as_str(),
            sleep_line("latest/x.py").as_str(),
            sleep_line("pkg/testing/fakes.py").as_str(),
            sleep_line("pkg/thing_test.py").as_str(),
            sleep_line("src/app.py").as_str(),
            sleep_line("test_top.py").as_str(),
            sleep_line("test_utils/models.py").as_str(),
            sleep_line("tests/helpers.py").as_str(),
            unawaited_line("tests/test_coro.py").as_str(),
            "Found 9 problems.",
        ]
    );
}

#[test]
fn only_held_back_findings_exit_0_and_say_so() {
    let p = Project::new();
    p.write("tests/test_a.py", SLEEP);
    let run = p.concise(&[]);
    assert_code(&run, 0);
    assert_eq!(
        run.stdout,
        "All checks passed! 1 finding in test files is not shown (`--include-tests`).\n"
    );
    p.write("tests/test_b.py", SLEEP);
    let run = p.check(&[]);
    assert_code(&run, 0);
    assert_eq!(
        run.stdout,
        "All checks passed! 2 findings in test files are not shown (`--include-tests`).\n"
    );
    let run = p.check(&["--output-format", "json"]);
    assert_code(&run, 0);
    assert_eq!(parse_json(&run.stdout), serde_json::json!([]));
    let run = p.concise(&["--quiet"]);
    assert_code(&run, 0);
    assert_eq!(run.stdout, "");
    let run = p.concise(&["--include-tests"]);
    assert_code(&run, 1);
    // One held back alongside a shown one: singular.
    let p = Project::new();
    p.write("a.py", SLEEP).write("tests/test_a.py", SLEEP);
    let run = p.concise(&[]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![
            sleep_line("a.py").as_str(),
            "Found 1 problem; 1 more in test files is not shown (`--include-tests`).",
        ]
    );
}

#[test]
fn test_ignore_empty_reports_everything_and_test_paths_is_configurable() {
    let p = project_with_tests();
    p.write("pitfalls.toml", "test-ignore = []\n");
    let run = p.concise(&["--no-cache"]);
    assert_code(&run, 1);
    assert_eq!(run.lines().last(), Some(&"Found 9 problems."));

    p.write(
        "pitfalls.toml",
        "test-paths = [\"checks/**\"]\ntest-ignore = [\"PF1\"]\n",
    );
    p.write("checks/a.py", SLEEP).write(
        "checks/b.py",
        "def f(x=[]):\n    x.append(1)\n    return x\n",
    );
    let run = p.concise(&["--no-cache"]);
    assert_code(&run, 1);
    let lines = run.lines();
    assert!(
        lines.contains(&sleep_line("tests/helpers.py").as_str()),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("checks/a.py"), "{}", run.stdout);
    assert!(
        run.stdout.contains("checks/b.py:1:9: PF601"),
        "{}",
        run.stdout
    );
    assert_eq!(
        lines.last(),
        Some(&"Found 10 problems; 1 more in test files is not shown (`--include-tests`).")
    );
}

#[test]
fn test_paths_are_relative_to_the_config_folder() {
    // Checked from a subfolder, the globs still match from the project root
    // (as Ruff's per-file-ignores do).
    let p = Project::new();
    p.write("pitfalls.toml", "test-paths = [\"app/checks/*.py\"]\n")
        .write("app/checks/a.py", SLEEP)
        .write("app/b.py", SLEEP);
    let mut cmd = p.command(&["check", "--no-color", "--output-format", "concise", "."]);
    cmd.current_dir(p.root.join("app"));
    let run = run_command(cmd);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![
            sleep_line("b.py").as_str(),
            "Found 1 problem; 1 more in test files is not shown (`--include-tests`).",
        ]
    );
}

#[test]
fn bad_test_config_values_exit_2_naming_file_key_and_line() {
    for (toml, key, line) in [
        ("# tests\ntest-paths = \"tests\"\n", "test-paths", 2),
        ("\n\ntest-ignore = [\"PF999\"]\n", "test-ignore", 3),
        ("test-paths = [\"a/[b\"]\n", "test-paths", 1),
        ("\nexternal-noqa = \"yes\"\n", "external-noqa", 2),
        ("test-ignore = \"PF101\"\n", "test-ignore", 1),
    ] {
        let p = Project::new();
        p.write("a.py", SLEEP).write("pitfalls.toml", toml);
        let run = p.concise(&[]);
        assert_code(&run, 2);
        assert!(
            run.stderr.contains(&format!("pitfalls.toml:{line}")),
            "{toml}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(key), "{toml}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{toml}");
    }
}

#[test]
fn noqa_on_a_held_back_finding_is_used_not_unused() {
    // Like a per-file ignore in Ruff, a held-back rule still runs: a noqa
    // that silences it is needed with `--include-tests`, so PF002 keeps
    // quiet with and without the flag.
    let p = Project::new();
    p.write(
        "tests/test_a.py",
        async_body("time.sleep(1)  # noqa: PF101"),
    )
    .write(
        "tests/test_b.py",
        async_body("time.sleep(1)  # noqa: PF102"),
    )
    .write("a.py", async_body("time.sleep(1)  # noqa: PF101"));
    let run = p.concise(&["--extend-select", "PF002"]);
    assert_code(&run, 0);
    // test_b: the PF101 and the PF002 about PF102 are both held back.
    assert_eq!(
        run.stdout,
        "All checks passed! 2 findings in test files are not shown (`--include-tests`).\n"
    );
    let run = p.concise(&["--extend-select", "PF002", "--include-tests"]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![
            "tests/test_b.py:4:5: PF101 `time.sleep` blocks the event loop inside `async def h`",
            "tests/test_b.py:4:20: PF002 unused `noqa` directive: PF102 suppresses nothing on this line",
            "Found 2 problems.",
        ]
    );
}

#[test]
fn add_noqa_and_fix_leave_held_back_findings_alone() {
    let p = Project::new();
    // PF501 (safe fix) is in the default `test-ignore`.
    let loop_ = "def g(path):\n    with open(path) as f:\n        for line in f.readlines():\n            print(line)\n";
    p.write("a.py", SLEEP)
        .write("tests/test_a.py", SLEEP)
        .write("tests/test_loop.py", loop_);
    let run = p.check(&["--add-noqa"]);
    assert_code(&run, 0);
    assert_eq!(p.read("tests/test_a.py"), SLEEP);
    assert!(
        p.read("a.py").contains("time.sleep(1)  # noqa: PF101"),
        "{}",
        p.read("a.py")
    );
    let run = p.check(&["--fix"]);
    assert_code(&run, 0);
    assert_eq!(p.read("tests/test_loop.py"), loop_);
    let run = p.check(&["--fix", "--include-tests"]);
    assert_code(&run, 1);
    assert_eq!(
        p.read("tests/test_loop.py"),
        "def g(path):\n    with open(path) as f:\n        for line in f:\n            print(line)\n"
    );
}

#[test]
fn baseline_and_changed_since_count_only_what_they_would_show() {
    let p = Project::new();
    p.write("a.py", SLEEP).write("tests/test_a.py", SLEEP);
    let run = p.check(&["--write-baseline", "base.json"]);
    assert_code(&run, 0);
    // Only the shown finding is recorded.
    let base = p.read("base.json");
    assert!(
        base.contains("a.py") && !base.contains("test_a.py"),
        "{base}"
    );
    p.write("tests/test_b.py", SLEEP);
    let run = p.concise(&["--baseline", "base.json"]);
    assert_code(&run, 0);
    assert_eq!(
        run.stdout,
        "All checks passed! 2 findings in test files are not shown (`--include-tests`).\n"
    );
}

#[test]
fn held_back_counts_survive_the_cache_and_pre_commit() {
    let p = Project::new();
    p.git_init();
    p.write("a.py", SLEEP).write("tests/test_a.py", SLEEP);
    let summary = "Found 1 problem; 1 more in test files is not shown (`--include-tests`).";
    for _ in 0..2 {
        // Cold, then warm.
        let run = p.concise(&[]);
        assert_code(&run, 1);
        assert_eq!(run.lines().last(), Some(&summary));
        let run = p.concise(&["--include-tests"]);
        assert_code(&run, 1);
        assert_eq!(run.lines().last(), Some(&"Found 2 problems."));
    }
    assert!(p.root.join(".pitfalls_cache").is_dir());
    // Pre-commit names files: only theirs are counted.
    let run = p.concise(&["--force-exclude", "tests/test_a.py"]);
    assert_code(&run, 0);
    assert_eq!(
        run.stdout,
        "All checks passed! 1 finding in test files is not shown (`--include-tests`).\n"
    );
    let run = p.concise(&["--force-exclude", "a.py"]);
    assert_code(&run, 1);
    assert_eq!(run.lines().last(), Some(&"Found 1 problem."));
}

// ---------------------------------------------------------------------------
// Other tools' suppressions (CLI.md "Suppression", `external-noqa`)

/// Each case: our code, a file whose `{C}` marks where the comment goes,
/// and the other tools' comments that silence it.
const EXTERNAL: &[(&str, &str, &[&str])] = &[
    (
        "PF101",
        "import time\n\nasync def h():\n    time.sleep(1)  {C}\n",
        &["# noqa: ASYNC251"],
    ),
    (
        "PF102",
        "import requests\n\nasync def h():\n    requests.get('http://x')  {C}\n",
        &["# noqa: ASYNC210", "# noqa: ASYNC212"],
    ),
    (
        "PF103",
        "import subprocess\n\nasync def h():\n    subprocess.run(['ls'])  {C}\n",
        &["# noqa: ASYNC220", "# noqa: ASYNC221", "# noqa: ASYNC222"],
    ),
    (
        "PF104",
        "async def h(path):\n    with open(path) as f:  {C}\n        return f\n",
        &["# noqa: ASYNC230"],
    ),
    (
        "PF105",
        "async def h():\n    return input()  {C}\n",
        &["# noqa: ASYNC250"],
    ),
    (
        "PF108",
        "import asyncio\n\nasync def coro():\n    return 1\n\nasync def h():\n    asyncio.create_task(coro())  {C}\n",
        &["# noqa: RUF006", "# noqa: ASYNC300"],
    ),
    (
        "PF109",
        "import asyncio\n\nasync def h(f):\n    try:\n        await f()\n    except asyncio.CancelledError:  {C}\n        pass\n",
        &["# noqa: ASYNC103", "# noqa: ASYNC104"],
    ),
    (
        "PF600",
        "import functools\n\nclass C:\n    @functools.lru_cache(maxsize=None)  {C}\n    def m(self):\n        return 1\n",
        &[
            "# noqa: B019",
            "# pylint: disable=method-cache-max-size-none",
            "# pylint: disable=W1518",
        ],
    ),
    (
        "PF601",
        "def g(items=[]):  {C}\n    items.append(1)\n    return items\n",
        &[
            "# noqa: B006",
            "# pylint: disable=dangerous-default-value",
            "# pylint: disable=unused-argument,dangerous-default-value",
        ],
    ),
    (
        "PF400",
        "def g(path):\n    f = open(path)  {C}\n    return f.read()\n",
        &["# noqa: SIM115", "# pylint: disable=consider-using-with"],
    ),
    (
        "PF401",
        "import zipfile\n\ndef z(path):\n    arch = zipfile.ZipFile(path)  {C}\n    return arch.namelist()\n",
        &["# noqa: SIM115", "# pylint: disable=consider-using-with"],
    ),
    (
        "PF500",
        "def g(items):\n    return any([x for x in items])  {C}\n",
        &["# noqa: C419", "# pylint: disable=use-a-generator"],
    ),
    (
        "PF501",
        "def g(path):\n    with open(path) as f:\n        for line in f.readlines():  {C}\n            print(line)\n",
        &["# noqa: FURB129"],
    ),
    (
        "PF100",
        "async def coro():\n    return 1\n\nasync def h():\n    coro()  {C}\n",
        &[
            "# type: ignore[unused-coroutine]",
            "# pyright: ignore[reportUnusedCoroutine]",
            "# type: ignore[attr-defined, unused-coroutine]",
        ],
    ),
];

fn codes_reported(run: &Run) -> Vec<String> {
    run.lines()
        .iter()
        .filter_map(|l| l.split(": ").nth(1))
        .filter_map(|rest| rest.split(' ').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn other_tools_suppressions_silence_ours() {
    for (code, template, comments) in EXTERNAL {
        let p = Project::new();
        p.write("a.py", template.replace("{C}", ""));
        let run = p.concise(&[]);
        assert_eq!(
            codes_reported(&run),
            vec![code.to_string()],
            "{code}: {}",
            run.stdout
        );
        for comment in *comments {
            p.write("a.py", template.replace("{C}", comment));
            let run = p.concise(&[]);
            assert_code(&run, 0);
            assert_eq!(run.stdout, "All checks passed!\n", "{code} {comment}");
            // `external-noqa = false` reports it again.
            p.write("pitfalls.toml", "external-noqa = false\n");
            let run = p.concise(&["--no-cache"]);
            assert_code(&run, 1);
            assert_eq!(
                codes_reported(&run),
                vec![code.to_string()],
                "{code} {comment}: {}",
                run.stdout
            );
            std::fs::remove_file(p.root.join("pitfalls.toml")).unwrap();
        }
    }
}

#[test]
fn other_tools_codes_silence_only_their_own_problem() {
    // ASYNC251 is about `time.sleep`, not the network call on the line.
    let p = Project::new();
    p.write(
        "a.py",
        "import requests\nimport time\n\nasync def h():\n    requests.get('x'); time.sleep(1)  # noqa: ASYNC251\n",
    );
    let run = p.concise(&[]);
    assert_eq!(codes_reported(&run), vec!["PF102"], "{}", run.stdout);
    // A bare `# type: ignore` is about types, not our findings.
    let run = check_line("time.sleep(1)  # type: ignore");
    assert_reported(&run);
    // A pylint `disable-next` covers the next line, not its own.
    let p = Project::new();
    p.write(
        "a.py",
        "def g(items=[]):  # pylint: disable-next=dangerous-default-value\n    items.append(1)\n\n# pylint: disable-next=dangerous-default-value\ndef h(items=[]):\n    items.append(1)\n",
    );
    let run = p.concise(&[]);
    assert_eq!(codes_reported(&run), vec!["PF601"], "{}", run.stdout);
    assert!(run.stdout.starts_with("a.py:1:"), "{}", run.stdout);
    // C419 covers PF504 (off by default) too.
    let p = Project::new();
    let sum = "def g(items):\n    return sum([x for x in items]){C}\n";
    p.write("a.py", sum.replace("{C}", ""));
    let run = p.concise(&["--extend-select", "PF504"]);
    assert_eq!(codes_reported(&run), vec!["PF504"], "{}", run.stdout);
    p.write("a.py", sum.replace("{C}", "  # noqa: C419"));
    let run = p.concise(&["--extend-select", "PF504"]);
    assert_code(&run, 0);
    // `# noqa: …` inside a string is no comment, for other tools' codes too.
    let run = check_line("time.sleep(1); x = '# noqa: ASYNC251'");
    assert_reported(&run);
}

#[test]
fn unused_noqa_never_reports_other_tools_codes() {
    let p = Project::new();
    p.write(
        "a.py",
        "import time\n\nasync def h():\n    time.sleep(1)  # noqa: PF102, ASYNC251\n    x = 1  # noqa: ASYNC251, B006\n    return x  # pylint: disable=dangerous-default-value\n",
    );
    let run = p.concise(&["--extend-select", "PF002"]);
    assert_code(&run, 1);
    assert_eq!(
        run.lines(),
        vec![
            "a.py:4:20: PF002 unused `noqa` directive: PF102 suppresses nothing on this line",
            "Found 1 problem.",
        ]
    );
}
