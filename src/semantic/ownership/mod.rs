//! Where a resource goes within one function body (PF400, PF401): into a
//! `with`, returned, stored, handed to a cleanup helper, closed in a
//! `finally` — or used in place, or bound to a name nothing cleans up.
//!
//! The scan runs on the flow engine ([`crate::semantic::flow`]) over the
//! statements of one body, dead ones included, each once (nested `def`s and
//! lambdas are only searched for names they capture). Its facts are not
//! per path: what escapes anywhere in the body is kept, as a reader of the
//! whole body would judge. The caller says which calls open a resource;
//! unknown means kept, so the scan errs on the side of silence.

mod calls;
mod names;
#[cfg(test)]
mod tests;
mod uses;
mod walk;

use ruff_text_size::TextSize;
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::ast::visitor::Visitor;
use crate::ast::{self, Stmt};
use crate::semantic::flow::Engine;
use names::CapturedNames;
use uses::Use;
use walk::Block;

/// A resource nobody is sure to close.
pub struct Unmanaged<'a, K> {
    pub kind: K,
    /// The opening call.
    pub call: TextRange,
    /// The statement the call is in.
    pub statement: &'a Stmt,
    /// The local name it was bound to; `None` when it was used in place.
    pub bound_to: Option<&'a str>,
}

struct Candidate<'a, K> {
    kind: K,
    call: TextRange,
    statement: &'a Stmt,
    names: usize,
    /// The bodies the opening statement is nested in (`Scan::bodies`).
    bodies: Vec<u32>,
    /// Creation order: the candidates a statement created are those at or
    /// after the count taken before it (removals do not shift it).
    id: usize,
}

/// Finds the resources in `body` that are neither managed nor handed off.
/// `in_function` is false for a module's top level, where a function reading
/// a global sees its last binding only: that one is kept, earlier ones are
/// not. `opened` says whether a
/// call opens a resource; its flag is true inside a comprehension, where a
/// name may be the comprehension's own variable.
pub fn unmanaged_resources<'a, K: Copy>(
    body: &'a [Stmt],
    in_function: bool,
    opened: impl Fn(&'a ast::ExprCall, bool) -> Option<K>,
) -> Vec<Unmanaged<'a, K>> {
    let mut scan = Scan {
        opened: &opened,
        in_function,
        use_: Use::Consumed,
        statement: None,
        cleanup_depth: 0,
        comprehension_depth: 0,
        targets: Vec::new(),
        aliases: Vec::new(),
        escaped: FxHashSet::default(),
        last_binding: FxHashMap::default(),
        bodies: Vec::new(),
        body_count: 0,
        nested: Vec::new(),
        candidates: Vec::new(),
        created: 0,
        found: Vec::new(),
        blocks: Vec::new(),
        tries: Vec::new(),
    };
    Engine::run(&mut scan, body, Some(()));
    scan.finish()
}

struct Scan<'a, 'f, K> {
    opened: &'f dyn Fn(&'a ast::ExprCall, bool) -> Option<K>,
    in_function: bool,
    /// The use of the expression about to be visited.
    use_: Use,
    statement: Option<&'a Stmt>,
    /// Inside a `finally` or an `except` handler.
    cleanup_depth: u32,
    comprehension_depth: u32,
    /// Name lists of `Use::Bound`.
    targets: Vec<Vec<&'a str>>,
    /// `(name, targets)`: the value of `name` flows into those names
    /// (`g = f`, `reader = wrap(f)`).
    aliases: Vec<(&'a str, usize)>,
    /// Names whose value is kept, closed or handed off.
    escaped: FxHashSet<&'a str>,
    /// The statement that last binds each name (module level).
    last_binding: FxHashMap<&'a str, TextSize>,
    /// The bodies (statement lists) being visited, outermost first.
    bodies: Vec<u32>,
    body_count: u32,
    /// Nested `def`s, classes and lambdas: a name they read is captured.
    nested: Vec<NestedScope<'a>>,
    candidates: Vec<Candidate<'a, K>>,
    /// How many candidates were ever created.
    created: usize,
    found: Vec<Unmanaged<'a, K>>,
    /// The blocks being walked, innermost last.
    blocks: Vec<Block<'a>>,
    /// For each `try` whose body is being walked, [`Scan::created`] at its
    /// start.
    tries: Vec<usize>,
}

enum NestedScope<'a> {
    Stmt(&'a Stmt),
    Lambda(&'a ast::ExprLambda),
}

impl<'a, K: Copy> Scan<'a, '_, K> {
    fn finish(mut self) -> Vec<Unmanaged<'a, K>> {
        // Module level: the candidates a function reads as a global.
        let mut read_as_global = FxHashSet::default();
        if !self.candidates.is_empty() {
            let mut captured = CapturedNames::default();
            for scope in &self.nested {
                match scope {
                    NestedScope::Stmt(stmt) => captured.visit_stmt(stmt),
                    NestedScope::Lambda(lambda) => captured.visit_expr(&lambda.body),
                }
            }
            if self.in_function {
                self.escaped.extend(captured.0.iter().copied());
            } else {
                // A function reads the global's last binding.
                for candidate in &self.candidates {
                    let start = candidate.statement.start();
                    for name in &self.targets[candidate.names] {
                        if captured.0.contains(name) && self.last_binding.get(name) == Some(&start)
                        {
                            read_as_global.insert(candidate.call.start());
                        }
                    }
                }
            }
            // A value that flows into a kept name is kept.
            loop {
                let before = self.escaped.len();
                for (name, targets) in &self.aliases {
                    if self.targets[*targets]
                        .iter()
                        .any(|t| self.escaped.contains(t))
                    {
                        self.escaped.insert(name);
                    }
                }
                if self.escaped.len() == before {
                    break;
                }
            }
        }
        for candidate in std::mem::take(&mut self.candidates) {
            let names = &self.targets[candidate.names];
            if names.iter().any(|n| self.escaped.contains(n))
                || read_as_global.contains(&candidate.call.start())
            {
                continue;
            }
            self.found.push(Unmanaged {
                kind: candidate.kind,
                call: candidate.call,
                statement: candidate.statement,
                bound_to: names.first().copied(),
            });
        }
        self.found.sort_by_key(|u| u.call.start());
        self.found
    }
}
