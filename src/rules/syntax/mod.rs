//! PF0: the file itself.

pub mod syntax_error;
pub mod unused_noqa;
