//! The semantic layer (RULES.md): imports and qualified names, scopes and the
//! function context, module names, and the project index.

pub mod decorators;
pub mod effects;
pub mod facts;
pub mod flow;
pub mod functions;
pub mod generator_flow;
pub mod held_locks;
pub mod index;
pub mod known;
pub mod lock_graph;
pub mod locks;
pub mod model;
pub mod module_name;
pub mod name;
pub mod ownership;
pub mod qualified_name;
pub mod summary;
pub mod typing;
pub mod values;

pub use model::{BindingKind, ScopeKind, SemanticModel};
pub use module_name::ModuleName;
pub use qualified_name::QualifiedName;
