"""Worker threads updating counters: some under a lock, some not."""
from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor

from .state import Stats

_dropped = 0


class Collector:
    def __init__(self) -> None:
        self.stats = Stats()
        self.total_bytes = 0
        self.queue: queue.Queue[bytes] = queue.Queue()
        self._threads: list[threading.Thread] = []

    def start(self, workers: int) -> None:
        for _ in range(workers):
            t = threading.Thread(target=self._worker, daemon=True)
            t.start()
            self._threads.append(t)

    def _worker(self) -> None:
        while True:
            item = self.queue.get()
            self.stats.processed += 1  # error: PF203
            self._record(len(item))

    def _record(self, size: int) -> None:
        self.total_bytes += size  # error: PF203


class Uploader:
    def __init__(self) -> None:
        self.failures = 0

    def upload_all(self, paths: list[str]) -> None:
        with ThreadPoolExecutor(max_workers=4) as pool:
            for path in paths:
                pool.submit(self._upload, path)

    def _upload(self, path: str) -> None:
        try:
            self._send(path)
        except OSError:
            self.failures += 1  # error: PF203

    def _send(self, path: str) -> None:
        pass


def _drop_worker(items: list[bytes]) -> None:
    global _dropped
    for item in items:
        if not item:
            _dropped += 1  # error: PF203


def start_dropper(items: list[bytes]) -> threading.Thread:
    t = threading.Thread(target=_drop_worker, args=(items,))
    t.start()
    return t


class SafeCollector:
    def __init__(self) -> None:
        self.stats = Stats()
        self._lock = threading.Lock()
        self.total_bytes = 0
        self.queue: queue.Queue[bytes] = queue.Queue()

    def start(self) -> None:
        threading.Thread(target=self._worker, daemon=True).start()
        threading.Thread(target=self._sizer, daemon=True).start()

    def _worker(self) -> None:
        while True:
            self.queue.get()
            with self.stats.lock:
                self.stats.processed += 1

    def _sizer(self) -> None:
        while True:
            item = self.queue.get()
            with self._lock:
                self.total_bytes += len(item)


def _count_local(items: list[bytes]) -> int:
    seen = 0
    for _ in items:
        seen += 1
    return seen


def start_counter(items: list[bytes]) -> None:
    threading.Thread(target=_count_local, args=(items,)).start()
