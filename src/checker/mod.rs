//! The one walk over a file's tree. It keeps the semantic model current and
//! calls the rules registered for each node kind (`dispatch`) with the
//! [`Context`]; rules never walk the tree themselves.

pub(crate) mod dispatch;

use std::collections::VecDeque;

use ruff_text_size::{Ranged, TextRange};

use crate::ast::visitor::{self, Visitor};
use crate::ast::{self, Expr, Stmt};
use crate::context::Context;
use crate::finding::{Finding, Pending};
use crate::registry::RuleSet;
use crate::semantic::index::Question;
use crate::semantic::model::{MODULE_SCOPE, ScopeId};
use crate::semantic::{BindingKind, ScopeKind, SemanticModel};
use crate::settings::FileSettings;
use crate::source::Locator;

/// A function or lambda body, visited after its enclosing scope is complete
/// so that names bound later in that scope are known (Python resolves them
/// at call time).
enum Deferred<'a> {
    Function(&'a ast::StmtFunctionDef, ScopeId),
    Lambda(&'a ast::ExprLambda, ScopeId, Option<TextRange>),
}

/// What the walk of one file leaves: findings, questions for the project,
/// and the finished semantic model (for the file's summary).
pub struct CheckOutput<'a> {
    pub findings: Vec<Finding>,
    pub questions: Vec<Question>,
    pub pending: Vec<Pending>,
    pub semantic: SemanticModel<'a>,
    pub def_scopes: rustc_hash::FxHashMap<ruff_text_size::TextSize, ScopeId>,
    pub lock_events: crate::semantic::index::LockEvents,
    /// The walk stopped at the deadline: the findings are incomplete.
    pub timed_out: bool,
}

pub struct Checker<'a> {
    /// What the rules see.
    cx: Context<'a>,
    /// Each stateful rule's facts gathered during the walk, read at the end.
    states: dispatch::States<'a>,
    deferred: VecDeque<Deferred<'a>>,
    /// The time budget of this file's walk ([`Checker::with_deadline`]).
    deadline: Option<std::time::Instant>,
    ticks: u32,
    timed_out: bool,
}

impl<'a> Checker<'a> {
    pub fn new(
        semantic: SemanticModel<'a>,
        locator: &'a Locator<'a>,
        settings: &'a FileSettings,
        rules: RuleSet,
    ) -> Self {
        Self {
            cx: Context::new(semantic, locator, settings, rules),
            states: Default::default(),
            deferred: VecDeque::new(),
            deadline: None,
            ticks: 0,
            timed_out: false,
        }
    }

    /// Stops the walk (see [`CheckOutput::timed_out`]) once `deadline`
    /// has passed: one pathological file cannot stall the run.
    pub fn with_deadline(mut self, deadline: std::time::Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Whether the budget is spent; the clock is read every 256 nodes.
    #[inline]
    fn out_of_time(&mut self) -> bool {
        if self.timed_out {
            return true;
        }
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks.is_multiple_of(256)
            && let Some(deadline) = self.deadline
            && std::time::Instant::now() >= deadline
        {
            self.timed_out = true;
        }
        self.timed_out
    }

    /// Walks the module, then the deferred bodies, then runs end-of-scope
    /// rules. Returns the findings and the questions left for the project.
    pub fn check(mut self, suite: &'a [Stmt]) -> CheckOutput<'a> {
        self.cx.suite = suite;
        dispatch::start(&self.cx, &mut self.states);
        self.visit_body(suite);
        while let Some(deferred) = self.deferred.pop_front() {
            if self.out_of_time() {
                break;
            }
            match deferred {
                Deferred::Function(def, scope) => {
                    self.cx.semantic.set_current_scope(scope);
                    let id = self.cx.semantic.push_scope(ScopeKind::Function(def));
                    self.cx.def_scopes.insert(def.range().start(), id);
                    self.bind_parameters(&def.parameters);
                    self.visit_body(&def.body);
                    dispatch::on_function_end(&mut self.cx, &mut self.states, def);
                    self.cx.semantic.pop_scope();
                }
                Deferred::Lambda(lambda, scope, statement) => {
                    self.cx.semantic.set_current_scope(scope);
                    self.cx.statements.extend(statement);
                    self.cx.semantic.push_scope(ScopeKind::Lambda(lambda));
                    if let Some(parameters) = &lambda.parameters {
                        self.bind_parameters(parameters);
                    }
                    self.visit_expr(&lambda.body);
                    self.cx.semantic.pop_scope();
                    self.cx.statements.clear();
                }
            }
        }
        self.cx.semantic.set_current_scope(MODULE_SCOPE);
        if !self.timed_out {
            dispatch::on_module_end(&mut self.cx, &mut self.states, suite);
            dispatch::on_file_end(&mut self.cx, &mut self.states);
        }
        let lock_events = dispatch::take_lock_events(&self.cx, &mut self.states);
        // Reports outlive the pass until the project stage: no growth slack.
        self.cx.pending.shrink_to_fit();
        self.cx.findings.shrink_to_fit();
        CheckOutput {
            timed_out: self.timed_out,
            lock_events,
            findings: self.cx.findings,
            questions: self.cx.questions.into_vec(),
            pending: self.cx.pending,
            semantic: self.cx.semantic,
            def_scopes: self.cx.def_scopes,
        }
    }

    // ----- bindings -----

    fn bind_parameters(&mut self, parameters: &'a ast::Parameters) {
        for p in parameters
            .posonlyargs
            .iter()
            .chain(&parameters.args)
            .chain(&parameters.kwonlyargs)
        {
            self.cx.semantic.bind(
                p.parameter.name.as_str(),
                BindingKind::Parameter(&p.parameter),
                p.parameter.range(),
            );
        }
        for p in parameters.vararg.iter().chain(&parameters.kwarg) {
            self.cx
                .semantic
                .bind(p.name.as_str(), BindingKind::Parameter(p), p.range());
        }
    }

    /// Binds assignment targets, pairing tuple targets with tuple values
    /// element-wise (`a, b = Path(x), Path(y)`).
    fn bind_target(&mut self, target: &'a Expr, value: Option<&'a Expr>) {
        match target {
            Expr::Name(name) => {
                self.cx.semantic.bind(
                    name.id.as_str(),
                    BindingKind::Assignment(value),
                    name.range(),
                );
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                let values = match value {
                    Some(Expr::Tuple(t)) if t.elts.len() == elts.len() => Some(&t.elts[..]),
                    Some(Expr::List(l)) if l.elts.len() == elts.len() => Some(&l.elts[..]),
                    _ => None,
                };
                for (i, elt) in elts.iter().enumerate() {
                    self.bind_target(elt, values.map(|v| &v[i]));
                }
            }
            Expr::Starred(starred) => self.bind_target(&starred.value, None),
            // Attribute and subscript targets bind nothing; their parts are loads.
            other => self.visit_expr(other),
        }
    }

    /// Loop and comprehension targets: bound, to no known value.
    fn bind_other(&mut self, target: &'a Expr) {
        self.bind_target(target, None);
    }
}

impl<'a> Visitor<'a> for Checker<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.out_of_time() {
            return;
        }
        self.cx.statements.push(Context::header_range(stmt));
        dispatch::on_stmt(&mut self.cx, &mut self.states, stmt);
        match stmt {
            Stmt::FunctionDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(type_params) = &def.type_params {
                    self.visit_type_params(type_params);
                }
                // Defaults and annotations are evaluated in the enclosing scope.
                self.visit_parameters(&def.parameters);
                if let Some(returns) = &def.returns {
                    self.visit_annotation(returns);
                }
                self.cx.semantic.bind(
                    def.name.as_str(),
                    BindingKind::FunctionDef(def),
                    def.name.range(),
                );
                self.deferred
                    .push_back(Deferred::Function(def, self.cx.semantic.current_scope_id()));
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(type_params) = &class.type_params {
                    self.visit_type_params(type_params);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                let id = self.cx.semantic.push_scope(ScopeKind::Class(class));
                self.cx.def_scopes.insert(class.range().start(), id);
                self.visit_body(&class.body);
                self.cx.semantic.pop_scope();
                self.cx.semantic.bind(
                    class.name.as_str(),
                    BindingKind::ClassDef(class),
                    class.name.range(),
                );
            }
            Stmt::Import(import) => self.cx.semantic.bind_import(import),
            Stmt::ImportFrom(import) => self.cx.semantic.bind_import_from(import),
            Stmt::Global(ast::StmtGlobal { names, .. })
            | Stmt::Nonlocal(ast::StmtNonlocal { names, .. }) => {
                for name in names {
                    self.cx.semantic.declare_outside(name.as_str());
                }
            }
            Stmt::Assign(assign) => {
                self.visit_expr(&assign.value);
                for target in &assign.targets {
                    self.bind_target(target, Some(&assign.value));
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    self.visit_expr(value);
                }
                self.visit_annotation(&assign.annotation);
                match &*assign.target {
                    Expr::Name(name) => {
                        self.cx.semantic.bind(
                            name.id.as_str(),
                            BindingKind::Annotated {
                                annotation: &assign.annotation,
                                value: assign.value.as_deref(),
                            },
                            name.range(),
                        );
                    }
                    other => self.visit_expr(other),
                }
            }
            Stmt::AugAssign(assign) => {
                self.visit_expr(&assign.value);
                match &*assign.target {
                    // `x += 1` reads `x` and keeps its binding.
                    Expr::Name(name) => self.cx.semantic.record_read(name.id.as_str()),
                    other => self.visit_expr(other),
                }
            }
            Stmt::For(for_stmt) => {
                self.visit_expr(&for_stmt.iter);
                self.bind_other(&for_stmt.target);
                self.visit_body(&for_stmt.body);
                self.visit_body(&for_stmt.orelse);
            }
            Stmt::With(with) => {
                for item in &with.items {
                    self.visit_expr(&item.context_expr);
                    match item.optional_vars.as_deref() {
                        Some(Expr::Name(name)) => {
                            self.cx.semantic.bind(
                                name.id.as_str(),
                                BindingKind::WithItem(&item.context_expr),
                                name.range(),
                            );
                        }
                        Some(other) => self.bind_other(other),
                        None => {}
                    }
                }
                self.visit_body(&with.body);
            }
            Stmt::TypeAlias(alias) => {
                if let Some(type_params) = &alias.type_params {
                    self.visit_type_params(type_params);
                }
                self.visit_expr(&alias.value);
                self.bind_other(&alias.name);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
        dispatch::after_stmt(&mut self.cx, &mut self.states, stmt);
        self.cx.statements.pop();
    }

    fn visit_except_handler(&mut self, handler: &'a ast::ExceptHandler) {
        let ast::ExceptHandler::ExceptHandler(handler) = handler;
        if let Some(type_) = &handler.type_ {
            self.visit_expr(type_);
        }
        if let Some(name) = &handler.name {
            self.cx
                .semantic
                .bind(name.as_str(), BindingKind::Other, name.range());
        }
        self.visit_body(&handler.body);
    }

    fn visit_pattern(&mut self, pattern: &'a ast::Pattern) {
        let name = match pattern {
            ast::Pattern::MatchAs(p) => p.name.as_ref(),
            ast::Pattern::MatchStar(p) => p.name.as_ref(),
            ast::Pattern::MatchMapping(p) => p.rest.as_ref(),
            _ => None,
        };
        if let Some(name) = name {
            self.cx
                .semantic
                .bind(name.as_str(), BindingKind::Other, name.range());
        }
        visitor::walk_pattern(self, pattern);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.out_of_time() {
            return;
        }
        dispatch::on_expr(&mut self.cx, &mut self.states, expr);
        match expr {
            Expr::Name(name) => {
                if name.ctx.is_load() {
                    self.cx.semantic.record_read(name.id.as_str());
                } else if name.ctx.is_store() {
                    self.cx
                        .semantic
                        .bind(name.id.as_str(), BindingKind::Other, name.range());
                }
            }
            Expr::Named(named) => {
                self.visit_expr(&named.value);
                self.bind_target(&named.target, Some(&named.value));
            }
            Expr::Lambda(lambda) => {
                dispatch::on_lambda(&mut self.cx, &mut self.states, lambda);
                if let Some(parameters) = &lambda.parameters {
                    // Defaults only; the body is deferred.
                    for p in parameters.iter_non_variadic_params() {
                        if let Some(default) = &p.default {
                            self.visit_expr(default);
                        }
                    }
                }
                self.deferred.push_back(Deferred::Lambda(
                    lambda,
                    self.cx.semantic.current_scope_id(),
                    self.cx.statements.last().copied(),
                ));
            }
            Expr::Await(_) => {
                dispatch::on_await_point(&mut self.cx, &mut self.states, expr.range());
                visitor::walk_expr(self, expr);
            }
            Expr::ListComp(ast::ExprListComp {
                elt, generators, ..
            })
            | Expr::SetComp(ast::ExprSetComp {
                elt, generators, ..
            })
            | Expr::Generator(ast::ExprGenerator {
                elt, generators, ..
            }) => {
                // A list or set comprehension runs its `async for` right here;
                // a generator expression only when consumed.
                if !expr.is_generator_expr() && generators.iter().any(|g| g.is_async) {
                    dispatch::on_await_point(&mut self.cx, &mut self.states, expr.range());
                }
                self.visit_comprehension_scope(generators, |this| this.visit_expr(elt));
            }
            Expr::DictComp(comp) => {
                if comp.generators.iter().any(|g| g.is_async) {
                    dispatch::on_await_point(&mut self.cx, &mut self.states, expr.range());
                }
                self.visit_comprehension_scope(&comp.generators, |this| {
                    if let Some(key) = &comp.key {
                        this.visit_expr(key);
                    }
                    this.visit_expr(&comp.value);
                });
            }
            Expr::Yield(_) | Expr::YieldFrom(_) => {
                self.cx.semantic.mark_generator();
                visitor::walk_expr(self, expr);
            }
            Expr::Call(call) => {
                dispatch::on_call(&mut self.cx, &mut self.states, call);
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

impl<'a> Checker<'a> {
    fn visit_comprehension_scope(
        &mut self,
        generators: &'a [ast::Comprehension],
        body: impl FnOnce(&mut Self),
    ) {
        // The first iterable is evaluated in the enclosing scope.
        if let Some(first) = generators.first() {
            dispatch::on_comprehension_iter(&mut self.cx, &mut self.states, first);
            self.visit_expr(&first.iter);
        }
        self.cx.semantic.push_scope(ScopeKind::Comprehension);
        for (i, generator) in generators.iter().enumerate() {
            if i > 0 {
                dispatch::on_comprehension_iter(&mut self.cx, &mut self.states, generator);
                self.visit_expr(&generator.iter);
            }
            self.bind_other(&generator.target);
            for condition in &generator.ifs {
                self.visit_expr(condition);
            }
        }
        body(self);
        self.cx.semantic.pop_scope();
    }
}
