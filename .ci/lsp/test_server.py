"""`pitfalls server` through pytest-lsp's client (the real binary over
stdio): open -> PF101 -> edit -> updated diagnostics -> the PF300 code action
applied removes the finding -> shutdown/exit.

Run by .ci/lsp-check; PITFALLS_BIN names the binary."""

import asyncio
import os
import pathlib
import time

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

BIN = os.environ.get("PITFALLS_BIN", "target/debug/pitfalls")

BLOCKING = 'import time\n\n\nasync def handler():\n    s = "é😀"; time.sleep(1)\n    return s\n'

DECORATOR = """import time


def timed(func):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            print(time.perf_counter() - start)

    return wrapper
"""


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BIN, "server"]))
async def client(lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    lsp_client.root = root
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=root.as_uri(),
        )
    )
    yield
    await lsp_client.shutdown_session()
    # `shutdown` then `exit`: a clean exit.
    assert lsp_client._server.returncode == 0


async def diagnostics_for(client, uri, codes, timeout=5.0):
    """Waits until the diagnostics published for `uri` have these codes."""
    deadline = time.monotonic() + timeout
    while True:
        found = client.diagnostics.get(uri)
        if found is not None and [d.code for d in found] == codes:
            return found
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{uri}: {found!r}, expected {codes}")
        try:
            await asyncio.wait_for(
                client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), left
            )
        except asyncio.TimeoutError:
            pass


def offset(text, position):
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for i, c in enumerate(line):
        if units >= position.character or c == "\n":
            return start + i
        units += 2 if ord(c) > 0xFFFF else 1
    return start + len(line)


def apply(text, edits):
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = offset(text, edit.range.start), offset(text, edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


@pytest.mark.asyncio
async def test_open_edit_fix(client: LanguageClient):
    uri = (pathlib.Path(client.root) / "app.py").as_uri()
    opened = time.monotonic()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=BLOCKING)
        )
    )
    found = await diagnostics_for(client, uri, ["PF101"], timeout=1.0)
    print(f"first diagnostics after {time.monotonic() - opened:.3f} s")
    # `é` is one UTF-16 unit, the emoji two: `time` is at character 15.
    assert found[0].range.start == types.Position(line=4, character=15)

    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=DECORATOR)],
        )
    )
    found = await diagnostics_for(client, uri, ["PF300"])

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=found[0].range,
            context=types.CodeActionContext(diagnostics=list(found)),
        )
    )
    fixes = [a for a in actions if isinstance(a, types.CodeAction) and a.is_preferred]
    assert fixes, [a.title for a in actions]
    fixed = apply(DECORATOR, fixes[0].edit.changes[uri])
    assert "functools.wraps(func)" in fixed

    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    await diagnostics_for(client, uri, [])
