"""Metrics exporter: shared state touched from threads and from the loop."""
