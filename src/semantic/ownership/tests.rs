//! The scan's reading order, pinned: dead code read, a `try`'s handlers
//! before its `else`, a loop body once, releases by the next statement.

use super::unmanaged_resources;
use crate::ast::Expr;
use crate::parse::parse_module;

/// The lines of the `open(...)` calls the scan reports in `source` (read
/// as a function body), with the name each is bound to.
fn unmanaged(source: &str) -> Vec<(usize, Option<String>)> {
    let parsed = parse_module(source).expect("parses");
    let found = unmanaged_resources(parsed.suite(), true, |call, _| {
        matches!(&*call.func, Expr::Name(n) if n.id.as_str() == "open").then_some(())
    });
    found
        .iter()
        .map(|u| {
            let line = source[..u.call.start().to_usize()].matches('\n').count() + 1;
            (line, u.bound_to.map(str::to_string))
        })
        .collect()
}

#[test]
fn dead_code_is_read() {
    let after_return = "return 1\nf = open(p)\nf.read()\n";
    assert_eq!(unmanaged(after_return), [(2, Some("f".to_string()))]);
    let after_endless_loop = "while True:\n    pass\nopen(p).read()\n";
    assert_eq!(unmanaged(after_endless_loop), [(3, None)]);
}

#[test]
fn handlers_are_read_before_else() {
    // The handler's `f.close()` keeps `f` before `else` rebinds it.
    let closed_in_handler = "try:\n    x = 1\nexcept E:\n    f.close()\nelse:\n    f = open(p)\n    f = open(q)\nreturn f\n";
    assert!(unmanaged(closed_in_handler).is_empty());
    // The `else`'s first statement releases what the body opened, not
    // what a handler did.
    let opened_in_handler = "try:\n    x = 1\nexcept E:\n    f = open(p)\nelse:\n    f.close()\n";
    assert_eq!(unmanaged(opened_in_handler), [(4, Some("f".to_string()))]);
    let opened_in_body = "try:\n    f = open(p)\nexcept E:\n    return\nelse:\n    f.close()\n";
    assert!(unmanaged(opened_in_body).is_empty());
}

#[test]
fn loop_bodies_are_read_once() {
    let source = "for p in ps:\n    g = open(p)\nwhile ps:\n    open(ps.pop()).read()\n";
    assert_eq!(unmanaged(source), [(2, Some("g".to_string())), (4, None)]);
}

#[test]
fn the_next_statement_releases() {
    assert!(unmanaged("f = open(p)\nn = f.name\nf.close()\n").is_empty());
    // A statement that may raise in between.
    assert_eq!(
        unmanaged("f = open(p)\ndata = f.read()\nf.close()\n"),
        [(1, Some("f".to_string()))]
    );
    // A `try` that catches everything reaches the close after it.
    let caught = "try:\n    g = open(p)\n    g.read()\nexcept Exception:\n    pass\ng.close()\n";
    assert!(unmanaged(caught).is_empty());
    // A rebinding loses the first file.
    assert_eq!(
        unmanaged("f = open(p)\nf = None\n"),
        [(1, Some("f".to_string()))]
    );
}
