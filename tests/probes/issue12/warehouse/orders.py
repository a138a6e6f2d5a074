"""Order book and inventory: a lock-order cycle made only of calls."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from .inventory import Inventory


@dataclass
class Order:
    sku: str
    qty: int


class OrderBook:
    def __init__(self, inventory: Inventory) -> None:
        self._lock = threading.Lock()
        self.inventory = inventory
        self.backorders: dict[str, list[Order]] = {}

    def place(self, order: Order) -> None:
        with self._lock:
            self.inventory.reserve(order.sku, order.qty)  # error: PF200

    def retry_backorders(self, sku: str) -> list[Order]:
        with self._lock:
            return self.backorders.pop(sku, [])
