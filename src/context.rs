//! What a rule sees of the walk (like oxc's `LintContext`): the semantic
//! model as it stands at the node, the source, the file's settings, and the
//! sinks for findings and project questions; and [`Check`], the hooks a rule
//! implements. It names no rule: the checker (`crate::checker`) walks the
//! tree and calls each enabled rule's hooks with it.

use ruff_text_size::{Ranged, TextRange};

use crate::ast::{self, Expr, Stmt};
use crate::finding::{Finding, Pending, PendingContext};
use crate::kinds;
use crate::registry::{Rule, RuleSet};
use crate::semantic::index::{ProjectIndex, Question};
use crate::semantic::lock_graph::LockGraph;
use crate::semantic::model::ScopeId;
use crate::semantic::name::Name;
use crate::semantic::{QualifiedName, SemanticModel};
use crate::settings::FileSettings;
use crate::source::Locator;

pub struct Context<'a> {
    pub(crate) semantic: SemanticModel<'a>,
    locator: &'a Locator<'a>,
    // Read by the rules that take options (PF106's `blocking-calls`).
    pub(crate) settings: &'a FileSettings,
    rules: RuleSet,
    pub(crate) findings: Vec<Finding>,
    pub(crate) pending: Vec<Pending>,
    /// The file's questions, each once, numbered as `Pending::question`.
    pub(crate) questions: crate::numbered::Numbered<Question>,
    /// The logical-line range of each enclosing statement (a compound
    /// statement's header), innermost last: `# noqa` may sit on its last row.
    pub(crate) statements: Vec<TextRange>,
    /// The scope each `def`/`class` opened, by the node's start offset.
    pub(crate) def_scopes: rustc_hash::FxHashMap<ruff_text_size::TextSize, ScopeId>,
    /// The module's top-level statements (fixes that add an import look at
    /// them).
    pub(crate) suite: &'a [Stmt],
    /// A statement's call whose callee a rule resolved before the call is
    /// visited ([`Context::remember_callee`]): the call's [`Callee`] starts
    /// with it instead of resolving again.
    resolved_callee: Option<(&'a Expr, Option<QualifiedName>)>,
    /// The pending sites' subjects, each text once (a file names the same
    /// callee at many sites: `self.assertEqual`).
    subjects: rustc_hash::FxHashSet<Name>,
}

impl<'a> Context<'a> {
    pub fn new(
        semantic: SemanticModel<'a>,
        locator: &'a Locator<'a>,
        settings: &'a FileSettings,
        rules: RuleSet,
    ) -> Self {
        Self {
            semantic,
            locator,
            settings,
            rules,
            findings: Vec::new(),
            pending: Vec::new(),
            questions: Default::default(),
            statements: Vec::new(),
            def_scopes: Default::default(),
            suite: &[],
            resolved_callee: None,
            subjects: Default::default(),
        }
    }

    /// Keeps what `func`, the callee of a call the walk visits next, resolved
    /// to (a statement's own call, checked from the statement: nothing is
    /// bound in between). The call's [`Context::callee`] takes it.
    pub fn remember_callee(&mut self, func: &'a Expr, resolved: Option<QualifiedName>) {
        self.resolved_callee = Some((func, resolved));
    }

    /// The callee of a call being visited, resolved already if a rule
    /// resolved it from the call's statement.
    pub fn callee(&mut self, func: &'a Expr) -> Callee<'a> {
        let resolved = self
            .resolved_callee
            .take()
            .and_then(|(f, resolved)| std::ptr::eq(f, func).then_some(resolved));
        Callee {
            func,
            resolved,
            in_async: None,
        }
    }

    #[inline]
    pub fn enabled(&self, rule: Rule) -> bool {
        self.rules.contains(rule)
    }

    pub fn rules(&self) -> RuleSet {
        self.rules
    }

    pub fn semantic(&self) -> &SemanticModel<'a> {
        &self.semantic
    }

    pub fn locator(&self) -> &Locator<'a> {
        self.locator
    }

    /// The module's top-level statements.
    pub fn module_suite(&self) -> &'a [Stmt] {
        self.suite
    }

    /// The lock `expr` refers to (RULES.md "Lock identity"), if known.
    pub fn lock_for(&self, expr: &Expr) -> Option<crate::semantic::locks::LockRef> {
        crate::semantic::locks::lock_for(&self.semantic, expr)
    }

    /// Reports a finding at `range`; the returned finding can take a fix or
    /// extra labels.
    pub fn report(
        &mut self,
        rule: Rule,
        range: TextRange,
        message: impl Into<String>,
    ) -> &mut Finding {
        let noqa_row = self.noqa_row(range);
        self.findings.push(Finding {
            rule,
            message: message.into(),
            span: self.locator.span(range),
            noqa_row,
            fix: None,
            labels: Vec::new(),
        });
        self.findings.last_mut().expect("just pushed")
    }

    /// Leaves a question for the project index (project-wide rules).
    pub fn ask(
        &mut self,
        rule: Rule,
        question: Question,
        range: TextRange,
        subject: Option<&str>,
        context: PendingContext,
    ) {
        let noqa_row = self.noqa_row(range);
        let question = self.question_id(question);
        let subject = subject.map(|text| self.subject(text));
        self.pending.push(Pending {
            rule,
            question,
            span: self.locator.span(range),
            noqa_row,
            subject,
            context,
        });
    }

    /// The index of `question` in the file's questions: a file keeps equal
    /// questions once.
    fn question_id(&mut self, question: Question) -> u32 {
        self.questions.number(question)
    }

    /// The shared copy of a pending site's subject.
    fn subject(&mut self, text: &str) -> Name {
        if let Some(name) = self.subjects.get(text) {
            return name.clone();
        }
        let name = Name::from(text);
        self.subjects.insert(name.clone());
        name
    }

    /// Turns the finding just reported into one that waits for `question`:
    /// the project stage reports it if the answer is yes
    /// ([`PendingContext::Finding`]).
    pub fn defer_last_finding(&mut self, question: Question) {
        let Some(finding) = self.findings.pop() else {
            return;
        };
        let question = self.question_id(question);
        self.pending.push(Pending {
            rule: finding.rule,
            question,
            span: finding.span,
            noqa_row: finding.noqa_row,
            subject: None,
            context: PendingContext::Finding(Box::new(finding)),
        });
    }

    /// Like [`Context::report`], for a finding decided after the walk left
    /// its statement (`statement` is where a `# noqa` may also sit).
    pub fn report_in_statement(
        &mut self,
        rule: Rule,
        range: TextRange,
        statement: TextRange,
        message: impl Into<String>,
    ) -> &mut Finding {
        self.statements.push(statement);
        self.report(rule, range, message);
        self.statements.pop();
        self.findings.last_mut().expect("just pushed")
    }

    /// The innermost statement (a compound statement's header) being walked.
    pub fn current_statement(&self) -> Option<TextRange> {
        self.statements.last().copied()
    }

    /// The span of `range` and the row where a `# noqa` for it may sit, for
    /// a finding the project stage decides later.
    pub fn site(&self, range: TextRange) -> (crate::span::Span, u32) {
        (self.locator.span(range), self.noqa_row(range))
    }

    fn noqa_row(&self, range: TextRange) -> u32 {
        let end = self
            .statements
            .last()
            .filter(|s| s.contains_range(range))
            .map_or(range.end(), |s| s.end());
        self.locator.row(end)
    }

    /// A statement's own line range: a compound statement's header only.
    pub(crate) fn header_range(stmt: &Stmt) -> TextRange {
        let end = match stmt {
            Stmt::FunctionDef(f) => f.returns.as_ref().map_or(f.parameters.end(), |r| r.end()),
            Stmt::ClassDef(c) => c.arguments.as_ref().map_or(c.name.end(), |a| a.end()),
            Stmt::If(s) => s.test.end(),
            Stmt::While(s) => s.test.end(),
            Stmt::For(s) => s.iter.end(),
            Stmt::With(s) => s.items.last().map_or(s.start(), |i| i.end()),
            Stmt::Match(s) => s.subject.end(),
            Stmt::Try(s) => s.start(),
            _ => return stmt.range(),
        };
        TextRange::new(stmt.start(), end.max(stmt.start()))
    }
}

/// A rule: the hooks the checker calls, at each node kind, for every enabled
/// rule (registered by its line in [`crate::registry`]). Every hook does
/// nothing unless the rule implements it; one it does not implement costs
/// nothing.
#[allow(unused_variables)]
pub trait Check<'a> {
    /// What the rule gathers over the file and judges at its end (`()` for
    /// none). The checker keeps one per file, for this rule alone.
    type State: Default;

    /// The shared analyses the rule reads ([`Facts`]): the checker runs one
    /// while a rule that declares it is enabled.
    const FACTS: Facts = Facts::NONE;

    /// The statement kinds `on_stmt` and `after_stmt` look at
    /// ([`kinds::stmt`]); they are called for those only.
    const STMTS: u64 = kinds::ALL;

    /// The expression kinds `on_expr` looks at ([`kinds::expr`]).
    const EXPRS: u64 = kinds::ALL;

    /// A statement, before its children.
    fn on_stmt(cx: &mut Context<'a>, state: &mut Self::State, stmt: &'a Stmt) {}
    /// A statement, after its children (its body included).
    fn after_stmt(cx: &mut Context<'a>, state: &mut Self::State, stmt: &'a Stmt) {}
    /// An expression, before its children.
    fn on_expr(cx: &mut Context<'a>, state: &mut Self::State, expr: &'a Expr) {}
    /// A call, before its children; `callee` resolves its name once for all
    /// rules.
    fn on_call(
        cx: &mut Context<'a>,
        state: &mut Self::State,
        call: &'a ast::ExprCall,
        callee: &mut Callee<'a>,
    ) {
    }
    /// An `await`, or a list/set/dict comprehension with `async for`.
    fn on_await_point(cx: &mut Context<'a>, state: &mut Self::State, range: TextRange) {}
    /// A comprehension's `for … in <iter>`, from the scope `iter` is
    /// evaluated in.
    fn on_comprehension_iter(
        cx: &mut Context<'a>,
        state: &mut Self::State,
        generator: &'a ast::Comprehension,
    ) {
    }
    fn on_lambda(cx: &mut Context<'a>, state: &mut Self::State, lambda: &'a ast::ExprLambda) {}
    /// After a function's body is walked, with its scope current and
    /// complete.
    fn on_function_end(
        cx: &mut Context<'a>,
        state: &mut Self::State,
        def: &'a ast::StmtFunctionDef,
    ) {
    }
    /// After every function of the file is walked, with the module scope
    /// current.
    fn on_module_end(cx: &mut Context<'a>, state: &mut Self::State, suite: &'a [Stmt]) {}
    /// After every scope of the file is complete, with the module scope
    /// current.
    fn on_file_end(cx: &mut Context<'a>, state: &mut Self::State) {}

    /// Answers a question this rule left for the project index
    /// ([`Context::ask`]); `None` is silence.
    fn answer(pending: &Pending, question: &Question, index: &ProjectIndex) -> Option<Finding> {
        None
    }
    /// Findings decided from the whole project at once, after the index is
    /// built, each with the module of the file it is in.
    fn project_findings(project: &Project) -> Vec<ProjectFinding> {
        Vec::new()
    }
}

/// Analyses shared by several rules, run once per file while a rule that
/// declares one is enabled ([`Check::FACTS`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Facts(u8);

impl Facts {
    pub const NONE: Facts = Facts(0);
    /// Per function, the locks it acquires, what it calls meanwhile, the
    /// threads it starts (`rules::threads::lock_events`), for the project's
    /// lock graph.
    pub const LOCK_EVENTS: Facts = Facts(1);
    /// Functions started as threads and unguarded writes of shared state
    /// (`rules::threads::thread_events`), beside the lock events.
    pub const SHARED_WRITES: Facts = Facts(4);
    /// Resources created outside a `with` and not reliably released
    /// (`rules::resources`): one scan reports both PF400 and PF401.
    pub const RESOURCES: Facts = Facts(2);
    /// Per sync function, its own blocking / loop-running calls and calls on
    /// inferred receivers (`rules::async_::effect_events`), beside the lock
    /// events' calls: the effects of PF110/PF112.
    pub const EFFECTS: Facts = Facts(8);
    /// The project's lock graph, which PF200, PF201, PF203 and PF206 report
    /// from (with the lock events it is built of): each file's lock events
    /// name the rules declaring it that are enabled there
    /// (`LockEvents::rules`). PF110 reads the lock events, not the graph.
    pub const LOCK_GRAPH: Facts = Facts(16);

    #[inline]
    pub const fn union(self, other: Facts) -> Facts {
        Facts(self.0 | other.0)
    }

    #[inline]
    pub const fn contains(self, other: Facts) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }
}

/// What several rules ask of a call site, each answer computed at most once
/// however many rules ask: the callee resolved through imports (`t.sleep`
/// after `import time as t` is `time.sleep`), whether the call is in an
/// `async def`.
pub struct Callee<'a> {
    func: &'a Expr,
    resolved: Option<Option<QualifiedName>>,
    in_async: Option<bool>,
}

impl<'a> Callee<'a> {
    /// Is the innermost function around the call an `async def`?
    pub fn in_async_function(&mut self, cx: &Context<'a>) -> bool {
        *self
            .in_async
            .get_or_insert_with(|| cx.semantic.in_async_function())
    }

    pub fn name(&mut self, cx: &Context<'a>) -> Option<&QualifiedName> {
        self.resolved
            .get_or_insert_with(|| cx.semantic.resolve_qualified_name(self.func))
            .as_ref()
    }
}

/// A project-wide finding and the module of the file it is in.
pub type ProjectFinding = (String, Finding);

/// What a project-wide rule sees once every file is indexed.
pub struct Project<'i> {
    pub index: &'i ProjectIndex,
    lock_graph: std::cell::OnceCell<Option<LockGraph<'i>>>,
}

impl<'i> Project<'i> {
    pub fn new(index: &'i ProjectIndex) -> Self {
        Self {
            index,
            lock_graph: Default::default(),
        }
    }

    /// The project's lock graph, built on first use; `None` when no file
    /// recorded a lock event with a rule that reads the graph enabled
    /// ([`Facts::LOCK_GRAPH`]).
    pub fn lock_graph(&self) -> Option<&LockGraph<'i>> {
        self.lock_graph
            .get_or_init(|| {
                let any = self
                    .index
                    .modules()
                    .any(|m| !m.lock_events.rules.is_empty() && !m.lock_events.is_empty());
                any.then(|| LockGraph::build(self.index))
            })
            .as_ref()
    }
}
