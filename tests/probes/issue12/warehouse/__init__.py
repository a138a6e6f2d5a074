"""Warehouse: an order book, the inventory and the shipping dock."""
