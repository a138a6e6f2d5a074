"""Two locks always taken in the same order (dock, then manifest): no cycle."""
from __future__ import annotations

import threading


class Manifest:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lines: list[str] = []

    def count(self) -> int:
        with self.lock:
            return len(self.lines)


class Dock:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.manifest = Manifest()
        self.staged: list[str] = []

    def load_truck(self) -> None:
        with self.lock:
            with self.manifest.lock:
                self.manifest.lines.extend(self.staged)
                self.staged.clear()

    def status(self) -> str:
        with self.lock:
            return f"staged={len(self.staged)} shipped={self.manifest.count()}"
