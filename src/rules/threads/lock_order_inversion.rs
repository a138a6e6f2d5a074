//! PF200: two paths acquire the same locks in opposite orders (a cycle in
//! the project's lock graph, see `lock_graph`). One finding per edge of each
//! cycle, at the statement creating it, naming the path that closes the
//! cycle.

use rustc_hash::FxHashMap;

use crate::context::{Check, Facts, Project, ProjectFinding};
use crate::finding::Label;
use crate::registry::Rule;
use crate::rules::threads::finding;
use crate::semantic::index::ProjectIndex;
use crate::semantic::lock_graph::{LockGraph, LockId, Site};

pub struct LockOrderInversion;

impl<'a> Check<'a> for LockOrderInversion {
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
    let mut edges: Vec<(LockId, LockId)> = graph.edges.keys().copied().collect();
    edges.sort_unstable();
    let component = components(graph.locks.len(), &edges);
    let in_cycle: Vec<(LockId, LockId)> = edges
        .iter()
        .copied()
        .filter(|&(a, b)| component[a as usize] == component[b as usize])
        .collect();
    let mut out = Vec::new();
    let mut budget = MAX_WORK;
    for &(held, taken) in &in_cycle {
        let Some(back) = path(&in_cycle, taken, held, &mut budget) else {
            if budget == 0 {
                // A generated or hostile lock graph: stop, silently.
                break;
            }
            continue;
        };
        for site in &graph.edges[&(held, taken)] {
            let Some(module) = super::module_reporting(graph, site, Rule::LockOrderInversion)
            else {
                continue;
            };
            let mut message = what(graph, index, site, held, taken, module);
            let others: Vec<(&Site, LockId, LockId)> = back
                .iter()
                .map(|&(a, b)| (&graph.edges[&(a, b)][0], a, b))
                .collect();
            if let [(other, _, _)] = others[..] {
                message.push_str(&format!(
                    "; `{}` ({}) acquires them in the opposite order",
                    graph.function_name(other.function),
                    where_(graph, index, other)
                ));
            } else {
                let steps: Vec<String> = others
                    .iter()
                    .map(|(other, a, b)| {
                        format!(
                            "`{}` ({}) acquires `{}` while holding `{}`",
                            graph.function_name(other.function),
                            where_(graph, index, other),
                            graph.lock_name(*b, module),
                            graph.lock_name(*a, module)
                        )
                    })
                    .collect();
                message.push_str(&format!(
                    "; the cycle closes where {}",
                    steps.join(", and ")
                ));
            }
            message.push_str(": threads taking both paths can deadlock");
            let mut finding = finding(Rule::LockOrderInversion, site, message);
            finding.labels.push(Label {
                span: site.span,
                message: format!(
                    "`{}` acquired while `{}` is held",
                    graph.lock_name(taken, module),
                    graph.lock_name(held, module)
                ),
            });
            for (other, a, b) in &others {
                if graph.function(other.function).file.module == module {
                    finding.labels.push(Label {
                        span: other.span,
                        message: format!(
                            "`{}` acquired while `{}` is held",
                            graph.lock_name(*b, module),
                            graph.lock_name(*a, module)
                        ),
                    });
                }
            }
            out.push((module.to_string(), finding));
        }
    }
    out
}

/// "acquires `B` while holding `A`", or through a call.
fn what(
    graph: &LockGraph,
    index: &ProjectIndex,
    site: &Site,
    held: LockId,
    taken: LockId,
    module: &str,
) -> String {
    let (held, taken) = (
        graph.lock_name(held, module),
        graph.lock_name(taken, module),
    );
    match site.via {
        None => format!("acquires `{taken}` while holding `{held}`"),
        Some((callee, acquisition)) if acquisition.by == callee => {
            format!(
                "calls `{}`, which acquires `{taken}`, while holding `{held}`",
                graph.function_name(callee)
            )
        }
        Some((callee, acquisition)) => {
            let by = graph.function(acquisition.by);
            format!(
                "calls `{}`, which acquires `{taken}` (in `{}`, {}), while holding `{held}`",
                graph.function_name(callee),
                graph.function_name(acquisition.by),
                index.file_line(&by.file.module, acquisition.line)
            )
        }
    }
}

fn where_(graph: &LockGraph, index: &ProjectIndex, site: &Site) -> String {
    let module = &graph.function(site.function).file.module;
    index.file_line(module, site.span.location.row)
}

/// Cycles longer than this many edges are neither searched nor reported.
const MAX_CYCLE: usize = 32;
/// Edges all the searches of a run may look at together: a project's lock
/// graph has tens of edges, a generated one (a chain of 20,000 nested
/// locks) could otherwise take hours.
const MAX_WORK: usize = 10_000_000;

/// The shortest path of edges (sorted) from `from` to `to`, of at most
/// [`MAX_CYCLE`] edges, within what is left of `budget`.
fn path(
    edges: &[(LockId, LockId)],
    from: LockId,
    to: LockId,
    budget: &mut usize,
) -> Option<Vec<(LockId, LockId)>> {
    let mut previous: FxHashMap<LockId, (LockId, LockId)> = FxHashMap::default();
    let mut queue = std::collections::VecDeque::from([(from, 0usize)]);
    while let Some((node, depth)) = queue.pop_front() {
        if node == to {
            let mut out = Vec::new();
            let mut at = to;
            while at != from {
                let edge = previous[&at];
                out.push(edge);
                at = edge.0;
            }
            out.reverse();
            return Some(out);
        }
        if depth == MAX_CYCLE {
            continue;
        }
        let start = edges.partition_point(|(a, _)| *a < node);
        for &(a, b) in edges[start..].iter().take_while(|(a, _)| *a == node) {
            if *budget == 0 {
                return None;
            }
            *budget -= 1;
            if b != from && !previous.contains_key(&b) {
                previous.insert(b, (a, b));
                queue.push_back((b, depth + 1));
            }
        }
    }
    None
}

/// Strongly connected components (Tarjan), as a component number per lock.
fn components(nodes: usize, edges: &[(LockId, LockId)]) -> Vec<usize> {
    struct Tarjan<'e> {
        edges: &'e [(LockId, LockId)],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        component: Vec<usize>,
        components: usize,
    }
    impl Tarjan<'_> {
        fn visit(&mut self, v: usize) {
            self.index[v] = Some(self.next);
            self.low[v] = self.next;
            self.next += 1;
            self.stack.push(v);
            self.on_stack[v] = true;
            let start = self.edges.partition_point(|(a, _)| (*a as usize) < v);
            let successors: Vec<usize> = self.edges[start..]
                .iter()
                .take_while(|(a, _)| *a as usize == v)
                .map(|(_, b)| *b as usize)
                .collect();
            for w in successors {
                match self.index[w] {
                    None => {
                        self.visit(w);
                        self.low[v] = self.low[v].min(self.low[w]);
                    }
                    Some(i) if self.on_stack[w] => self.low[v] = self.low[v].min(i),
                    Some(_) => {}
                }
            }
            if Some(self.low[v]) == self.index[v] {
                while let Some(w) = self.stack.pop() {
                    self.on_stack[w] = false;
                    self.component[w] = self.components;
                    if w == v {
                        break;
                    }
                }
                self.components += 1;
            }
        }
    }
    let mut tarjan = Tarjan {
        edges,
        index: vec![None; nodes],
        low: vec![0; nodes],
        on_stack: vec![false; nodes],
        stack: Vec::new(),
        next: 0,
        component: vec![0; nodes],
        components: 0,
    };
    for v in 0..nodes {
        if tarjan.index[v].is_none() {
            tarjan.visit(v);
        }
    }
    tarjan.component
}
