"""File-backed stores (the PicklePersistence shape) and an in-memory one."""
from __future__ import annotations

import json
import pickle
from pathlib import Path


class FileStore:
    def __init__(self, root: str) -> None:
        self.root = Path(root)

    def _load_file(self, name: str):
        with open(self.root / name, "rb") as f:
            return pickle.load(f)

    def _dump_file(self, name: str, obj) -> None:
        with open(self.root / name, "wb") as f:
            pickle.dump(obj, f)

    def read(self, name: str):
        return self._load_file(name)

    def write(self, name: str, obj) -> None:
        self._dump_file(name, obj)


class JsonStore(FileStore):
    def read_json(self, name: str) -> dict:
        return json.loads(self.read(name))


class MemoryStore:
    def __init__(self) -> None:
        self.data: dict = {}

    def read(self, name: str):
        return self.data.get(name)

    def write(self, name: str, obj) -> None:
        self.data[name] = obj


class Valve:
    """Has an `open` method of its own: not a file."""

    def __init__(self) -> None:
        self.state = "closed"

    def open(self) -> None:
        self.state = "open"


class PicklePersistence(FileStore):
    def __init__(self, root: str) -> None:
        super().__init__(root)
        self.bot_data: dict = {}

    async def get_bot_data(self) -> dict:
        return self._load_file("bot_data")  # error: PF112

    async def flush(self) -> None:
        self._dump_file("bot_data", self.bot_data)  # error: PF112


class Persistence:
    def __init__(self, root: str) -> None:
        self.store = FileStore(root)
        self.cache = MemoryStore()

    async def get_user_data(self):
        return self.store.read("user_data")  # error: PF112

    async def update_user_data(self, data) -> None:
        self.store.write("user_data", data)  # error: PF112

    async def get_cached(self, name: str):
        return self.cache.read(name)


class ReportService:
    def __init__(self, root: str) -> None:
        self.store = JsonStore(root)

    def export(self) -> dict:
        return self.store.read_json("report")


class SwitchableBackend:
    def __init__(self, root: str) -> None:
        self.backend = FileStore(root)

    def use_memory(self) -> None:
        self.backend = MemoryStore()

    async def lookup(self, name: str):
        return self.backend.read(name)
