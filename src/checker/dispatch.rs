//! Which rules run at each node kind. The checker's one walk calls these
//! with the [`Context`]; each calls the hook of every enabled rule in the
//! registry ([`crate::registry::for_each_rule`]), with that rule's own state,
//! and runs the shared analyses ([`Facts`]) an enabled rule declares. Each
//! rule's check is in its own file and starts from the node it asked for.

use ruff_text_size::TextRange;

use crate::ast::{self, Expr, Stmt};
use crate::context::{Callee, Check, Context, Facts, Project, ProjectFinding};
use crate::finding::{Finding, Pending};
use crate::kinds;
use crate::registry::{Rule, RuleSet, for_each_rule};
use crate::rules::{resources, threads};
use crate::semantic::index::{LockEvents, ProjectIndex, Question};
use crate::semantic::model::MODULE_SCOPE;

/// The shared analyses, each with its facts over the file.
#[derive(Default)]
struct Shared<'a> {
    facts: Facts,
    lock_events: threads::lock_builder::LockEventsBuilder,
    resources: resources::Openers,
    _file: std::marker::PhantomData<&'a ()>,
}

macro_rules! declare_dispatch {
    ($($code:ident $variant:ident $name:literal, $default:ident, fix $fix:ident,
        $family:ident::$module:ident, $summary:literal;)*) => {
        /// Each enabled rule's state over the file, and the shared analyses.
        #[allow(non_snake_case)]
        #[derive(Default)]
        pub(crate) struct States<'a> {
            $($variant: <crate::rules::$family::$module::$variant as Check<'a>>::State,)*
            shared: Shared<'a>,
        }

        /// The enabled rules that declare `facts`.
        fn readers(rules: RuleSet, facts: Facts) -> impl Iterator<Item = Rule> {
            rules.iter().filter(move |rule| match rule {
                $(Rule::$variant => {
                    <crate::rules::$family::$module::$variant as Check<'_>>::FACTS.contains(facts)
                })*
            })
        }

        /// The shared analyses the enabled rules declare.
        fn facts(rules: RuleSet) -> Facts {
            let mut facts = Facts::NONE;
            $(if rules.contains(Rule::$variant) {
                facts = facts.union(
                    <crate::rules::$family::$module::$variant as Check<'_>>::FACTS,
                );
            })*
            facts
        }

        /// Each hook of every enabled rule, with its own state.
        struct Rules;

        impl Rules {
            fn on_stmt<'a, const KIND: u64>(cx: &mut Context<'a>, st: &mut States<'a>, stmt: &'a Stmt) {
                $(if <crate::rules::$family::$module::$variant as Check<'a>>::STMTS & KIND != 0
                    && cx.enabled(Rule::$variant)
                {
                    <crate::rules::$family::$module::$variant as Check<'a>>::on_stmt(
                        cx, &mut st.$variant, stmt,
                    );
                })*
            }

            fn after_stmt<'a, const KIND: u64>(cx: &mut Context<'a>, st: &mut States<'a>, stmt: &'a Stmt) {
                $(if <crate::rules::$family::$module::$variant as Check<'a>>::STMTS & KIND != 0
                    && cx.enabled(Rule::$variant)
                {
                    <crate::rules::$family::$module::$variant as Check<'a>>::after_stmt(
                        cx, &mut st.$variant, stmt,
                    );
                })*
            }

            fn on_expr<'a, const KIND: u64>(cx: &mut Context<'a>, st: &mut States<'a>, expr: &'a Expr) {
                $(if <crate::rules::$family::$module::$variant as Check<'a>>::EXPRS & KIND != 0
                    && cx.enabled(Rule::$variant)
                {
                    <crate::rules::$family::$module::$variant as Check<'a>>::on_expr(
                        cx, &mut st.$variant, expr,
                    );
                })*
            }

            fn on_call<'a>(cx: &mut Context<'a>, st: &mut States<'a>, call: &'a ast::ExprCall, callee: &mut Callee<'a>) {
                $(if cx.enabled(Rule::$variant) {
                    <crate::rules::$family::$module::$variant as Check<'a>>::on_call(
                        cx, &mut st.$variant, call, callee,
                    );
                })*
            }

            fn on_await_point<'a>(cx: &mut Context<'a>, st: &mut States<'a>, range: TextRange) {
                $(if cx.enabled(Rule::$variant) {
                    <crate::rules::$family::$module::$variant as Check<'a>>::on_await_point(
                        cx, &mut st.$variant, range,
                    );
                })*
            }

            fn on_comprehension_iter<'a>(cx: &mut Context<'a>, st: &mut States<'a>, generator: &'a ast::Comprehension) {
                $(if cx.enabled(Rule::$variant) {
                    <crate::rules::$family::$module::$variant as Check<'a>>::on_comprehension_iter(
                        cx, &mut st.$variant, generator,
                    );
                })*
            }

            fn on_lambda<'a>(cx: &mut Context<'a>, st: &mut States<'a>, lambda: &'a ast::ExprLambda) {
                $(if cx.enabled(Rule::$variant) {
                    <crate::rules::$family::$module::$variant as Check<'a>>::on_lambda(
                        cx, &mut st.$variant, lambda,
                    );
                })*
            }

            fn on_function_end<'a>(cx: &mut Context<'a>, st: &mut States<'a>, def: &'a ast::StmtFunctionDef) {
                $(if cx.enabled(Rule::$variant) {
                    <crate::rules::$family::$module::$variant as Check<'a>>::on_function_end(
                        cx, &mut st.$variant, def,
                    );
                })*
            }

            fn on_module_end<'a>(cx: &mut Context<'a>, st: &mut States<'a>, suite: &'a [Stmt]) {
                $(if cx.enabled(Rule::$variant) {
                    <crate::rules::$family::$module::$variant as Check<'a>>::on_module_end(
                        cx, &mut st.$variant, suite,
                    );
                })*
            }

            /// Each rule starts at the module scope.
            fn on_file_end<'a>(cx: &mut Context<'a>, st: &mut States<'a>) {
                $(if cx.enabled(Rule::$variant) {
                    cx.semantic.set_current_scope(MODULE_SCOPE);
                    <crate::rules::$family::$module::$variant as Check<'a>>::on_file_end(
                        cx, &mut st.$variant,
                    );
                })*
            }
        }

        /// Answers a question a file left for the project index; `None` is
        /// silence.
        pub fn answer_pending(
            pending: &Pending,
            question: &Question,
            index: &ProjectIndex,
        ) -> Option<Finding> {
            match pending.rule {
                $(Rule::$variant => {
                    <crate::rules::$family::$module::$variant as Check<'_>>::answer(
                        pending, question, index,
                    )
                })*
            }
        }

        /// Findings decided from the whole project at once, after the index
        /// is built, each with the module of the file it is in.
        pub fn project_findings(index: &ProjectIndex) -> Vec<ProjectFinding> {
            let project = Project::new(index);
            let mut out = Vec::new();
            $(out.extend(
                <crate::rules::$family::$module::$variant as Check<'_>>::project_findings(
                    &project,
                ),
            );)*
            out
        }
    };
}

for_each_rule!(declare_dispatch);

/// Before questions are answered in parallel: what the index must compute
/// first, for the questions asked (the effects of in-project functions,
/// when some file [`asks_effects`]).
pub fn prepare_answers(index: &ProjectIndex, asks_effects: bool) {
    if asks_effects {
        index.prepare_effects();
    }
}

/// Whether answering `questions` needs the effects of in-project functions.
pub fn asks_effects(questions: &[Question]) -> bool {
    questions
        .iter()
        .any(crate::rules::async_::effect_events::asks_effects)
}

/// Before the walk: which shared analyses run for this file.
pub(crate) fn start(cx: &Context, st: &mut States) {
    st.shared.facts = facts(cx.rules());
}

pub(crate) fn on_stmt<'a>(cx: &mut Context<'a>, st: &mut States<'a>, stmt: &'a Stmt) {
    if st.shared.facts.contains(Facts::LOCK_EVENTS) {
        threads::lock_events::on_stmt(cx, &mut st.shared.lock_events, stmt);
    }
    if st.shared.facts.contains(Facts::SHARED_WRITES) {
        threads::thread_events::on_stmt(cx, &mut st.shared.lock_events, stmt);
    }
    macro_rules! by_kind {
        ($($kind:ident $bit:ident,)*) => {
            match stmt {
                $(Stmt::$kind(_) => Rules::on_stmt::<{ kinds::stmt::$bit }>(cx, st, stmt),)*
            }
        };
    }
    kinds::for_each_stmt_kind!(by_kind);
}

/// After the walk has left `stmt` (its body included).
pub(crate) fn after_stmt<'a>(cx: &mut Context<'a>, st: &mut States<'a>, stmt: &'a Stmt) {
    macro_rules! by_kind {
        ($($kind:ident $bit:ident,)*) => {
            match stmt {
                $(Stmt::$kind(_) => Rules::after_stmt::<{ kinds::stmt::$bit }>(cx, st, stmt),)*
            }
        };
    }
    kinds::for_each_stmt_kind!(by_kind);
    if st.shared.facts.contains(Facts::LOCK_EVENTS) {
        threads::lock_events::after_stmt(&mut st.shared.lock_events, stmt);
    }
}

pub(crate) fn on_await_point<'a>(cx: &mut Context<'a>, st: &mut States<'a>, range: TextRange) {
    Rules::on_await_point(cx, st, range);
}

pub(crate) fn on_call<'a>(cx: &mut Context<'a>, st: &mut States<'a>, call: &'a ast::ExprCall) {
    if st.shared.facts.contains(Facts::RESOURCES) {
        resources::note_opener_call(cx, &mut st.shared.resources, call);
    }
    let mut callee = cx.callee(&call.func);
    Rules::on_call(cx, st, call, &mut callee);
    if st.shared.facts.contains(Facts::SHARED_WRITES) {
        threads::thread_events::on_call(cx, &mut st.shared.lock_events, call, &mut callee);
    }
    if st.shared.facts.contains(Facts::LOCK_EVENTS) {
        let effects = st.shared.facts.contains(Facts::EFFECTS);
        threads::lock_events::on_call(cx, &mut st.shared.lock_events, call, &mut callee, effects);
    }
    if st.shared.facts.contains(Facts::EFFECTS) {
        crate::rules::async_::effect_events::on_call(
            cx,
            &mut st.shared.lock_events,
            call,
            &mut callee,
        );
    }
}

/// Every expression, before its children.
pub(crate) fn on_expr<'a>(cx: &mut Context<'a>, st: &mut States<'a>, expr: &'a Expr) {
    if st.shared.facts.contains(Facts::LOCK_EVENTS)
        && let Expr::Await(await_expr) = expr
    {
        threads::lock_events::on_await(&mut st.shared.lock_events, await_expr);
    }
    macro_rules! by_kind {
        ($($kind:ident $bit:ident,)*) => {
            match expr {
                $(Expr::$kind(_) => Rules::on_expr::<{ kinds::expr::$bit }>(cx, st, expr),)*
            }
        };
    }
    kinds::for_each_expr_kind!(by_kind);
}

/// A comprehension's `for … in <iter>`, from the scope `iter` is evaluated in.
pub(crate) fn on_comprehension_iter<'a>(
    cx: &mut Context<'a>,
    st: &mut States<'a>,
    generator: &'a ast::Comprehension,
) {
    Rules::on_comprehension_iter(cx, st, generator);
}

pub(crate) fn on_lambda<'a>(
    cx: &mut Context<'a>,
    st: &mut States<'a>,
    lambda: &'a ast::ExprLambda,
) {
    Rules::on_lambda(cx, st, lambda);
}

/// After a function's body is walked, with its scope current and complete.
pub(crate) fn on_function_end<'a>(
    cx: &mut Context<'a>,
    st: &mut States<'a>,
    def: &'a ast::StmtFunctionDef,
) {
    if st.shared.facts.contains(Facts::RESOURCES) {
        resources::check_unmanaged(cx, &mut st.shared.resources, &def.body, true);
    }
    Rules::on_function_end(cx, st, def);
}

/// After every function of the file is walked, with the module scope current.
pub(crate) fn on_module_end<'a>(cx: &mut Context<'a>, st: &mut States<'a>, suite: &'a [Stmt]) {
    if st.shared.facts.contains(Facts::RESOURCES) {
        resources::check_unmanaged(cx, &mut st.shared.resources, suite, false);
    }
    Rules::on_module_end(cx, st, suite);
}

/// After every scope of the file is complete; each rule starts at the module
/// scope.
pub(crate) fn on_file_end<'a>(cx: &mut Context<'a>, st: &mut States<'a>) {
    Rules::on_file_end(cx, st);
    cx.semantic.set_current_scope(MODULE_SCOPE);
}

/// The file's lock events for its summary (empty unless a rule that reads
/// them is on).
pub(crate) fn take_lock_events(cx: &Context, st: &mut States) -> LockEvents {
    if !st.shared.facts.contains(Facts::LOCK_EVENTS) {
        return Default::default();
    }
    if st.shared.facts.contains(Facts::EFFECTS) {
        crate::rules::async_::effect_events::mark_opaque(cx, &mut st.shared.lock_events);
    }
    std::mem::take(&mut st.shared.lock_events).finish(readers(cx.rules(), Facts::LOCK_GRAPH))
}
