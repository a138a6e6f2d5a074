"""pitfalls: a Python linter for the bugs code review catches.

The package only carries the ``pitfalls`` binary (built from Rust by
maturin); ``python -m pitfalls`` runs it.
"""
