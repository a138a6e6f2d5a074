"""Async crawler code using sync clients (positives) and doing it right
(negatives)."""
from __future__ import annotations

import asyncio
import inspect
from typing import Optional, Union

import httpx
import requests

from .net import ApiConfig, make_session, session


class PageFetcher:
    def __init__(self, token: str) -> None:
        self.session = requests.Session()
        self.http: httpx.Client = httpx.Client(timeout=10)
        self.api = ApiConfig(token)

    async def fetch_page(self, url: str) -> str:
        resp = self.session.get(url)  # error: PF102
        return resp.text

    async def submit_form(self, url: str, form: dict) -> None:
        self.http.post(url, data=form)  # error: PF102

    async def whoami(self) -> dict:
        return self.api.session.get(self.api.base_url + "/me").json()  # error: PF102

    async def shutdown(self) -> None:
        self.http.close()  # error: PF102

    async def fetch_in_thread(self, url: str) -> requests.Response:
        return await asyncio.to_thread(self.session.get, url)

    async def fetch_in_executor(self, url: str) -> requests.Response:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.session.get, url)

    def fetch_sync(self, url: str) -> requests.Response:
        return self.session.get(url)

    async def prepare(self, url: str) -> httpx.Request:
        return self.http.build_request("GET", url)


async def fetch_shared(url: str) -> str:
    return session.get(url).text  # error: PF102


async def probe_with_factory(url: str) -> int:
    s = make_session()
    return s.head(url).status_code  # error: PF102


async def upload(client: Optional[httpx.Client], url: str, body: bytes) -> None:
    if client is not None:
        client.put(url, content=body)  # error: PF102


class AsyncFetcher:
    def __init__(self) -> None:
        self.client = httpx.AsyncClient()

    async def fetch_page(self, url: str) -> str:
        resp = await self.client.get(url)
        return resp.text


class FlexibleTransport:
    def __init__(self, client: Union[httpx.Client, httpx.AsyncClient]) -> None:
        self.client = client

    async def send(self, request: httpx.Request) -> httpx.Response:
        response = self.client.send(request)
        if inspect.isawaitable(response):
            response = await response
        return response


class SwitchableProbe:
    def __init__(self) -> None:
        self.http = requests.Session()

    def use_async(self) -> None:
        self.http = httpx.AsyncClient()

    async def ping(self, url: str) -> int:
        response = await self.http.get(url)
        return response.status_code
