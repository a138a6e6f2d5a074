//! PF203: a function started as a thread (or a method it calls through
//! `self.`) does a read-modify-write of shared state with no lock held.
//! The walk records thread starts and unguarded writes (`lock_events`); the
//! project stage follows each thread target and its `self.` calls.

use crate::context::{Check, Facts, Project, ProjectFinding};
use crate::finding::Finding;
use crate::registry::Rule;
use crate::semantic::index::ProjectIndex;
use crate::semantic::lock_graph::{FunctionId, LockGraph};

pub struct UnsynchronizedSharedMutation;

impl<'a> Check<'a> for UnsynchronizedSharedMutation {
    type State = ();
    const FACTS: Facts = Facts::LOCK_EVENTS
        .union(Facts::SHARED_WRITES)
        .union(Facts::LOCK_GRAPH);

    fn project_findings(project: &Project) -> Vec<ProjectFinding> {
        match project.lock_graph() {
            Some(graph) => findings(graph, project.index),
            None => Vec::new(),
        }
    }
}

/// How many `self.` calls deep a thread target is followed.
const DEPTH: usize = 3;

pub(crate) fn findings(graph: &LockGraph, index: &ProjectIndex) -> Vec<ProjectFinding> {
    let mut out: Vec<ProjectFinding> = Vec::new();
    for (target, how, file, line) in &graph.threads {
        let started = format!(
            "`{}` runs in a thread (`{how}` at {})",
            graph.function_name(*target),
            index.file_line(&file.module, *line)
        );
        let mut seen: Vec<FunctionId> = vec![*target];
        let mut frontier = vec![*target];
        for depth in 0..=DEPTH {
            let mut next = Vec::new();
            for &f in &frontier {
                let function = graph.function(f);
                let module = function.file.module.as_str();
                if function
                    .file
                    .lock_events
                    .rules
                    .contains(&Rule::UnsynchronizedSharedMutation)
                {
                    for write in function.locks.shared_writes() {
                        let duplicate = out
                            .iter()
                            .any(|(m, found)| m == module && found.span == write.span);
                        if duplicate {
                            continue;
                        }
                        let through = if f == *target {
                            String::new()
                        } else {
                            ", called from it through `self.`".to_string()
                        };
                        out.push((
                            module.to_string(),
                            Finding {
                                rule: Rule::UnsynchronizedSharedMutation,
                                message: format!(
                                    "read-modify-write of `{}` in `{}` with no lock held; {started}{through}: concurrent updates can be lost",
                                    write.target,
                                    graph.function_name(f),
                                ),
                                span: write.span,
                                noqa_row: write.noqa_row,
                                fix: None,
                                labels: Vec::new(),
                            },
                        ));
                    }
                }
                if depth == DEPTH {
                    continue;
                }
                for &callee in function.file.lock_events.calls(function.locks) {
                    if let Some((g, true)) = graph.callee_of(f, callee)
                        && !seen.contains(&g)
                    {
                        seen.push(g);
                        next.push(g);
                    }
                }
            }
            frontier = next;
        }
    }
    out
}
