"""A small web crawler: sync HTTP sessions, an async fetcher, a gateway."""
