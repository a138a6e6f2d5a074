//! PF5: generators and iterators.

pub mod list_comprehension_in_call;
