"""The bank takes its lock, then the ledger's: the opposite order of
Ledger.reconcile."""
from __future__ import annotations

import threading

from .ledger import Ledger


class Bank:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ledger = Ledger(self)
        self.frozen = False
        self.pending: list[tuple[int, int]] = []

    def freeze(self) -> None:
        with self.lock:
            self.frozen = True

    def settle(self) -> None:
        with self.lock:
            with self.ledger.lock:  # error: PF200
                self.ledger.entries.extend(self.pending)
                self.pending.clear()
