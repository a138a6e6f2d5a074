//! PF201: a non-reentrant lock acquired again by a path that already holds
//! it: nested `with L:`, or a call made while holding `L` to a function that
//! takes `L` (through `self.` calls, plain and imported functions). The
//! project's lock graph (`lock_graph`) records these re-acquisitions.

use crate::context::{Check, Facts, Project, ProjectFinding};
use crate::finding::Label;
use crate::registry::Rule;
use crate::rules::threads::finding;
use crate::semantic::index::LockKind;
use crate::semantic::index::ProjectIndex;
use crate::semantic::lock_graph::LockGraph;

pub struct LockReacquired;

impl<'a> Check<'a> for LockReacquired {
    type State = ();
    const FACTS: Facts = Facts::LOCK_EVENTS.union(Facts::LOCK_GRAPH);

    fn project_findings(project: &Project) -> Vec<ProjectFinding> {
        match project.lock_graph() {
            Some(graph) => findings(graph, project.index),
            None => Vec::new(),
        }
    }
}

pub(crate) fn findings(graph: &LockGraph, index: &ProjectIndex) -> Vec<ProjectFinding> {
    let mut out: Vec<ProjectFinding> = Vec::new();
    for (lock, site) in &graph.reacquired {
        let info = &graph.locks[*lock as usize];
        if info.kind != LockKind::Lock {
            continue;
        }
        let Some(module) = super::module_reporting(graph, site, Rule::LockReacquired) else {
            continue;
        };
        let duplicate = out.iter().any(|(m, f)| m == module && f.span == site.span);
        if duplicate {
            continue;
        }
        let name = graph.lock_name(*lock, module);
        let kind = if info.asyncio {
            "asyncio.Lock"
        } else {
            "threading.Lock"
        };
        let what = match site.via {
            None => format!("`{name}` is acquired again while this path already holds it"),
            Some((callee, acquisition)) if acquisition.by == callee => {
                let by = graph.function(acquisition.by);
                format!(
                    "calls `{}`, which acquires `{name}` ({}), while already holding it",
                    graph.function_name(callee),
                    index.file_line(&by.file.module, acquisition.line)
                )
            }
            Some((callee, acquisition)) => {
                let by = graph.function(acquisition.by);
                format!(
                    "calls `{}`, which acquires `{name}` (`{}`, {}), while already holding it",
                    graph.function_name(callee),
                    graph.function_name(acquisition.by),
                    index.file_line(&by.file.module, acquisition.line)
                )
            }
        };
        let mut finding = finding(
            Rule::LockReacquired,
            site,
            format!(
                "{what}: `{kind}` is not reentrant, so this deadlocks on itself (use an `RLock`, or a helper that expects the lock held)"
            ),
        );
        finding.labels.push(Label {
            span: site.span,
            message: format!("`{name}` is already held here"),
        });
        out.push((module.to_string(), finding));
    }
    out
}
