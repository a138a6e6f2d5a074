//! PF2: threads, locks and processes.

mod acquire_scan;
pub mod acquire_without_release;
pub mod lock_builder;
pub mod lock_events;
mod lock_naming;
pub mod lock_order_inversion;
pub mod lock_reacquired;
pub mod process_without_main_guard;
pub mod same_class_locks_nested;
pub mod thread_events;
pub mod unpicklable_process_target;
pub mod unsynchronized_shared_mutation;

use crate::finding::Finding;
use crate::registry::Rule;
use crate::semantic::lock_graph;

/// The module of the file `site` is in, if `rule` is enabled there (a
/// project-wide lock finding is reported only where its rule is on).
pub(crate) fn module_reporting<'g>(
    graph: &'g lock_graph::LockGraph,
    site: &lock_graph::Site,
    rule: Rule,
) -> Option<&'g str> {
    let file = graph.function(site.function).file;
    file.lock_events
        .rules
        .contains(&rule)
        .then_some(file.module.as_str())
}

pub(crate) fn finding(rule: Rule, site: &lock_graph::Site, message: String) -> Finding {
    Finding {
        rule,
        message,
        span: site.span,
        noqa_row: site.noqa_row,
        fix: None,
        labels: Vec::new(),
    }
}
