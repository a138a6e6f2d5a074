"""A toy bank: accounts, a ledger and their locks."""
