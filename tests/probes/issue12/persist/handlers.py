"""Async bot handlers calling the sync helpers of the other modules."""
from __future__ import annotations

import asyncio
import functools
import threading

from legacy_sdk import fetch_blob

from . import storage
from .remote import LegacyBridge, fetch, push_batch, run_sync, sync_fetch
from .files import FileStore, MemoryStore, ReportService, Valve
from .storage import (
    Settings,
    backoff,
    checksum,
    deferred_reader,
    dump_state,
    git_revision,
    load_manifest,
    make_writer,
    read_config,
    save,
)


async def handle_save(state: dict) -> None:
    save(state)  # error: PF112


async def handle_save_via_module(state: dict) -> None:
    storage.save(state)  # error: PF112


async def load_settings() -> str:
    text = read_config("/etc/bot/settings.toml")  # error: PF112
    return text


async def retry(op):
    for attempt in range(5):
        try:
            return await op()
        except ConnectionError:
            backoff(attempt)  # error: PF112
    raise ConnectionError("retries exhausted")


async def version_endpoint() -> dict:
    return {"revision": git_revision()}  # error: PF112


async def forward_events(events: list[dict]) -> None:
    push_batch(events)  # error: PF112


async def reload_settings() -> Settings:
    return Settings.from_file("/etc/bot/settings.json")  # error: PF112


async def export_report(service: ReportService) -> dict:
    return service.export()  # error: PF112


async def handle_legacy(url: str) -> bytes:
    return run_sync(fetch(url))  # error: PF110


async def proxy(url: str) -> bytes:
    return sync_fetch(url)  # error: PF110


async def via_bridge(bridge: LegacyBridge, url: str) -> bytes:
    return bridge.call(fetch(url))  # error: PF110


async def save_in_thread(state: dict) -> None:
    await asyncio.to_thread(save, state)


async def save_in_executor(state: dict) -> None:
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, save, state)


async def dump_with_partial(state: dict) -> None:
    await asyncio.to_thread(functools.partial(dump_state, storage.STATE_PATH, state))


async def append_log(path: str, line: str) -> None:
    writer = make_writer(path)
    await asyncio.to_thread(writer, line)


async def read_deferred(path: str) -> bytes:
    reader = deferred_reader(path)
    return await asyncio.to_thread(reader)


async def fingerprint(data: bytes) -> str:
    return checksum(data)


async def manifest() -> dict:
    return load_manifest()


async def read_any(store: FileStore | MemoryStore, name: str):
    return store.read(name)


async def open_valve(valve: Valve) -> None:
    valve.open()


async def download(key: str) -> bytes:
    return fetch_blob(key)


async def proxy_in_thread(url: str) -> bytes:
    return await asyncio.to_thread(sync_fetch, url)


async def start_sidecar(url: str) -> None:
    threading.Thread(target=asyncio.run, args=(fetch(url),), daemon=True).start()


def main() -> None:
    run_sync(fetch("https://example.com"))
