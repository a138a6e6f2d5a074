//! PF502: a single-pass iterator consumed a second time on the same path.
//!
//! After the walk, each function body that binds a name to an iterator
//! (`map(...)`, a generator expression, a call of one of the file's
//! generator functions, …) gets a small path-sensitive pass of its own:
//! branches are joined, loops are followed around once more, and a name
//! counts as exhausted only when every path reaching a point consumed it.

use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashMap;

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use crate::context::{Check, Context};
use crate::finding::Label;
use crate::registry::Rule;
use crate::semantic::model::ScopeId;
use crate::semantic::{BindingKind, ScopeKind, SemanticModel};

pub struct ExhaustedIteratorReuse;

impl<'a> Check<'a> for ExhaustedIteratorReuse {
    type State = ();

    fn on_file_end(cx: &mut Context<'a>, _: &mut ()) {
        check_functions(cx);
    }
}

/// Builtins that return a single-pass iterator.
const ITERATOR_BUILTINS: &[&str] = &["map", "filter", "zip", "iter", "reversed"];

/// Builtins that consume their first argument to the end.
const CONSUMERS: &[&str] = &[
    "list", "tuple", "set", "sorted", "sum", "min", "max", "any", "all", "dict",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// An iterator not (yet) consumed on every path.
    Live,
    /// Consumed on every path that reaches here, first at this range.
    Exhausted(TextRange),
    /// Being consumed by the `for` loop whose body this is: uses in the
    /// body (`next(it)`, an inner loop) take from the same stream.
    Iterating,
}

#[derive(Clone, Debug)]
struct Tracked {
    /// What the name holds, for the message (`a \`map\` iterator`).
    what: &'static str,
    state: State,
}

type Facts<'a> = FxHashMap<&'a str, Tracked>;

/// `None` is an unreachable point (after `return`, `raise`, `break`).
type Flow<'a> = Option<Facts<'a>>;

fn join<'a>(a: Flow<'a>, b: Flow<'a>) -> Flow<'a> {
    match (a, b) {
        (None, b) => b,
        (a, None) => a,
        (Some(mut a), Some(b)) => {
            a.retain(|name, tracked| match b.get(name) {
                None => false,
                Some(other) if tracked.state == other.state => true,
                Some(other)
                    if tracked.state == State::Iterating || other.state == State::Iterating =>
                {
                    false
                }
                Some(other) => {
                    if !matches!(
                        (tracked.state, other.state),
                        (State::Exhausted(_), State::Exhausted(_))
                    ) {
                        tracked.state = State::Live;
                    }
                    true
                }
            });
            Some(a)
        }
    }
}

/// Runs the pass over every function of the file that binds a candidate.
pub(crate) fn check_functions(cx: &mut Context) {
    let semantic = cx.semantic();
    let mut findings = Vec::new();
    for (scope_id, scope) in semantic.scopes() {
        let ScopeKind::Function(def) = scope.kind else {
            continue;
        };
        let mut analyzer = Analyzer {
            semantic,
            def_scopes: &cx.def_scopes,
            scope: scope_id,
            loops: Vec::new(),
            statement: def.range(),
            findings: Vec::new(),
        };
        let binds_iterator = scope
            .bindings
            .iter()
            .any(|&b| match semantic.binding(b).kind {
                BindingKind::Assignment(Some(value))
                | BindingKind::Annotated {
                    value: Some(value), ..
                } => analyzer.iterator_kind(value).is_some(),
                _ => false,
            });
        if !binds_iterator {
            continue;
        }
        analyzer.stmts(&def.body, Some(Facts::default()));
        findings.append(&mut analyzer.findings);
    }
    findings.sort_by_key(|f| (f.range.start(), f.range.end()));
    findings.dedup_by_key(|f| f.range);
    for finding in findings {
        let first = finding.first;
        let label = first.map(|first| Label {
            span: cx.locator().span(first),
            message: "consumed here first".to_string(),
        });
        let reported = cx.report_in_statement(
            Rule::ExhaustedIteratorReuse,
            finding.range,
            finding.statement,
            finding.message,
        );
        reported.labels.extend(label);
    }
}

struct Finding {
    range: TextRange,
    statement: TextRange,
    message: String,
    first: Option<TextRange>,
}

struct LoopFrame<'a> {
    breaks: Flow<'a>,
    continues: Flow<'a>,
}

struct Analyzer<'a, 'm> {
    semantic: &'m SemanticModel<'a>,
    def_scopes: &'m FxHashMap<TextSize, ScopeId>,
    scope: ScopeId,
    loops: Vec<LoopFrame<'a>>,
    /// The statement (a compound statement's header) being looked at.
    statement: TextRange,
    findings: Vec<Finding>,
}

impl<'a> Analyzer<'a, '_> {
    // ----- what a name is bound to -----

    /// `Some(description)` when `value` is a fresh single-pass iterator.
    fn iterator_kind(&self, value: &Expr) -> Option<&'static str> {
        match value {
            Expr::Generator(_) => Some("a generator expression"),
            Expr::Call(call) => {
                if let Some(name) = self
                    .semantic
                    .resolve_qualified_name_in(self.scope, &call.func)
                    && let Some(builtin) = name.as_str().strip_prefix("builtins.")
                {
                    return match builtin {
                        "map" => Some("a `map` iterator"),
                        "filter" => Some("a `filter` iterator"),
                        "zip" => Some("a `zip` iterator"),
                        "iter" => Some("an iterator from `iter()`"),
                        "reversed" => Some("a `reversed` iterator"),
                        _ => None,
                    }
                    .filter(|_| ITERATOR_BUILTINS.contains(&builtin));
                }
                let Expr::Name(callee) = &*call.func else {
                    return None;
                };
                self.is_generator_function(callee.id.as_str())
                    .then_some("a generator")
            }
            _ => None,
        }
    }

    /// A plain (undecorated, sync) generator function of this file, bound
    /// once in its scope: calling it returns a generator.
    fn is_generator_function(&self, name: &str) -> bool {
        let Some(id) = self.semantic.lookup_from(self.scope, name) else {
            return false;
        };
        let binding = self.semantic.binding(id);
        let BindingKind::FunctionDef(def) = binding.kind else {
            return false;
        };
        if def.is_async || !def.decorator_list.is_empty() {
            return false;
        }
        let bound_once = self
            .semantic
            .scope(binding.scope)
            .bindings
            .iter()
            .filter(|&&b| self.semantic.binding(b).name == name)
            .count()
            == 1;
        bound_once
            && self
                .def_scopes
                .get(&def.range().start())
                .is_some_and(|&s| self.semantic.scope(s).is_generator)
    }

    /// A name another scope can rebind (`global`/`nonlocal`) is not followed.
    fn followable(&self, name: &str) -> bool {
        !self.semantic.scopes().any(|(id, scope)| {
            scope.is_declared_outside(name) && (id == self.scope || self.is_inside(id))
        })
    }

    fn is_inside(&self, mut id: ScopeId) -> bool {
        while let Some(parent) = self.semantic.scope(id).parent {
            if parent == self.scope {
                return true;
            }
            id = parent;
        }
        false
    }

    fn bind(&self, facts: &mut Facts<'a>, name: &'a str, value: Option<&Expr>) {
        match value.and_then(|v| self.iterator_kind(v)) {
            Some(what) if self.followable(name) => {
                facts.insert(
                    name,
                    Tracked {
                        what,
                        state: State::Live,
                    },
                );
            }
            _ => {
                facts.remove(name);
            }
        }
    }

    /// Every name a target binds becomes unknown.
    fn forget_targets(&mut self, facts: &mut Facts<'a>, target: &'a Expr) {
        match target {
            Expr::Name(name) => {
                facts.remove(name.id.as_str());
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for elt in elts {
                    self.forget_targets(facts, elt);
                }
            }
            Expr::Starred(starred) => self.forget_targets(facts, &starred.value),
            other => self.expr(other, facts),
        }
    }

    // ----- findings -----

    fn consume(&mut self, facts: &mut Facts<'a>, name: &str, at: TextRange) {
        let Some(tracked) = facts.get_mut(name) else {
            return;
        };
        match tracked.state {
            State::Iterating => {}
            State::Live => tracked.state = State::Exhausted(at),
            State::Exhausted(first) => {
                let what = tracked.what;
                let message = if first == at {
                    format!(
                        "`{name}` is {what}, consumed here on an earlier pass of the loop: from the second pass on it is empty"
                    )
                } else {
                    format!(
                        "`{name}` is {what} that was already consumed on this path: this second pass sees nothing"
                    )
                };
                self.findings.push(Finding {
                    range: at,
                    statement: self.statement,
                    message,
                    first: (first != at).then_some(first),
                });
            }
        }
    }

    fn no_length(&mut self, facts: &Facts<'a>, name: &str, at: TextRange, what_fails: &str) {
        if let Some(tracked) = facts.get(name) {
            let message = format!(
                "`{name}` is {}: {what_fails} raises `TypeError` (iterators have no length and cannot be indexed)",
                tracked.what
            );
            self.findings.push(Finding {
                range: at,
                statement: self.statement,
                message,
                first: None,
            });
        }
    }

    // ----- statements -----

    fn stmts(&mut self, body: &'a [Stmt], mut flow: Flow<'a>) -> Flow<'a> {
        for stmt in body {
            flow = self.stmt(stmt, flow?);
        }
        flow
    }

    fn header(&mut self, stmt: &Stmt, end: TextSize) {
        self.statement = TextRange::new(stmt.start(), end.max(stmt.start()));
    }

    fn stmt(&mut self, stmt: &'a Stmt, mut facts: Facts<'a>) -> Flow<'a> {
        self.statement = stmt.range();
        match stmt {
            Stmt::Expr(s) => self.expr(&s.value, &mut facts),
            Stmt::Assign(s) => {
                self.expr(&s.value, &mut facts);
                for target in &s.targets {
                    if let (Expr::Tuple(_) | Expr::List(_), Expr::Name(value)) = (target, &*s.value)
                    {
                        // `a, b = it` unpacks (consumes) the iterator.
                        self.consume(&mut facts, value.id.as_str(), value.range());
                    }
                }
                for target in &s.targets {
                    match target {
                        Expr::Name(name) => self.bind(&mut facts, name.id.as_str(), Some(&s.value)),
                        other => self.forget_targets(&mut facts, other),
                    }
                }
            }
            Stmt::AnnAssign(s) => {
                if let Some(value) = &s.value {
                    self.expr(value, &mut facts);
                }
                match &*s.target {
                    Expr::Name(name) => self.bind(&mut facts, name.id.as_str(), s.value.as_deref()),
                    other => self.forget_targets(&mut facts, other),
                }
            }
            Stmt::AugAssign(s) => {
                self.expr(&s.value, &mut facts);
                self.forget_targets(&mut facts, &s.target);
            }
            Stmt::Delete(s) => {
                for target in &s.targets {
                    self.forget_targets(&mut facts, target);
                }
            }
            Stmt::Return(s) => {
                if let Some(value) = &s.value {
                    self.expr(value, &mut facts);
                }
                return None;
            }
            Stmt::Raise(s) => {
                if let Some(exc) = &s.exc {
                    self.expr(exc, &mut facts);
                }
                return None;
            }
            Stmt::Break(_) => {
                if let Some(frame) = self.loops.last_mut() {
                    frame.breaks = join(frame.breaks.take(), Some(facts));
                }
                return None;
            }
            Stmt::Continue(_) => {
                if let Some(frame) = self.loops.last_mut() {
                    frame.continues = join(frame.continues.take(), Some(facts));
                }
                return None;
            }
            Stmt::Assert(s) => {
                self.expr(&s.test, &mut facts);
            }
            Stmt::If(s) => {
                self.header(stmt, s.test.end());
                self.expr(&s.test, &mut facts);
                let mut out = self.stmts(&s.body, Some(facts.clone()));
                let mut rest = facts;
                let mut has_else = false;
                for clause in &s.elif_else_clauses {
                    match &clause.test {
                        Some(test) => {
                            self.statement = TextRange::new(clause.start(), test.end());
                            self.expr(test, &mut rest);
                        }
                        None => has_else = true,
                    }
                    out = join(out, self.stmts(&clause.body, Some(rest.clone())));
                }
                if !has_else {
                    out = join(out, Some(rest));
                }
                return out;
            }
            Stmt::For(s) => {
                self.header(stmt, s.iter.end());
                self.expr(&s.iter, &mut facts);
                // `for x in it` / `for i, x in enumerate(it)` consumes `it`
                // when the loop runs to its end.
                let iterated = match &*s.iter {
                    Expr::Name(name) if !s.is_async => Some(name),
                    Expr::Call(call) if !s.is_async => self.enumerate_of(call),
                    _ => None,
                };
                let iterated = iterated.filter(|n| facts.contains_key(n.id.as_str()));
                if let Some(name) = iterated {
                    self.consume(&mut facts, name.id.as_str(), name.range());
                }
                return self.loop_(
                    facts,
                    Some(&s.target),
                    None,
                    &s.body,
                    &s.orelse,
                    iterated.map(|n| (n.id.as_str(), n.range())),
                );
            }
            Stmt::While(s) => {
                self.header(stmt, s.test.end());
                self.expr(&s.test, &mut facts);
                return self.loop_(facts, None, Some(&s.test), &s.body, &s.orelse, None);
            }
            Stmt::With(s) => {
                for item in &s.items {
                    self.expr(&item.context_expr, &mut facts);
                    if let Some(vars) = &item.optional_vars {
                        self.forget_targets(&mut facts, vars);
                    }
                }
                return self.stmts(&s.body, Some(facts));
            }
            Stmt::Try(s) => return self.try_(s, facts),
            Stmt::Match(s) => {
                self.header(stmt, s.subject.end());
                self.expr(&s.subject, &mut facts);
                let mut out = Some(facts.clone());
                for case in &s.cases {
                    let mut entry = facts.clone();
                    let mut captures = Vec::new();
                    collect_captures(&case.pattern, &mut captures);
                    for name in captures {
                        entry.remove(name);
                    }
                    if let Some(guard) = &case.guard {
                        self.expr(guard, &mut entry);
                    }
                    out = join(out, self.stmts(&case.body, Some(entry)));
                }
                return out;
            }
            Stmt::FunctionDef(def) => {
                facts.remove(def.name.as_str());
            }
            Stmt::ClassDef(class) => {
                facts.remove(class.name.as_str());
            }
            Stmt::Import(s) => {
                for alias in &s.names {
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                    facts.remove(bound.split('.').next().unwrap_or(bound));
                }
            }
            Stmt::ImportFrom(s) => {
                for alias in &s.names {
                    facts.remove(alias.asname.as_ref().unwrap_or(&alias.name).as_str());
                }
            }
            _ => {}
        }
        Some(facts)
    }

    /// `enumerate(it)` as a loop iterable: the loop consumes `it`.
    fn enumerate_of<'e>(&self, call: &'e ast::ExprCall) -> Option<&'e ast::ExprName> {
        let name = self
            .semantic
            .resolve_qualified_name_in(self.scope, &call.func)?;
        if !name.is("builtins.enumerate") {
            return None;
        }
        match &call.arguments.args[..] {
            [Expr::Name(arg), ..] => Some(arg),
            _ => None,
        }
    }

    /// A loop: the body runs from the entry state, then once more from the
    /// state its end loops back with, which is how a consumption inside the
    /// body is seen to repeat. `iterated` is the name a `for` consumes.
    fn loop_(
        &mut self,
        entry: Facts<'a>,
        target: Option<&'a Expr>,
        test: Option<&'a Expr>,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
        iterated: Option<(&'a str, TextRange)>,
    ) -> Flow<'a> {
        let header = self.statement;
        let infinite = test.is_some_and(is_truthy_constant);
        let mut body_entry = entry.clone();
        if let Some((name, _)) = iterated
            && let Some(tracked) = body_entry.get_mut(name)
        {
            tracked.state = State::Iterating;
        }
        if let Some(target) = target {
            self.forget_targets(&mut body_entry, target);
        }
        self.loops.push(LoopFrame {
            breaks: None,
            continues: None,
        });
        let end = self.stmts(body, Some(body_entry.clone()));
        let frame = self.loops.pop().expect("pushed above");
        let mut back = join(end, frame.continues);
        let mut breaks = frame.breaks;

        // A second pass only matters if something is exhausted on every way
        // back to the top that was not exhausted on the way in.
        if let Some(back) = &back {
            let newly_exhausted = back.iter().any(|(name, t)| {
                matches!(t.state, State::Exhausted(_))
                    && !matches!(
                        body_entry.get(name).map(|e| e.state),
                        Some(State::Exhausted(_))
                    )
            });
            if newly_exhausted && self.loops.len() < 8 {
                let mut again = back.clone();
                self.statement = header;
                if let Some(test) = test {
                    self.expr(test, &mut again);
                }
                if let Some(target) = target {
                    self.forget_targets(&mut again, target);
                }
                self.loops.push(LoopFrame {
                    breaks: None,
                    continues: None,
                });
                let end2 = self.stmts(body, Some(again));
                let frame2 = self.loops.pop().expect("pushed above");
                breaks = join(breaks, frame2.breaks);
                let _ = join(end2, frame2.continues);
            }
        }

        if let Some((name, at)) = iterated {
            // Run to its end, the loop exhausted the iterator; left by
            // `break`, it may have more.
            let settle = |flow: &mut Flow<'a>, state: State| {
                if let Some(tracked) = flow.as_mut().and_then(|f| f.get_mut(name))
                    && tracked.state == State::Iterating
                {
                    tracked.state = state;
                }
            };
            settle(&mut back, State::Exhausted(at));
            settle(&mut breaks, State::Live);
        }
        let normal_exit = if infinite {
            None
        } else {
            join(Some(entry), back)
        };
        let after_else = self.stmts(orelse, normal_exit);
        join(after_else, breaks)
    }

    fn try_(&mut self, s: &'a ast::StmtTry, facts: Facts<'a>) -> Flow<'a> {
        // A handler can start from any point of the body: only what is
        // exhausted at all of them is exhausted there.
        let mut handler_entry = Some(facts.clone());
        let mut flow = Some(facts);
        for stmt in &s.body {
            let Some(facts) = flow else { break };
            handler_entry = join(handler_entry, Some(facts.clone()));
            flow = self.stmt(stmt, facts);
        }
        handler_entry = join(handler_entry, flow.clone());
        let mut out = self.stmts(&s.orelse, flow);
        for handler in &s.handlers {
            let ast::ExceptHandler::ExceptHandler(handler) = handler;
            let mut entry = handler_entry.clone();
            if let (Some(facts), Some(name)) = (&mut entry, &handler.name) {
                facts.remove(name.as_str());
            }
            out = join(out, self.stmts(&handler.body, entry));
        }
        if s.finalbody.is_empty() {
            out
        } else {
            self.stmts(&s.finalbody, out)
        }
    }

    // ----- expressions -----

    fn expr(&mut self, expr: &'a Expr, facts: &mut Facts<'a>) {
        match expr {
            Expr::Call(call) => self.call(call, facts),
            Expr::Compare(compare) => {
                self.expr(&compare.left, facts);
                for (op, comparator) in compare.ops.iter().zip(&compare.comparators) {
                    self.expr(comparator, facts);
                    if matches!(op, ast::CmpOp::In | ast::CmpOp::NotIn)
                        && let Expr::Name(name) = comparator
                    {
                        self.consume(facts, name.id.as_str(), name.range());
                    }
                }
            }
            Expr::Subscript(subscript) => {
                self.expr(&subscript.value, facts);
                self.expr(&subscript.slice, facts);
                if let Expr::Name(name) = &*subscript.value {
                    self.no_length(facts, name.id.as_str(), subscript.range(), "indexing it");
                }
            }
            Expr::List(ast::ExprList { elts, .. })
            | Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                for elt in elts {
                    self.starred_or_expr(elt, facts);
                }
            }
            Expr::YieldFrom(yield_from) => {
                self.expr(&yield_from.value, facts);
                if let Expr::Name(name) = &*yield_from.value {
                    self.consume(facts, name.id.as_str(), name.range());
                }
            }
            Expr::ListComp(ast::ExprListComp { generators, .. })
            | Expr::SetComp(ast::ExprSetComp { generators, .. })
            | Expr::DictComp(ast::ExprDictComp { generators, .. }) => {
                self.comprehension(expr, generators, true, facts);
            }
            Expr::Generator(generator) => {
                // Lazy: consumed only when something consumes the generator.
                self.comprehension(expr, &generator.generators, false, facts);
            }
            Expr::If(if_expr) => {
                self.expr(&if_expr.test, facts);
                let mut other = facts.clone();
                self.expr(&if_expr.body, facts);
                self.expr(&if_expr.orelse, &mut other);
                let joined = join(Some(std::mem::take(facts)), Some(other));
                *facts = joined.unwrap_or_default();
            }
            Expr::BoolOp(bool_op) => {
                let mut skipped: Flow<'a> = None;
                for (i, value) in bool_op.values.iter().enumerate() {
                    if i > 0 {
                        skipped = join(skipped, Some(facts.clone()));
                    }
                    self.expr(value, facts);
                }
                let joined = join(skipped, Some(std::mem::take(facts)));
                *facts = joined.unwrap_or_default();
            }
            Expr::Named(named) => {
                self.expr(&named.value, facts);
                if let Expr::Name(name) = &*named.target {
                    self.bind(facts, name.id.as_str(), Some(&named.value));
                }
            }
            // Runs later, if at all.
            Expr::Lambda(_) => {}
            _ => visitor::walk_expr(
                &mut Walk {
                    analyzer: self,
                    facts,
                },
                expr,
            ),
        }
    }

    fn starred_or_expr(&mut self, expr: &'a Expr, facts: &mut Facts<'a>) {
        match expr {
            Expr::Starred(starred) => {
                self.expr(&starred.value, facts);
                if let Expr::Name(name) = &*starred.value {
                    self.consume(facts, name.id.as_str(), name.range());
                }
            }
            other => self.expr(other, facts),
        }
    }

    fn call(&mut self, call: &'a ast::ExprCall, facts: &mut Facts<'a>) {
        self.expr(&call.func, facts);
        for arg in &call.arguments.args {
            self.starred_or_expr(arg, facts);
        }
        for keyword in &call.arguments.keywords {
            self.expr(&keyword.value, facts);
        }
        let args = &call.arguments.args;
        let Some(first) = args.first() else { return };
        // What the call consumes: its first argument, a name or a generator
        // expression over a name.
        let consumed = match first {
            Expr::Name(name) => Some(name),
            Expr::Generator(generator) => match &generator.generators[..] {
                [first, ..] if !first.is_async => match &first.iter {
                    Expr::Name(name) => Some(name),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        let Some(consumed) = consumed else { return };
        if let Expr::Attribute(attr) = &*call.func {
            // `"".join(it)`
            if attr.attr.as_str() == "join"
                && matches!(&*attr.value, Expr::StringLiteral(_))
                && args.len() == 1
            {
                self.consume(facts, consumed.id.as_str(), call.range());
            }
            return;
        }
        let Some(name) = self
            .semantic
            .resolve_qualified_name_in(self.scope, &call.func)
        else {
            return;
        };
        let Some(builtin) = name.as_str().strip_prefix("builtins.") else {
            return;
        };
        if builtin == "len" && args.len() == 1 && matches!(first, Expr::Name(_)) {
            self.no_length(facts, consumed.id.as_str(), call.range(), "`len()`");
            return;
        }
        let consumes = match builtin {
            // Two positional arguments compare the arguments themselves.
            "min" | "max" => args.len() == 1,
            _ => CONSUMERS.contains(&builtin),
        };
        if consumes && !args.iter().any(|a| a.is_starred_expr()) {
            self.consume(facts, consumed.id.as_str(), call.range());
        }
    }

    /// The first iterable is evaluated here; a list/set/dict comprehension
    /// consumes it. The rest runs per element (or later): only walrus
    /// targets, which bind in this function, are looked at.
    fn comprehension(
        &mut self,
        expr: &'a Expr,
        generators: &'a [ast::Comprehension],
        eager: bool,
        facts: &mut Facts<'a>,
    ) {
        let Some(first) = generators.first() else {
            return;
        };
        self.expr(&first.iter, facts);
        if eager
            && !first.is_async
            && let Expr::Name(name) = &first.iter
        {
            self.consume(facts, name.id.as_str(), name.range());
        }
        let mut walrus = WalrusTargets(Vec::new());
        walrus.visit_expr(expr);
        for name in walrus.0 {
            facts.remove(name);
        }
    }
}

/// Hands sub-expressions back to the analyzer, in evaluation order.
struct Walk<'w, 'a, 'm> {
    analyzer: &'w mut Analyzer<'a, 'm>,
    facts: &'w mut Facts<'a>,
}

impl<'a> Visitor<'a> for Walk<'_, 'a, '_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        self.analyzer.expr(expr, self.facts);
    }
}

struct WalrusTargets<'a>(Vec<&'a str>);

impl<'a> Visitor<'a> for WalrusTargets<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Named(named) => {
                if let Expr::Name(name) = &*named.target {
                    self.0.push(name.id.as_str());
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Lambda(_) => {}
            _ => visitor::walk_expr(self, expr),
        }
    }
}

fn collect_captures<'a>(pattern: &'a ast::Pattern, out: &mut Vec<&'a str>) {
    struct Captures<'o, 'a>(&'o mut Vec<&'a str>);
    impl<'a> Visitor<'a> for Captures<'_, 'a> {
        fn visit_pattern(&mut self, pattern: &'a ast::Pattern) {
            let name = match pattern {
                ast::Pattern::MatchAs(p) => p.name.as_ref(),
                ast::Pattern::MatchStar(p) => p.name.as_ref(),
                ast::Pattern::MatchMapping(p) => p.rest.as_ref(),
                _ => None,
            };
            if let Some(name) = name {
                self.0.push(name.as_str());
            }
            visitor::walk_pattern(self, pattern);
        }
    }
    Captures(out).visit_pattern(pattern);
}

/// `while True:` / `while 1:` never exits through its test.
fn is_truthy_constant(expr: &Expr) -> bool {
    match expr {
        Expr::BooleanLiteral(b) => b.value,
        Expr::NumberLiteral(n) => matches!(&n.value, ast::Number::Int(i) if *i != ast::Int::ZERO),
        _ => false,
    }
}
