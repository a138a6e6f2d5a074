//! The rules, one file each, in families by code (PF1 asyncio, PF2 threads,
//! ...). Their identity and metadata are in [`crate::registry`].

pub mod async_;
pub mod classes;
pub mod decorators;
pub mod iterators;
pub mod memory;
pub mod resources;
pub mod syntax;
pub mod threads;
