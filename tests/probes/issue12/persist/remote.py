"""Talking to the outside: event forwarding (three calls down to requests)
and sync wrappers around async code (each one runs an event loop)."""
from __future__ import annotations

import asyncio

import requests

EVENTS_URL = "https://events.example.com/ingest"


def _post(url: str, payload: dict) -> requests.Response:
    return requests.post(url, json=payload, timeout=5)


def push_event(event: dict) -> None:
    _post(EVENTS_URL, event)


def push_batch(events: list[dict]) -> None:
    for event in events:
        push_event(event)


async def fetch(url: str) -> bytes:
    await asyncio.sleep(0)
    return url.encode()


def run_sync(coro):
    return asyncio.run(coro)


def sync_fetch(url: str) -> bytes:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(fetch(url))
    finally:
        loop.close()


class LegacyBridge:
    def call(self, coro):
        return run_sync(coro)


class Worker:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.queue: asyncio.Queue = asyncio.Queue()

    async def drain(self) -> None:
        self.loop.run_until_complete(self.queue.join())  # error: PF110
