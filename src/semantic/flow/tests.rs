//! The engine's control flow and hooks, through small transfers.

use super::*;
use crate::parse::parse_module;
use ruff_text_size::Ranged;

/// `can_complete` over a module's statements, `exit()` ending a path.
fn completes(source: &str) -> bool {
    let parsed = parse_module(source).expect("parses");
    can_complete(parsed.suite(), |stmt| {
        matches!(stmt, Stmt::Expr(e) if matches!(&*e.value, Expr::Call(c)
            if matches!(&*c.func, Expr::Name(n) if n.id.as_str() == "exit")))
    })
}

#[test]
fn branches_join_and_paths_end() {
    assert!(completes("if a:\n    return 1\n"));
    assert!(!completes("if a:\n    return 1\nelse:\n    raise E\n"));
    assert!(completes(
        "if a:\n    return 1\nelif b:\n    pass\nelse:\n    exit()\n"
    ));
    assert!(!completes("exit()\nx = 1\n"));
}

#[test]
fn loops_exit_by_test_or_break() {
    assert!(completes("while a:\n    return 1\n"));
    assert!(!completes("while True:\n    pass\n"));
    assert!(completes("while 1:\n    if a:\n        break\n"));
    // A `break` no path reaches does not end the loop.
    assert!(!completes("while True:\n    return 1\n    break\n"));
    assert!(!completes("for x in y:\n    pass\nelse:\n    return 1\n"));
    assert!(completes("for x in y:\n    break\nelse:\n    return 1\n"));
}

#[test]
fn try_with_and_match() {
    assert!(completes("try:\n    return f()\nexcept E:\n    pass\n"));
    assert!(!completes("try:\n    return f()\nexcept E:\n    raise\n"));
    assert!(!completes("try:\n    pass\nfinally:\n    return 1\n"));
    assert!(!completes("with a:\n    return 1\n"));
    assert!(completes("match x:\n    case 1:\n        return 1\n"));
    assert!(!completes(
        "match x:\n    case 1:\n        return 1\n    case _:\n        raise E\n"
    ));
}

#[test]
fn truthy_constants_and_yields() {
    let expr = |source: &str| {
        let parsed = parse_module(source).expect("parses");
        let Stmt::Expr(e) = &parsed.suite()[0] else {
            panic!("an expression statement")
        };
        is_truthy_constant(&e.value)
    };
    assert!(expr("True") && expr("1") && expr("'x'") && expr("[0]"));
    assert!(!expr("0") && !expr("''") && !expr("None") && !expr("x"));
    let body = |source: &str| yields(parse_module(source).expect("parses").suite());
    assert!(body("x = yield 1\n"));
    assert!(!body("def f():\n    yield 1\nl = lambda: (yield)\n"));
}

/// Records the names assigned on the way to each `probe()` call, and
/// the hooks it is given.
#[derive(Default)]
struct Trace {
    anywhere: bool,
    finally_raised: bool,
    /// Walk dead code too ([`Transfer::revive`]).
    revive: bool,
    /// Log blocks and statements as they are entered.
    blocks: bool,
    probes: Vec<String>,
    log: Vec<String>,
}

impl<'a> Transfer<'a> for Trace {
    type Fact = Vec<&'a str>;
    fn join(&self, mut a: Self::Fact, b: Self::Fact) -> Self::Fact {
        for name in b {
            if !a.contains(&name) {
                a.push(name);
            }
        }
        a
    }
    fn simple(&mut self, stmt: &'a Stmt, fact: &mut Self::Fact) -> bool {
        match stmt {
            Stmt::Assign(a) => {
                if let Expr::Name(n) = &a.targets[0] {
                    fact.push(n.id.as_str());
                }
            }
            Stmt::Expr(_) => {
                let mut names = fact.clone();
                names.sort_unstable();
                self.probes.push(names.join(","));
            }
            _ => {}
        }
        true
    }
    fn enter_body(&mut self, _: &'a Stmt, first: bool, _: &mut Self::Fact) {
        self.log.push(format!("enter {first}"));
    }
    fn leave_body(&mut self, _: &'a Stmt, first: bool) {
        self.log.push(format!("leave {first}"));
    }
    fn may_raise(&self, _: &'a Stmt, nested: bool) -> bool {
        self.anywhere || !nested
    }
    fn finally_entry(
        &self,
        normal: Flow<Self::Fact>,
        raised: Flow<Self::Fact>,
    ) -> Flow<Self::Fact> {
        if self.finally_raised {
            match (normal, raised) {
                (Some(a), Some(b)) => Some(self.join(a, b)),
                (a, b) => a.or(b),
            }
        } else {
            normal
        }
    }
    fn revive(&self) -> Flow<Self::Fact> {
        self.revive.then(Vec::new)
    }
    fn enter_block(&mut self, body: &'a [Stmt]) {
        if self.blocks {
            self.log.push(format!("block {}", body.len()));
        }
    }
    fn leave_block(&mut self, _: &'a [Stmt]) {
        if self.blocks {
            self.log.push("end".to_string());
        }
    }
    fn enter_stmt(&mut self, stmt: &'a Stmt) {
        if self.blocks {
            self.log.push(format!("stmt {}", u32::from(stmt.start())));
        }
    }
    fn enter_try(&mut self, _: &'a ast::StmtTry, part: TryPart) {
        self.log.push(format!("enter {part:?}"));
    }
    fn leave_try(&mut self, _: &'a ast::StmtTry, part: TryPart) {
        self.log.push(format!("leave {part:?}"));
    }
}

/// Runs `trace` over `source`: the probes seen, and whether the end is
/// reached.
fn trace(mut trace: Trace, source: &str) -> (Trace, bool) {
    let parsed = parse_module(source).expect("parses");
    let end = Engine::run(&mut trace, parsed.suite(), Some(Vec::new()));
    (trace, end.is_some())
}

#[test]
fn handlers_start_where_the_body_may_raise() {
    let source =
        "try:\n    if c:\n        a = 1\n        raise E\n    b = 1\nexcept E:\n    probe()\n";
    // By default only the body's own statements raise: `a` is set in
    // a nested block only.
    let (shallow, _) = trace(Trace::default(), source);
    assert_eq!(shallow.probes, ["b"]);
    let anywhere = Trace {
        anywhere: true,
        ..Trace::default()
    };
    let (deep, _) = trace(anywhere, source);
    assert_eq!(deep.probes, ["a,b"]);
    // An inner `try`'s body raises to the outer handlers too, its
    // handlers to the outer ones only.
    let nested = "try:\n    try:\n        a = 1\n        f()\n    except E:\n        g()\n        b = 1\nexcept E:\n    probe()\n";
    let anywhere = Trace {
        anywhere: true,
        ..Trace::default()
    };
    let (deep, _) = trace(anywhere, nested);
    assert_eq!(deep.probes, ["a", "a", "a,b"]);
}

#[test]
fn finally_may_start_from_the_raising_points() {
    let source = "try:\n    a = 1\n    return\nfinally:\n    probe()\n";
    // By default `finally` runs on the normal way out only: here none.
    let (normal, ends) = trace(Trace::default(), source);
    assert!(normal.probes.is_empty() && !ends);
    let raised = Trace {
        finally_raised: true,
        ..Trace::default()
    };
    let (raised, ends) = trace(raised, source);
    // It runs from the raising points, but the path does not go on.
    assert_eq!(raised.probes, ["a"]);
    assert!(!ends);
    let completes = "try:\n    a = 1\nexcept E:\n    b = 1\nfinally:\n    probe()\n";
    let (normal, ends) = trace(Trace::default(), completes);
    assert_eq!(normal.probes, ["a,b"]);
    assert!(ends);
}

#[test]
fn try_parts_and_loop_passes_are_announced() {
    let source = "try:\n    pass\nexcept E:\n    pass\nelse:\n    pass\nfinally:\n    pass\n";
    let (t, _) = trace(Trace::default(), source);
    assert_eq!(
        t.log,
        [
            "enter Body",
            "leave Body",
            "enter Handler",
            "leave Handler",
            "enter Else",
            "leave Else",
            "enter Finally",
            "leave Finally"
        ]
    );
    let (t, _) = trace(Trace::default(), "for x in y:\n    a = 1\n");
    assert_eq!(
        t.log,
        ["enter true", "leave true", "enter false", "leave false"]
    );
    // No second pass when no path loops back.
    let (t, _) = trace(Trace::default(), "while c:\n    return\n");
    assert_eq!(t.log, ["enter true", "leave true"]);
}

#[test]
fn dead_code_is_walked_when_revived() {
    let source = "return\na = 1\nprobe()\nwhile True:\n    pass\nprobe()\n";
    // By default the walk stops at the `return`.
    let (dead, ends) = trace(Trace::default(), source);
    assert!(dead.probes.is_empty() && !ends);
    let revive = Trace {
        revive: true,
        ..Trace::default()
    };
    // Revived, the rest is read from the revived facts: after the
    // endless loop too.
    let (revived, _) = trace(revive, source);
    assert_eq!(revived.probes, ["a", ""]);
}

#[test]
fn blocks_and_statements_are_announced_in_order() {
    let blocks = Trace {
        blocks: true,
        ..Trace::default()
    };
    let source = "if c:\n    a = 1\n    return\n    b = 1\nx = 1\n";
    let (t, _) = trace(blocks, source);
    // The dead `b = 1` is not entered; each block ends once.
    assert_eq!(
        t.log,
        [
            "block 2", "stmt 0", "block 3", "stmt 10", "stmt 20", "end", "stmt 37", "end"
        ]
    );
}
