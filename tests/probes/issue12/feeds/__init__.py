"""Feed aggregation service: an async client and the code that uses it."""
