//! PF6: memory and garbage collection.

pub mod cache_on_method;
mod container_uses;
pub mod finalizer_defined;
pub mod mutable_default_argument;
pub mod unbounded_module_cache;
