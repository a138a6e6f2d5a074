//! What an expression does with the value it computes: where an opening
//! call's resource goes (bound, kept, consumed), which names escape.

use super::names::{
    CLEANUP_METHODS, HANDOFF_METHODS, SOCK_OWNERS, STORE_METHODS, TRANSPORT_METHODS,
    takes_ownership,
};
use super::uses::Use;
use super::{Candidate, Scan, Unmanaged};
use crate::ast::helpers::any_over_expr;
use crate::ast::visitor::Visitor;
use crate::ast::{self, Expr};
use ruff_text_size::Ranged;

impl<'a, K: Copy> Scan<'a, '_, K> {
    pub(super) fn visit_as(&mut self, expr: &'a Expr, use_: Use) {
        self.use_ = use_;
        self.visit_expr(expr);
    }

    pub(super) fn bound(&mut self, names: Vec<&'a str>) -> Use {
        self.targets.push(names);
        Use::Bound(self.targets.len() - 1)
    }

    pub(super) fn assign(&mut self, targets: &'a [Expr], value: &'a Expr) {
        // `a, b = open(x), open(y)`: element by element.
        if let [Expr::Tuple(ast::ExprTuple { elts: names, .. })] = targets
            && let Expr::Tuple(ast::ExprTuple { elts: values, .. }) = value
            && names.len() == values.len()
        {
            for (name, value) in names.iter().zip(values) {
                self.assign(std::slice::from_ref(name), value);
            }
            return;
        }
        let mut names = Vec::new();
        let mut kept = false;
        for target in targets {
            match target {
                Expr::Name(name) => {
                    names.push(name.id.as_str());
                    if let Some(statement) = self.statement {
                        self.last_binding
                            .insert(name.id.as_str(), statement.start());
                    }
                }
                // Stored on an attribute or in a subscript, or unpacked: kept.
                _ => kept = true,
            }
        }
        let use_ = if kept { Use::Kept } else { self.bound(names) };
        self.visit_as(value, use_);
        for target in targets {
            if let Expr::Name(name) = target
                && !any_over_expr(value, |e| matches!(e, Expr::Name(n) if n.id == name.id))
            {
                self.rebound(name.id.as_str());
            }
        }
    }

    pub(super) fn opened_call(&mut self, call: &'a ast::ExprCall, kind: K, use_: Use) {
        let Some(statement) = self.statement else {
            return;
        };
        match use_ {
            Use::Consumed => self.found.push(Unmanaged {
                kind,
                call: call.range(),
                statement,
                bound_to: None,
            }),
            Use::Bound(names) => {
                self.candidates.push(Candidate {
                    kind,
                    call: call.range(),
                    statement,
                    names,
                    bodies: self.bodies.clone(),
                    id: self.created,
                });
                self.created += 1;
            }
            Use::Discarded | Use::Kept => {}
        }
    }

    pub(super) fn call(&mut self, call: &'a ast::ExprCall, use_: Use) {
        let ast::ExprCall {
            func, arguments, ..
        } = call;
        let in_comprehension = self.comprehension_depth > 0;
        if let Some(kind) = (self.opened)(call, in_comprehension) {
            self.opened_call(call, kind, use_);
            match &**func {
                // `ZipFile(p).open(name)`, `TarFile(p).open()`: one resource,
                // reported (or managed) as the outer call.
                Expr::Attribute(attr)
                    if matches!(&*attr.value, Expr::Call(inner)
                        if (self.opened)(inner, in_comprehension).is_some()) =>
                {
                    self.visit_as(&attr.value, Use::Kept);
                }
                _ => self.visit_as(func, Use::Consumed),
            }
            self.arguments(arguments, Use::Consumed);
            return;
        }
        let args_use = match &**func {
            Expr::Attribute(attr) if CLEANUP_METHODS.contains(&attr.attr.as_str()) => {
                match &*attr.value {
                    // `open(p).close()`, `Popen(cmd).wait()`.
                    Expr::Call(_) => self.visit_as(&attr.value, Use::Kept),
                    // `f.close()` in a `finally` or a handler.
                    Expr::Name(name) if self.cleanup_depth > 0 => {
                        self.escaped.insert(name.id.as_str());
                    }
                    _ => self.visit_as(&attr.value, Use::Consumed),
                }
                Use::Consumed
            }
            Expr::Attribute(attr)
                if HANDOFF_METHODS.contains(&attr.attr.as_str())
                    || STORE_METHODS.contains(&attr.attr.as_str()) =>
            {
                self.visit_as(&attr.value, Use::Consumed);
                Use::Kept
            }
            // `contextlib.closing(f)` and the like are matched by name: any
            // function of that name is taken to manage its argument.
            Expr::Name(name) if matches!(name.id.as_str(), "closing" | "aclosing") => Use::Kept,
            Expr::Attribute(attr) if matches!(attr.attr.as_str(), "closing" | "aclosing") => {
                Use::Kept
            }
            // `loop.connect_write_pipe(Protocol, pipe)`: the transport
            // closes the pipe.
            Expr::Attribute(attr) if TRANSPORT_METHODS.contains(&attr.attr.as_str()) => {
                self.visit_as(func, Use::Consumed);
                Use::Kept
            }
            // `loop.create_connection(factory, sock=sock)`: the transport
            // owns the socket; the other arguments are used as usual.
            Expr::Attribute(attr)
                if SOCK_OWNERS.contains(&attr.attr.as_str())
                    && arguments.find_keyword("sock").is_some() =>
            {
                self.visit_as(func, Use::Consumed);
                for keyword in &arguments.keywords {
                    let use_ = if keyword.arg.as_ref().is_some_and(|a| a.as_str() == "sock") {
                        Use::Kept
                    } else {
                        Use::Consumed
                    };
                    self.visit_as(&keyword.value, use_);
                }
                for arg in &arguments.args {
                    self.visit_as(arg, Use::Consumed);
                }
                return;
            }
            _ => {
                self.visit_as(func, Use::Consumed);
                // In cleanup code, handing the name to any call counts as
                // closing it (`finally: safe_close(f)`); a constructor or a
                // method of `self` usually keeps what it is given
                // (`FileResponse(f)`, `self.set_socket(sock)`).
                // A returned or stored call keeps its arguments
                // (`return wrap(open(p))`); a bound one is read as a
                // consumer (`data = json.load(f)`), unless it takes ownership.
                if self.cleanup_depth > 0 || takes_ownership(func) || use_ == Use::Kept {
                    Use::Kept
                } else {
                    Use::Consumed
                }
            }
        };
        self.arguments(arguments, args_use);
    }
}
