"""Shared state objects and the locks that guard them."""
from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager
from typing import Iterator


class SharedState:
    lock = threading.Lock()

    def __init__(self) -> None:
        self.counters: dict[str, int] = {}


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.processed = 0
        self.errors = 0


class AsyncCache:
    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.sem = asyncio.Semaphore(8)
        self.data: dict[str, bytes] = {}


_REGISTRY_LOCK = threading.Lock()


def registry_lock() -> threading.Lock:
    return _REGISTRY_LOCK


class ConnectionPool:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.free: list[int] = []

    @contextmanager
    def locked(self) -> Iterator[ConnectionPool]:
        with self._lock:
            yield self
