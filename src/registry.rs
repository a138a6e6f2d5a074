//! The rule registry: every rule's identity and metadata (code, name,
//! default, fix, one-line summary, user doc), the rule sets selection
//! produces. A leaf: it imports no rule, so everything below the rules
//! (findings, noqa, settings, the index) can name a rule.
//!
//! Adding a rule is one entry here (see CONTRIBUTING.md); its check lives in
//! `src/rules/<family>/<name>.rs` and its doc in `rules/<CODE>.md`.

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

macro_rules! default_on {
    (on) => {
        true
    };
    (off) => {
        false
    };
}

macro_rules! declare_registry {
    ($($code:ident $variant:ident $name:literal, $default:ident, fix $fix:ident,
        $family:ident::$module:ident, $summary:literal;)*) => {
        /// Every rule, in code order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Rule {
            $($variant),*
        }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            pub fn meta(self) -> &'static RuleMeta {
                const TABLE: &[RuleMeta] = &[$(RuleMeta {
                    code: stringify!($code),
                    name: $name,
                    default_on: default_on!($default),
                    fix: FixAvailability::$fix,
                    summary: $summary,
                    doc: include_str!(concat!("../rules/", stringify!($code), ".md")),
                }),*];
                &TABLE[self as usize]
            }
        }
    };
}

/// The registry: one entry per rule, in code order. Each gives the code, the
/// variant (also the name of the type implementing [`crate::context::Check`]
/// in the rule's file), the kebab-case name, on or off by default, whether it
/// fixes, the rule's module under `src/rules/`, and its one-line summary.
///
/// `for_each_rule!(m)` calls the macro `m` with the whole table: this module
/// makes [`Rule`] and its metadata from it, the checker makes its dispatch.
/// The module paths are tokens here, not imports.
macro_rules! for_each_rule {
    ($then:ident) => {
        $then! {
            PF001 SyntaxError "syntax-error", on, fix None, syntax::syntax_error,
                "the file does not parse";
            PF002 UnusedNoqa "unused-noqa", off, fix None, syntax::unused_noqa,
                "a `# noqa: PFxxx` code that suppresses nothing";
            PF100 UnawaitedCoroutine "unawaited-coroutine", on, fix None, async_::unawaited_coroutine,
                "a coroutine function called without `await`";
            PF101 BlockingSleepInAsync "blocking-sleep-in-async", on, fix None, async_::blocking_sleep_in_async,
                "`time.sleep` called inside an async function";
            PF102 BlockingNetworkInAsync "blocking-network-in-async", on, fix None, async_::blocking_network_in_async,
                "a synchronous network call inside an async function";
            PF103 BlockingProcessInAsync "blocking-process-in-async", on, fix None, async_::blocking_process_in_async,
                "a blocking subprocess or `os` process call inside an async function";
            PF104 BlockingFileIoInAsync "blocking-file-io-in-async", on, fix None, async_::blocking_file_io_in_async,
                "blocking file I/O inside an async function";
            PF105 BlockingInputInAsync "blocking-input-in-async", on, fix None, async_::blocking_input_in_async,
                "`input()` called inside an async function";
            PF106 BlockingCallInAsync "blocking-call-in-async", on, fix None, async_::blocking_call_in_async,
                "a call listed in `blocking-calls` inside an async function";
            PF107 ThreadLockHeldAcrossAwait "thread-lock-held-across-await", on, fix None, async_::thread_lock_held_across_await,
                "a `threading` lock held across an `await` inside an async function";
            PF108 DanglingTask "dangling-task", on, fix None, async_::dangling_task,
                "an asyncio task created and not kept";
            PF109 SwallowedCancellation "swallowed-cancellation", on, fix None, async_::swallowed_cancellation,
                "`asyncio.CancelledError` caught and not re-raised inside an async function";
            PF110 NestedEventLoop "nested-event-loop", on, fix None, async_::nested_event_loop,
                "`asyncio.run`/`run_until_complete` called inside an async function";
            PF111 WrongWithForLock "wrong-with-for-lock", on, fix None, async_::wrong_with_for_lock,
                "`with` on an asyncio lock, or `async with` on a threading lock";
            PF112 BlockingCallViaHelper "blocking-call-via-helper", on, fix None, async_::blocking_call_via_helper,
                "an in-project sync helper that blocks, called inside an async function";
            PF200 LockOrderInversion "lock-order-inversion", on, fix None, threads::lock_order_inversion,
                "two code paths acquire the same locks in opposite orders (potential deadlock)";
            PF201 LockReacquired "lock-reacquired", on, fix None, threads::lock_reacquired,
                "a non-reentrant lock acquired again while the same path holds it";
            PF202 AcquireWithoutRelease "acquire-without-release", on, fix None, threads::acquire_without_release,
                "`lock.acquire()` not followed by `try`/`finally: lock.release()`";
            PF203 UnsynchronizedSharedMutation "unsynchronized-shared-mutation", on, fix None, threads::unsynchronized_shared_mutation,
                "a thread does a read-modify-write of shared state with no lock held";
            PF204 ProcessWithoutMainGuard "process-without-main-guard", on, fix None, threads::process_without_main_guard,
                "a process or process pool created at module level without a `__main__` guard";
            PF205 UnpicklableProcessTarget "unpicklable-process-target", on, fix None, threads::unpicklable_process_target,
                "a lambda or nested function passed to a process or process pool";
            PF206 SameClassLocksNested "same-class-locks-nested", on, fix None, threads::same_class_locks_nested,
                "the lock of one object taken while another object of the class holds its own";
            PF300 MissingFunctoolsWraps "missing-functools-wraps", on, fix Safe, decorators::missing_functools_wraps,
                "a decorator's wrapper is not decorated with `functools.wraps`";
            PF301 WrapperDiscardsResult "wrapper-discards-result", on, fix None, decorators::wrapper_discards_result,
                "a decorator's wrapper drops the wrapped function's result";
            PF302 SyncWrapperOnCoroutine "sync-wrapper-on-coroutine", on, fix None, decorators::sync_wrapper_on_coroutine,
                "a decorator with a sync wrapper applied to an `async def`";
            PF303 DecoratorFactoryNotCalled "decorator-factory-not-called", on, fix None, decorators::decorator_factory_not_called,
                "a decorator factory used as `@factory` without parentheses";
            PF400 OpenWithoutWith "open-without-with", on, fix None, resources::open_without_with,
                "a file opened outside a `with` block and not reliably closed";
            PF401 ResourceWithoutWith "resource-without-with", on, fix None, resources::resource_without_with,
                "a socket, process, archive or pool created outside a `with` block and not reliably released";
            PF402 ContextmanagerUnprotectedYield "contextmanager-unprotected-yield", on, fix None, resources::contextmanager_unprotected_yield,
                "a `@contextmanager` yield not protected by `try`/`finally`, so teardown is skipped on error";
            PF403 ContextmanagerMultipleYields "contextmanager-multiple-yields", on, fix None, resources::contextmanager_multiple_yields,
                "a `@contextmanager` generator that can yield more than once";
            PF404 ExitSwallowsExceptions "exit-swallows-exceptions", on, fix None, resources::exit_swallows_exceptions,
                "`__exit__` returns a truthy constant without testing the exception, silencing every error";
            PF405 BadContextManagerProtocol "bad-context-manager-protocol", on, fix None, resources::bad_context_manager_protocol,
                "`__enter__`/`__exit__`/`__aenter__`/`__aexit__` with a signature or kind `with` cannot use";
            PF500 ListComprehensionInCall "list-comprehension-in-call", on, fix Unsafe, iterators::list_comprehension_in_call,
                "a list comprehension passed to `any`/`all`, which can no longer stop early";
            PF501 ReadlinesInLoop "readlines-in-loop", on, fix Safe, iterators::readlines_in_loop,
                "a loop over `f.readlines()` or `f.read().splitlines()` of a file";
            PF502 ExhaustedIteratorReuse "exhausted-iterator-reuse", on, fix None, iterators::exhausted_iterator_reuse,
                "an iterator consumed a second time, or given to `len()` or indexed";
            PF503 UnnecessaryMaterialization "unnecessary-materialization", off, fix None, iterators::unnecessary_materialization,
                "a list built only to be iterated once";
            PF504 ListComprehensionInReducer "list-comprehension-in-reducer", off, fix Safe, iterators::list_comprehension_in_reducer,
                "a list comprehension passed to a builtin that consumes it once";
            PF600 CacheOnMethod "cache-on-method", on, fix None, memory::cache_on_method,
                "`functools.lru_cache`/`functools.cache` on an instance method";
            PF601 MutableDefaultArgument "mutable-default-argument", on, fix None, memory::mutable_default_argument,
                "a mutable parameter default shared by every call";
            PF602 UnboundedModuleCache "unbounded-module-cache", off, fix None, memory::unbounded_module_cache,
                "a module-level container that only ever grows";
            PF603 FinalizerDefined "finalizer-defined", off, fix None, memory::finalizer_defined,
                "a class defines `__del__`";
            PF700 MetaclassForRegistration "metaclass-for-registration", on, fix None, classes::metaclass_for_registration,
                "a metaclass that only registers the classes it creates";
            PF701 MetaclassNewWithoutReturn "metaclass-new-without-return", on, fix None, classes::metaclass_new_without_return,
                "a metaclass `__new__` that can return `None`";
        }
    };
}
pub(crate) use for_each_rule;

for_each_rule!(declare_registry);

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
