"""Accounts with per-instance locks, and caches that re-take their own lock."""
from __future__ import annotations

import asyncio
import threading


class Account:
    def __init__(self, account_id: int, balance: int = 0) -> None:
        self.id = account_id
        self.balance = balance
        self.lock = threading.Lock()

    def deposit(self, amount: int) -> None:
        with self.lock:
            self.balance += amount

    def merge_from(self, other: Account) -> None:
        with self.lock:
            with other.lock:  # error: PF206
                self.balance += other.balance
                other.balance = 0


class Wallet:
    def __init__(self, owner: str) -> None:
        self.owner = owner
        self.coins = 0
        self.lock = asyncio.Lock()


class StatementCache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: dict[int, str] = {}

    def invalidate(self) -> None:
        with self.lock:
            self.items.clear()

    def refresh(self, rows: dict[int, str]) -> None:
        with self.lock:
            self.invalidate()  # error: PF201
            self.items.update(rows)

    def replace(self, rows: dict[int, str]) -> None:
        self.invalidate()
        with self.lock:
            self.items.update(rows)


class Exporter:
    def __init__(self, cache: StatementCache) -> None:
        self.cache = cache

    def export(self) -> dict[int, str]:
        with self.cache.lock:
            snapshot = dict(self.cache.items)
            self.cache.invalidate()  # error: PF201
        return snapshot


async def fetch_token() -> str:
    await asyncio.sleep(0)
    return "token"


class TokenStore:
    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._token: str | None = None

    async def _refresh(self) -> None:
        async with self._lock:
            self._token = await fetch_token()

    async def get(self) -> str | None:
        async with self._lock:
            if self._token is None:
                await self._refresh()  # error: PF201
            return self._token


class SessionRegistry:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.sessions: dict[str, float] = {}

    def remove(self, key: str) -> None:
        with self._lock:
            self.sessions.pop(key, None)

    def prune(self, now: float) -> None:
        with self._lock:
            for key, expires in list(self.sessions.items()):
                if expires < now:
                    self.remove(key)
