"""Moving money between two accounts of the same class."""
from __future__ import annotations

from .accounts import Account, Wallet
from .ledger import Ledger


def transfer(a: Account, b: Account, amount: int) -> None:
    with a.lock:
        with b.lock:  # error: PF206
            a.balance -= amount
            b.balance += amount


def swap_balances(a: Account, b: Account) -> None:
    with a.lock, b.lock:  # error: PF206
        a.balance, b.balance = b.balance, a.balance


def pay(src: Account, dst: Account, amount: int) -> None:
    with src.lock:
        src.balance -= amount
        dst.deposit(amount)  # error: PF206


async def move_coins(src: Wallet, dst: Wallet, coins: int) -> None:
    async with src.lock:
        async with dst.lock:  # error: PF206
            src.coins -= coins
            dst.coins += coins


def apply_interest(acct: Account, rate: float) -> None:
    with acct.lock:
        acct.deposit(int(acct.balance * rate))  # error: PF201


def transfer_sorted(a: Account, b: Account, amount: int) -> None:
    first, second = sorted((a, b), key=lambda acct: acct.id)
    with first.lock:
        with second.lock:
            a.balance -= amount
            b.balance += amount


def transfer_min_max(a: Account, b: Account, amount: int) -> None:
    low = min(a, b, key=lambda acct: acct.id)
    high = max(a, b, key=lambda acct: acct.id)
    with low.lock:
        with high.lock:
            a.balance -= amount
            b.balance += amount


def transfer_by_identity(a: Account, b: Account, amount: int) -> None:
    if id(a) < id(b):
        first, second = a, b
    else:
        first, second = b, a
    with first.lock:
        with second.lock:
            a.balance -= amount
            b.balance += amount


def pay_after_release(src: Account, dst: Account, amount: int) -> None:
    with src.lock:
        src.balance -= amount
    dst.deposit(amount)


def record_transfer(acct: Account, ledger: Ledger, amount: int) -> None:
    with acct.lock:
        acct.balance -= amount
        with ledger.lock:
            ledger.entries.append((acct.id, -amount))
