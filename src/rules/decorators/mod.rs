//! PF3: decorators.

pub mod missing_functools_wraps;
