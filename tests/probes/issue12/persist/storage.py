"""Module-level sync helpers: some block, some only build callables."""
from __future__ import annotations

import hashlib
import json
import subprocess
import time
from pathlib import Path

from cachetools.func import ttl_cache

STATE_PATH = Path("/var/lib/bot/state.json")


def dump_state(path: Path, state: dict) -> None:
    with open(path, "w") as f:
        json.dump(state, f)


def save(state: dict) -> None:
    dump_state(STATE_PATH, state)


def read_config(path: str) -> str:
    return Path(path).read_text()


def backoff(attempt: int) -> None:
    time.sleep(min(2**attempt, 30))


def git_revision() -> str:
    return subprocess.check_output(["git", "rev-parse", "HEAD"], text=True).strip()


def make_writer(path: str):
    def write(line: str) -> None:
        with open(path, "a") as f:
            f.write(line)

    return write


def deferred_reader(path: str):
    return lambda: Path(path).read_bytes()


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@ttl_cache(ttl=300)
def load_manifest() -> dict:
    with open("/etc/bot/manifest.json") as f:
        return json.load(f)


class Settings:
    def __init__(self, **values: str) -> None:
        self.values = values

    @classmethod
    def from_file(cls, path: str) -> "Settings":
        with open(path) as f:
            return cls(**json.load(f))
