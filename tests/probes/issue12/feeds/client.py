"""The feed client, its subclasses and the ways the service obtains one."""
from __future__ import annotations

import asyncio


class Client:
    def __init__(self, base_url: str = "https://feeds.example.com") -> None:
        self.base_url = base_url
        self.timeout = 10.0

    async def fetch(self, key: str) -> bytes:
        await asyncio.sleep(0)
        return f"{self.base_url}/{key}".encode()

    async def ready(self) -> bool:
        await asyncio.sleep(0)
        return True

    async def close(self) -> None:
        await asyncio.sleep(0)

    @classmethod
    def warm_up(cls) -> None:
        cls().fetch("health")  # error: PF100

    def prime_clone(self) -> None:
        type(self)(self.base_url).fetch("prime")  # error: PF100


class RetryingClient(Client):
    retries = 3

    async def fetch(self, key: str) -> bytes:
        for attempt in range(self.retries):
            try:
                return await super().fetch(key)
            except OSError:
                await asyncio.sleep(2**attempt)
        raise OSError(f"giving up on {key}")


class CachingClient(Client):
    def __init__(self) -> None:
        super().__init__()
        self.cache: dict[str, bytes] = {}

    async def close(self) -> None:
        self.cache.clear()
        super().close()  # error: PF100

    def invalidate(self, key: str) -> None:
        self.cache.pop(key, None)
        self.fetch(key)  # error: PF100


class LocalCache:
    """Disk-less fallback with the same method names, all synchronous."""

    def __init__(self) -> None:
        self.entries: dict[str, bytes] = {}

    def fetch(self, key: str) -> bytes:
        return self.entries.get(key, b"")

    def ready(self) -> bool:
        return True


def make_client() -> Client:
    return Client()


def build_client(url):
    if url:
        return Client(url)
    return Client()


default_client = Client()
