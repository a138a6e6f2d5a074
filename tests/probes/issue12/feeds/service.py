"""Service code that calls the client through every kind of receiver."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Final, Optional, TypeVar

from .client import Client, RetryingClient, build_client, default_client, make_client

ClientT = TypeVar("ClientT", bound=Client)

CLIENTS = {
    "primary": Client("https://primary.example.com"),
    "backup": Client("https://backup.example.com"),
}
PRIMARY: Final[Client] = CLIENTS["primary"]


class FeedService:
    def __init__(self) -> None:
        self.client = Client()

    async def refresh(self) -> None:
        self.client.fetch("a")  # error: PF100

    async def refresh_awaited(self) -> bytes:
        return await self.client.fetch("a")


class App:
    def __init__(self) -> None:
        self.feeds = FeedService()

    async def tick(self) -> None:
        self.feeds.client.fetch("tick")  # error: PF100


@dataclass
class Subscription:
    client: Client
    topic: str

    async def pull(self) -> None:
        self.client.fetch(self.topic)  # error: PF100


async def poll_annotated(c: Client) -> None:
    c.fetch("d")  # error: PF100


async def poll_optional(c: Optional[Client]) -> None:
    if c is not None:
        c.fetch("d")  # error: PF100


async def poll_pipe_none(c: Client | None = None) -> None:
    if c is not None:
        c.fetch("x")  # error: PF100


def poll_string_annotation(c: "Client") -> None:
    c.fetch("s")  # error: PF100


def prime_generic(c: ClientT) -> ClientT:
    c.fetch("p")  # error: PF100
    return c


async def refresh_from_factory() -> None:
    make_client().fetch("e")  # error: PF100


async def refresh_from_unannotated_factory() -> None:
    build_client("https://mirror.example.com").fetch("f")  # error: PF100


async def refresh_local_instance() -> None:
    local = Client()
    local.fetch("g")  # error: PF100


async def refresh_default_client() -> None:
    default_client.fetch("c")  # error: PF100


async def refresh_primary() -> None:
    PRIMARY.fetch("primary")  # error: PF100


async def shutdown_inherited() -> None:
    client = RetryingClient()
    client.close()  # error: PF100


async def fetch_latest(c: Client) -> bytes:
    return c.fetch("latest")  # error: PF100


async def wait_until_ready(c: Client) -> None:
    if c.ready():  # error: PF100
        await c.fetch("warm")


async def spin_until_ready(c: Client) -> None:
    while not c.ready():  # error: PF100
        await asyncio.sleep(0.1)
