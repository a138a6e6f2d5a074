//! What a rule sees of the walk (like oxc's `LintContext`): the semantic
//! model as it stands at the node, the source, the file's settings, and the
//! sinks for findings and project questions. It names no rule: the checker
//! (`crate::checker`) walks the tree and calls the rules with it.

use ruff_text_size::{Ranged, TextRange};

use crate::ast::{Expr, Stmt};
use crate::finding::{Finding, Pending, PendingContext};
use crate::registry::{Rule, RuleSet};
use crate::semantic::SemanticModel;
use crate::semantic::index::Question;
use crate::semantic::model::ScopeId;
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
    pub(crate) questions: Vec<Question>,
    question_ids: rustc_hash::FxHashMap<Question, u32>,
    /// The logical-line range of each enclosing statement (a compound
    /// statement's header), innermost last: `# noqa` may sit on its last row.
    pub(crate) statements: Vec<TextRange>,
    /// The scope each `def`/`class` opened, by the node's start offset.
    pub(crate) def_scopes: rustc_hash::FxHashMap<ruff_text_size::TextSize, ScopeId>,
    /// The module's top-level statements (fixes that add an import look at
    /// them).
    pub(crate) suite: &'a [Stmt],
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
            questions: Vec::new(),
            question_ids: Default::default(),
            statements: Vec::new(),
            def_scopes: Default::default(),
            suite: &[],
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
        let next = self.questions.len() as u32;
        let question = *self.question_ids.entry(question).or_insert_with_key(|q| {
            self.questions.push(q.clone());
            next
        });
        self.pending.push(Pending {
            rule,
            question,
            span: self.locator.span(range),
            noqa_row,
            subject: subject.map(Into::into),
            context,
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
