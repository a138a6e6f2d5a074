"""Correct code that must stay silent: the receiver is not known to be an
async Client at the call, or the coroutine is handed on."""
from __future__ import annotations

import asyncio
import functools
from typing import Protocol, Union

from asgiref.sync import async_to_sync

from .client import Client, LocalCache, make_client


class KeySource(Protocol):
    def fetch(self, key: str) -> bytes: ...


def preload_protocol(source: KeySource, keys: list[str]) -> None:
    for key in keys:
        source.fetch(key)


def warm_union(source: Union[Client, LocalCache], key: str) -> None:
    if isinstance(source, LocalCache):
        source.fetch(key)


async def fetch_with_fallback(key: str) -> bytes:
    conn = Client()
    try:
        return await conn.fetch(key)
    except OSError:
        conn = LocalCache()
        return conn.fetch(key)


def touch_local_cache(key: str) -> None:
    LocalCache().fetch(key)


def fetch_later(c: Client, key: str):
    return c.fetch(key)


async def fetch_pair(c: Client) -> list[bytes]:
    return await asyncio.gather(c.fetch("a"), c.fetch("b"))


async def fetch_in_background(c: Client) -> bytes:
    task = asyncio.create_task(c.fetch("bg"))
    return await task


def main() -> None:
    asyncio.run(make_client().fetch("main"))


class Backends:
    def __init__(self) -> None:
        self.client = Client()
        self.cache = LocalCache()

    def warm(self, backend_name: str, key: str) -> None:
        getattr(self, backend_name).fetch(key)


class Pool:
    def __init__(self) -> None:
        self._items = [LocalCache(), LocalCache()]

    def acquire(self):
        return self._items.pop()

    def prefetch(self, key: str) -> None:
        self.acquire().fetch(key)


def blocking(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper


class AdminClient:
    @blocking
    async def purge(self, key: str) -> None:
        await asyncio.sleep(0)


def purge_all(admin: AdminClient, keys: list[str]) -> None:
    for key in keys:
        admin.purge(key)


class Notifier:
    @async_to_sync
    async def send(self, message: str) -> None:
        await asyncio.sleep(0)


def notify(notifier: Notifier) -> None:
    notifier.send("deploy finished")
