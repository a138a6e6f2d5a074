//! The rule registry: one table of every rule (code, name, default, fix,
//! doc), the rule sets selection produces, and the dispatch from the one walk
//! to each rule's check.

pub mod async_;
pub mod classes;
pub mod decorators;
pub mod dispatch;
pub mod iterators;
pub mod memory;
pub mod resources;
pub mod syntax;
pub mod threads;

use serde::{Deserialize, Serialize};

/// Whether a rule can fix what it finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixAvailability {
    None,
    Safe,
    /// Every fix changes behaviour in some way (`--unsafe-fixes`).
    Unsafe,
    /// Safe for some findings, unsafe for others.
    Sometimes,
}

/// Everything the registry knows about one rule.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub default_on: bool,
    pub fix: FixAvailability,
    /// One line, for `pitfalls rules` and SARIF.
    pub summary: &'static str,
    /// The user doc, `rules/<CODE>.md`.
    pub doc: &'static str,
}

macro_rules! registry {
    ($($variant:ident => $family:ident :: $module:ident),* $(,)?) => {
        /// Every rule, in code order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Rule {
            $($variant),*
        }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            pub fn meta(self) -> &'static RuleMeta {
                match self {
                    $(Rule::$variant => &$family::$module::META),*
                }
            }
        }
    };
}

registry! {
    SyntaxError => syntax::syntax_error,
    UnusedNoqa => syntax::unused_noqa,
    UnawaitedCoroutine => async_::unawaited_coroutine,
    BlockingSleepInAsync => async_::blocking_sleep_in_async,
    BlockingNetworkInAsync => async_::blocking_network_in_async,
    BlockingProcessInAsync => async_::blocking_process_in_async,
    BlockingFileIoInAsync => async_::blocking_file_io_in_async,
    BlockingInputInAsync => async_::blocking_input_in_async,
    BlockingCallInAsync => async_::blocking_call_in_async,
    ThreadLockHeldAcrossAwait => async_::thread_lock_held_across_await,
    DanglingTask => async_::dangling_task,
    SwallowedCancellation => async_::swallowed_cancellation,
    NestedEventLoop => async_::nested_event_loop,
    WrongWithForLock => async_::wrong_with_for_lock,
    BlockingCallViaHelper => async_::blocking_call_via_helper,
    LockOrderInversion => threads::lock_order_inversion,
    LockReacquired => threads::lock_reacquired,
    AcquireWithoutRelease => threads::acquire_without_release,
    UnsynchronizedSharedMutation => threads::unsynchronized_shared_mutation,
    ProcessWithoutMainGuard => threads::process_without_main_guard,
    UnpicklableProcessTarget => threads::unpicklable_process_target,
    MissingFunctoolsWraps => decorators::missing_functools_wraps,
    WrapperDiscardsResult => decorators::wrapper_discards_result,
    SyncWrapperOnCoroutine => decorators::sync_wrapper_on_coroutine,
    DecoratorFactoryNotCalled => decorators::decorator_factory_not_called,
    OpenWithoutWith => resources::open_without_with,
    ResourceWithoutWith => resources::resource_without_with,
    ContextmanagerUnprotectedYield => resources::contextmanager_unprotected_yield,
    ContextmanagerMultipleYields => resources::contextmanager_multiple_yields,
    ExitSwallowsExceptions => resources::exit_swallows_exceptions,
    BadContextManagerProtocol => resources::bad_context_manager_protocol,
    ListComprehensionInCall => iterators::list_comprehension_in_call,
    ReadlinesInLoop => iterators::readlines_in_loop,
    ExhaustedIteratorReuse => iterators::exhausted_iterator_reuse,
    UnnecessaryMaterialization => iterators::unnecessary_materialization,
    ListComprehensionInReducer => iterators::list_comprehension_in_reducer,
    CacheOnMethod => memory::cache_on_method,
    MutableDefaultArgument => memory::mutable_default_argument,
    UnboundedModuleCache => memory::unbounded_module_cache,
    FinalizerDefined => memory::finalizer_defined,
    MetaclassForRegistration => classes::metaclass_for_registration,
    MetaclassNewWithoutReturn => classes::metaclass_new_without_return,
}

impl Rule {
    pub fn code(self) -> &'static str {
        self.meta().code
    }

    pub fn name(self) -> &'static str {
        self.meta().name
    }

    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(code))
    }

    /// By code or by kebab-case name, any case.
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(name) || r.name().eq_ignore_ascii_case(name))
    }
}

/// A set of rules, as a bit set (the hot path asks `contains` per node).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RuleSet(u128);

impl RuleSet {
    pub fn insert(&mut self, rule: Rule) {
        self.0 |= 1 << rule as u32;
    }

    pub fn remove(&mut self, rule: Rule) {
        self.0 &= !(1 << rule as u32);
    }

    #[inline]
    pub fn contains(self, rule: Rule) -> bool {
        self.0 & (1 << rule as u32) != 0
    }

    pub fn iter(self) -> impl Iterator<Item = Rule> {
        Rule::ALL.iter().copied().filter(move |r| self.contains(*r))
    }
}

impl FromIterator<Rule> for RuleSet {
    fn from_iter<T: IntoIterator<Item = Rule>>(iter: T) -> Self {
        let mut set = RuleSet::default();
        for rule in iter {
            set.insert(rule);
        }
        set
    }
}

/// Facts rules gather during the walk and judge at the end of the file.
#[derive(Default)]
pub struct RuleState<'a> {
    /// Scopes whose own body calls something named like a resource opener
    /// (PF400/PF401 scan only those).
    pub opener_scopes: rustc_hash::FxHashSet<crate::semantic::model::ScopeId>,
    pub dangling_tasks: Vec<async_::dangling_task::Candidate<'a>>,
    pub unawaited: Vec<async_::unawaited_coroutine::Candidate<'a>>,
    pub module_containers: memory::unbounded_module_cache::ModuleContainers,
    pub discarded_results: decorators::wrapper_discards_result::State,
    /// Threading locks held by the `with` statements the walk is inside of.
    pub held_locks: Vec<async_::thread_lock_held_across_await::HeldLock>,
    /// Per function, the lock events of PF200/PF201/PF203.
    pub lock_events: threads::lock_events::LockEventsBuilder,
    /// The `if __name__ == "__main__":` statements the walk is inside of.
    pub main_guards: Vec<ruff_text_size::TextSize>,
    /// Functions calling `.acquire()` on a known lock (PF202).
    pub acquiring_functions: Vec<crate::semantic::model::ScopeId>,
    /// `(function, lock id, handed to a thread)` for each `.release()` on a
    /// known lock and each lock handed to a thread (PF202: a lock used as a
    /// signal).
    pub lock_signals: Vec<(Option<crate::semantic::model::ScopeId>, String, bool)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_consistent() {
        assert!(Rule::ALL.len() < 128);
        for (i, rule) in Rule::ALL.iter().enumerate() {
            assert_eq!(*rule as usize, i);
            let meta = rule.meta();
            assert!(
                meta.code.starts_with("PF") && meta.code.len() == 5,
                "{}",
                meta.code
            );
            assert!(
                meta.doc
                    .starts_with(&format!("# {} {}", meta.code, meta.name)),
                "{} doc heading",
                meta.code
            );
            assert_eq!(Rule::from_name(meta.name), Some(*rule));
            assert_eq!(Rule::from_code(&meta.code.to_lowercase()), Some(*rule));
        }
        let codes: Vec<_> = Rule::ALL.iter().map(|r| r.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted, "codes are unique and in order");
    }
}
