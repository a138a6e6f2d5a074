//! What PF502 knows of each name at a point of a function, and how two
//! paths' knowledge joins (the flow engine's facts).

use ruff_text_size::TextRange;
use rustc_hash::FxHashMap;

use crate::semantic::flow::Flow;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum State {
    /// An iterator not (yet) consumed on every path.
    Live,
    /// Consumed on every path that reaches here, first at this range.
    Exhausted(TextRange),
    /// Being consumed by the `for` loop whose body this is: uses in the
    /// body (`next(it)`, an inner loop) take from the same stream.
    Iterating,
}

#[derive(Clone, Debug)]
pub(super) struct Tracked {
    /// What the name holds, for the message (`a \`map\` iterator`).
    pub(super) what: &'static str,
    pub(super) state: State,
}

pub(super) type Facts<'a> = FxHashMap<&'a str, Tracked>;

pub(super) fn join<'a>(a: Flow<Facts<'a>>, b: Flow<Facts<'a>>) -> Flow<Facts<'a>> {
    match (a, b) {
        (None, b) => b,
        (a, None) => a,
        (Some(mut a), Some(b)) => {
            a.retain(|name, tracked| match b.get(name) {
                None => false,
                Some(other) if tracked.state == other.state => true,
                Some(other)
                    if tracked.state == State::Iterating || other.state == State::Iterating =>
                {
                    false
                }
                Some(other) => {
                    if !matches!(
                        (tracked.state, other.state),
                        (State::Exhausted(_), State::Exhausted(_))
                    ) {
                        tracked.state = State::Live;
                    }
                    true
                }
            });
            Some(a)
        }
    }
}

pub(super) struct Finding {
    pub(super) range: TextRange,
    pub(super) statement: TextRange,
    pub(super) message: String,
    pub(super) first: Option<TextRange>,
}
