//! PF001: the file does not parse (or cannot be decoded). Produced by the
//! pipeline, not by the walk: a file that does not parse is not walked.

use crate::context::Check;

pub struct SyntaxError;

impl Check<'_> for SyntaxError {
    type State = ();
}
