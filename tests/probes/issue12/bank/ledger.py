"""The ledger holds its own lock and calls back into the bank."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .bank import Bank


class Ledger:
    def __init__(self, bank: Bank) -> None:
        self.lock = threading.Lock()
        self.bank = bank
        self.entries: list[tuple[int, int]] = []

    def append(self, account_id: int, amount: int) -> None:
        with self.lock:
            self.entries.append((account_id, amount))

    def reconcile(self) -> int:
        with self.lock:
            total = sum(amount for _, amount in self.entries)
            self.bank.freeze()  # error: PF200
            return total
