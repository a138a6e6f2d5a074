//! PF206: while holding the per-instance lock of one object, the same lock
//! of another object of the class is acquired (`with a.lock:` … `with
//! b.lock:`, directly or through a call such as `b.deposit(x)`):
//! `transfer(a, b)` and `transfer(b, a)` running at once deadlock. The
//! project's lock graph (`lock_graph`) records these pairs; the receivers
//! are those of the lock events (`LockName::Value`, `Callee::OnValue`).

use crate::context::{Check, Facts, Project, ProjectFinding};
use crate::finding::Label;
use crate::registry::Rule;
use crate::rules::threads::finding;
use crate::semantic::index::ProjectIndex;
use crate::semantic::lock_graph::LockGraph;
use crate::semantic::qualified_name::split_member;

pub struct SameClassLocksNested;

impl<'a> Check<'a> for SameClassLocksNested {
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
    for pair in &graph.same_class {
        let info = &graph.locks[pair.lock as usize];
        // A reentrant lock: the documented exception.
        if info.kind.is_reentrant() {
            continue;
        }
        let site = &pair.site;
        let Some(module) = super::module_reporting(graph, site, Rule::SameClassLocksNested) else {
            continue;
        };
        if out.iter().any(|(m, f)| m == module && f.span == site.span) {
            continue;
        }
        // `Account.lock`: the class and the attribute.
        let name = graph.lock_name(pair.lock, module);
        let name = match name.rsplitn(3, '.').collect::<Vec<_>>()[..] {
            [attr, class, _] => &name[name.len() - attr.len() - class.len() - 1..],
            _ => name,
        };
        let attr = split_member(&info.id).map_or(info.id.as_str(), |(_, a)| a);
        let (held, taken) = (
            format!("{}.{attr}", pair.held),
            format!("{}.{attr}", pair.taken),
        );
        let what = match site.via {
            None => format!("`{taken}` acquired while holding `{held}`"),
            Some((callee, acquisition)) => {
                let by = graph.function(acquisition.by);
                format!(
                    "`{}.{}(...)` acquires `{taken}` ({}) while holding `{held}`",
                    pair.taken,
                    graph.function_name(callee).rsplit('.').next().unwrap_or(""),
                    index.file_line(&by.file.module, acquisition.line)
                )
            }
        };
        let mut finding = finding(
            Rule::SameClassLocksNested,
            site,
            format!(
                "{what} (both `{name}`): two calls with the receivers swapped deadlock; take the two locks in one global order (`sorted` by a key, or `id()`)"
            ),
        );
        finding.labels.push(Label {
            span: site.span,
            message: format!("`{taken}` acquired here while `{held}` is held"),
        });
        out.push((module.to_string(), finding));
    }
    out
}
