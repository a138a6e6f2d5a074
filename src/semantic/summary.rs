//! Building a file's summary for the project index from the finished
//! semantic model (module-level functions, classes, imports, locks).

use ruff_text_size::{Ranged, TextSize};
use rustc_hash::FxHashMap;

use crate::ast::{self, Expr};
use crate::semantic::decorators::{
    FactoryUse, checks_coroutine, factory_use, returned_decorator, returned_wrapper,
    wrapped_call_use,
};
use crate::semantic::index::{ClassInfo, DecoratorInfo, FileSummary, FunctionInfo};
use crate::semantic::locks::file_locks;
use crate::semantic::model::{MODULE_SCOPE, ScopeId};
use crate::semantic::name::Name;
use crate::semantic::values;
use crate::semantic::{BindingKind, ScopeKind, SemanticModel};
use crate::source::Locator;
use thin_vec::ThinVec;

pub fn build_summary(
    semantic: &SemanticModel,
    def_scopes: &FxHashMap<TextSize, ScopeId>,
    locator: &Locator,
) -> FileSummary {
    let mut summary = FileSummary {
        module: semantic.module.name.clone(),
        is_package: semantic.module.is_package,
        ..Default::default()
    };
    let function_info = |def: &ast::StmtFunctionDef| {
        let scope = def_scopes.get(&def.range().start()).copied();
        let is_generator = scope.is_some_and(|s| semantic.scope(s).is_generator);
        FunctionInfo {
            name: def.name.as_str().into(),
            line: locator.row(def.name.start()),
            is_async: def.is_async,
            is_generator,
            decorators: def
                .decorator_list
                .iter()
                .map(|d| decorator_name(semantic, &d.expression).map(Name::from))
                .collect(),
            returns: values::function_returns(semantic, def, scope, is_generator).map(Box::new),
        }
    };
    let module = semantic.scope(MODULE_SCOPE);
    for &id in &module.bindings {
        let binding = semantic.binding(id);
        match binding.kind {
            BindingKind::FunctionDef(def) => {
                summary.functions.push(function_info(def));
                if let Some(info) = decorator_info(def) {
                    summary.decorators.push(info);
                }
            }
            BindingKind::ClassDef(class) => {
                let mut methods = ThinVec::new();
                let mut attrs = ThinVec::new();
                if let Some(&scope) = def_scopes.get(&class.range().start()) {
                    for &m in &semantic.scope(scope).bindings {
                        if let BindingKind::FunctionDef(def) = semantic.binding(m).kind {
                            methods.push(function_info(def));
                        }
                    }
                    attrs = values::class_attributes(semantic, class, scope, def_scopes);
                }
                summary.classes.push(ClassInfo {
                    name: class.name.as_str().into(),
                    line: locator.row(class.name.start()),
                    bases: class
                        .bases()
                        .iter()
                        .map(|b| {
                            semantic
                                .resolve_qualified_name(b)
                                .map(|n| n.as_str().into())
                        })
                        .collect(),
                    methods,
                    attrs,
                });
            }
            BindingKind::Import => {
                if let Some(target) = semantic.resolve_name(binding.name) {
                    summary
                        .imports
                        .push((binding.name.into(), target.as_str().into()));
                }
            }
            _ => {}
        }
    }
    summary.locks = file_locks(semantic, locator);
    summary.values = values::module_values(semantic);
    (summary.applied_decorators, summary.applied_names) = applied_decorators(semantic);
    summary
}

/// What the file applies as a decorator: `@deco`/`@deco(...)` on any `def`
/// or `class`, and `x = deco(y)` at module or class level. Resolved
/// qualified names, and the names as written (last dotted segment).
fn applied_decorators(semantic: &SemanticModel) -> (Vec<String>, Vec<String>) {
    let mut resolved = Vec::new();
    let mut written = Vec::new();
    let mut record = |scope: ScopeId, expr: &Expr, called: bool| {
        let call = if called { "()" } else { "" };
        if let Some(name) = semantic.resolve_qualified_name_in(scope, expr) {
            resolved.push(format!("{name}{call}"));
        }
        let last = match expr {
            Expr::Name(n) => n.id.as_str(),
            Expr::Attribute(a) => a.attr.as_str(),
            _ => return,
        };
        written.push(format!("{last}{call}"));
    };
    for (scope_id, scope) in semantic.scopes() {
        let top = scope_id == MODULE_SCOPE || matches!(scope.kind, ScopeKind::Class(_));
        for &id in &scope.bindings {
            let binding = semantic.binding(id);
            let decorators = match binding.kind {
                BindingKind::FunctionDef(def) => &def.decorator_list,
                BindingKind::ClassDef(class) => &class.decorator_list,
                BindingKind::Assignment(Some(Expr::Call(call))) if top => {
                    if matches!(call.arguments.args.first(), Some(Expr::Name(_))) {
                        record(binding.scope, &call.func, false);
                    }
                    continue;
                }
                _ => continue,
            };
            for decorator in decorators {
                match &decorator.expression {
                    Expr::Call(call) => record(binding.scope, &call.func, true),
                    other => record(binding.scope, other, false),
                }
            }
        }
    }
    for list in [&mut resolved, &mut written] {
        list.sort_unstable();
        list.dedup();
    }
    (resolved, written)
}

/// The shape of a module-level decorator or decorator factory.
fn decorator_info(def: &ast::StmtFunctionDef) -> Option<DecoratorInfo> {
    let (wrapper, factory) = match returned_wrapper(def, false, false) {
        Some(wrapper) => (wrapper, None),
        None => {
            let (inner, wrapper) = returned_decorator(def)?;
            (wrapper, Some(factory_use(def, inner.name.as_str())))
        }
    };
    let call_use = wrapped_call_use(&wrapper);
    Some(DecoratorInfo {
        name: def.name.to_string(),
        wrapper_is_async: wrapper.def.is_async,
        is_factory: factory.is_some(),
        plain_factory: factory == Some(FactoryUse::Plain),
        dual_use: factory == Some(FactoryUse::DualUse),
        checks_coroutine: checks_coroutine(def),
        acts_around_call: call_use.around,
        hands_on_result: call_use.handed_on,
    })
}

/// `@name` → `mod.name`; `@name(...)` → `mod.name()`; unknown → `None`.
fn decorator_name(semantic: &SemanticModel, expr: &Expr) -> Option<String> {
    match expr {
        Expr::Call(call) => semantic
            .resolve_qualified_name(&call.func)
            .map(|n| format!("{n}()")),
        other => semantic
            .resolve_qualified_name(other)
            .map(|n| n.to_string()),
    }
}
