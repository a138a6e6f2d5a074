//! PF3: decorators.

pub mod decorator_factory_not_called;
pub mod missing_functools_wraps;
pub mod sync_wrapper_on_coroutine;
pub mod wrapper_discards_result;
mod wraps_applied;
mod wraps_fix;

/// A question (PF302, PF303): what is the in-project decorator (or
/// factory) with this qualified name?
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct DecoratorNamed {
    pub(crate) name: String,
}

impl crate::semantic::index::Ask for DecoratorNamed {
    const TAG: &'static str = "decorators.DecoratorNamed";
}
