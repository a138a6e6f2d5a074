from __future__ import annotations

import threading
from collections import Counter
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from .orders import OrderBook


class Inventory:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.stock: Counter[str] = Counter()
        self.book: Optional[OrderBook] = None

    def reserve(self, sku: str, qty: int) -> None:
        with self._lock:
            if self.stock[sku] < qty:
                raise ValueError(sku)
            self.stock[sku] -= qty

    def restock(self, sku: str, qty: int) -> None:
        with self._lock:
            self.stock[sku] += qty
            if self.book is not None:
                self.book.retry_backorders(sku)  # error: PF200
