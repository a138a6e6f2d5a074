"""The async scrape endpoint: locks reached through attributes."""
from __future__ import annotations

import asyncio

from .state import AsyncCache, ConnectionPool, SharedState, Stats, registry_lock


class MetricsServer:
    def __init__(self, state: SharedState, cache: AsyncCache, backend) -> None:
        self.state = state
        self.cache = cache
        self.backend = backend
        self.stats = Stats()
        self.pool = ConnectionPool()
        self.names: set[str] = set()

    async def publish(self, payload: dict) -> None:
        await asyncio.sleep(0)

    async def scrape(self) -> None:
        with self.state.lock:  # error: PF107
            await self.publish(dict(self.state.counters))

    async def snapshot_stats(self) -> None:
        with self.stats.lock:  # error: PF107
            await self.publish({"processed": self.stats.processed})

    async def register(self, name: str) -> None:
        with registry_lock():  # error: PF107
            await asyncio.sleep(0)
            self.names.add(name)

    async def borrow_connection(self) -> None:
        with self.pool.locked():  # error: PF107
            await self.publish({"free": len(self.pool.free)})

    async def put_cached(self, key: str, value: bytes) -> None:
        with self.cache.lock:  # error: PF111
            self.cache.data[key] = value

    async def limited_scrape(self) -> None:
        with self.cache.sem:  # error: PF111
            await self.publish({})

    async def reset_stats(self) -> None:
        async with self.stats.lock:  # error: PF111
            self.stats.processed = 0

    async def put_cached_correctly(self, key: str, value: bytes) -> None:
        async with self.cache.lock:
            self.cache.data[key] = value
            await self.publish({"key": key})

    async def count_processed(self) -> None:
        with self.stats.lock:
            self.stats.processed += 1

    async def scrape_after_release(self) -> None:
        with self.state.lock:
            payload = dict(self.state.counters)
        await self.publish(payload)

    async def limited_scrape_correctly(self) -> None:
        async with self.cache.sem:
            await self.publish({})

    async def scrape_backend(self) -> None:
        with self.backend.lock:
            await self.publish({})
