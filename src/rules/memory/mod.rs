//! PF6: memory and garbage collection.

pub mod cache_on_method;
pub mod mutable_default_argument;
