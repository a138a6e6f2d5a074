"""Shared HTTP sessions and the factories that build them."""
from __future__ import annotations

import httpx
import requests

USER_AGENT = "crawler/1.0"

session = requests.Session()
session.headers["User-Agent"] = USER_AGENT


def make_session() -> requests.Session:
    s = requests.Session()
    s.headers["User-Agent"] = USER_AGENT
    return s


class ApiConfig:
    def __init__(self, token: str) -> None:
        self.base_url = "https://api.example.com"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
