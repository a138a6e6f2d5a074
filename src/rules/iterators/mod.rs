//! PF5: generators and iterators.

pub mod exhausted_iterator_reuse;
mod iterator_facts;
mod iterator_flow;
mod iterator_use;
pub mod list_comprehension_in_call;
pub mod list_comprehension_in_reducer;
pub mod readlines_in_loop;
pub mod unnecessary_materialization;
