"""Websocket gateway and bot: background tasks scheduled on inferred loops."""
from __future__ import annotations

import asyncio
from typing import Any

MISSING: Any = object()


class Gateway:
    def __init__(self) -> None:
        self.loop = asyncio.get_event_loop()
        self._tasks: set[asyncio.Task] = set()
        self._keepalive: asyncio.Task | None = None

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(30)

    async def connect(self) -> None:
        self.loop.create_task(self._heartbeat())  # error: PF108

    async def reconnect(self) -> None:
        task = self.loop.create_task(self._heartbeat())  # error: PF108
        await asyncio.sleep(0)

    def start_keepalive(self) -> None:
        self._keepalive = self.loop.create_task(self._heartbeat())

    def track_heartbeat(self) -> None:
        task = self.loop.create_task(self._heartbeat())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def heartbeat_task(self) -> asyncio.Task:
        return self.loop.create_task(self._heartbeat())


class CommandTree:
    def __init__(self, gateway: Gateway) -> None:
        self.client = gateway

    async def sync_commands(self) -> None:
        await asyncio.sleep(0)

    def on_ready(self) -> None:
        self.client.loop.create_task(self.sync_commands())  # error: PF108


class DiscordStyleClient:
    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop = MISSING

    async def login(self) -> None:
        self.loop = asyncio.get_running_loop()

    async def _run_event(self, event: str) -> None:
        await asyncio.sleep(0)

    def dispatch(self, event: str) -> None:
        self.loop.create_task(self._run_event(event))  # error: PF108


class WebSocketProtocol(asyncio.Protocol):
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    async def ping(self) -> None:
        await asyncio.sleep(0)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.loop.create_task(self.ping())  # error: PF108


def schedule_cleanup(loop: asyncio.AbstractEventLoop, cache) -> None:
    loop.create_task(cache.expire())  # error: PF108


class Scheduler:
    """In-project task registry that keeps a strong reference itself."""

    def __init__(self) -> None:
        self.pending: list = []

    def create_task(self, coro) -> None:
        self.pending.append(coro)


class Crawler:
    def __init__(self, runner, scheduler: Scheduler) -> None:
        self.runner = runner
        self.scheduler = scheduler

    async def crawl(self, url: str) -> None:
        await asyncio.sleep(0)

    def enqueue(self, url: str) -> None:
        self.scheduler.create_task(self.crawl(url))

    def enqueue_on_runner(self, url: str) -> None:
        self.runner.create_task(self.crawl(url))

    async def crawl_all(self, urls: list[str]) -> None:
        async with asyncio.TaskGroup() as tg:
            for url in urls:
                tg.create_task(self.crawl(url))
