"""The preview survives a hostile save and many tabs (issue 19).

- a template that would hang, saved into the campaign, shows as a problem within seconds,
  and fixing it brings the release back, with no restart (the real CLI, in a subprocess);
- a connection that sends nothing is closed after the idle timeout, and no more threads
  than the bound answer at once, however many connections are open;
- 200 tabs waiting on ``/events`` are all answered when the page changes (the listen
  backlog holds them all).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from authoring.preview.server import BACKLOG, HOST, Preview, PreviewServer
from tests.test_preview import edit_in_place, start_preview

LEAD_IN = 'findings_lead_in: "In {{ force.name }}, {{ organisation_short }} found:"'
HANGING = 'findings_lead_in: "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}In:"'


@pytest.fixture
def form(forces_copy: Path) -> Path:
    return forces_copy / "thames-valley.yaml"


def _get(url: str, timeout: float = 30) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return bytes(response.read())


def _version_after(url: str, version: str) -> str:
    return str(json.loads(_get(f"{url}events?version={version}"))["version"])


def test_a_hanging_template_is_a_problem_in_seconds_and_fixing_it_brings_the_release_back(
    forces_copy: Path, form: Path
) -> None:
    running = start_preview(form)
    try:
        first = _version_after(running.url, "")
        assert b"<h1>" in _get(running.url)
        campaign = forces_copy / "campaign.yaml"
        started = time.monotonic()
        edit_in_place(campaign, LEAD_IN, HANGING)
        second = _version_after(running.url, first)
        page = _get(running.url).decode()
        assert time.monotonic() - started < 10
        assert "sentences.findings_lead_in" in page
        assert "steps" in page
        edit_in_place(campaign, HANGING, LEAD_IN)
        _version_after(running.url, second)
        page = _get(running.url).decode()
        assert "In Thames Valley Police, HMIC found:" in page
        assert running.process.poll() is None
    finally:
        running.stop()


@pytest.fixture
def serving(form: Path) -> Iterator[tuple[Preview, PreviewServer]]:
    """A preview served in this process, with a one-second idle timeout and at most 16 threads."""
    preview = Preview(form)
    server = PreviewServer(preview, idle_timeout=1.0, max_threads=16)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield preview, server
    finally:
        preview.stop()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _connect(port: int) -> socket.socket:
    return socket.create_connection((HOST, port), timeout=10)


def test_idle_connections_are_closed_and_threads_are_bounded(serving: tuple[Preview, PreviewServer]) -> None:
    _, server = serving
    before = threading.active_count()
    idle = [_connect(server.port) for _ in range(100)]
    try:
        time.sleep(0.5)
        assert threading.active_count() - before <= 16
        deadline = time.monotonic() + 30
        closed = 0
        for connection in idle:  # each is closed by the server once it has been idle a second
            connection.settimeout(max(0.1, deadline - time.monotonic()))
            if connection.recv(1) == b"":
                closed += 1
        assert closed == len(idle)
        assert _get(server.url).startswith(b"<!DOCTYPE html>")  # and the server still answers
    finally:
        for connection in idle:
            connection.close()


def test_every_waiting_tab_is_answered_when_the_page_changes(form: Path) -> None:
    preview = Preview(form)
    server = PreviewServer(preview)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    tabs = []
    try:
        assert server.request_queue_size == BACKLOG >= 200
        version = preview.page.version
        request = f"GET /events?version={version} HTTP/1.1\r\nHost: {HOST}:{server.port}\r\n\r\n".encode()
        for _ in range(200):
            tab = _connect(server.port)
            tab.sendall(request)
            tabs.append(tab)
        time.sleep(0.5)
        edit_in_place(form, "approved: 128", "approved: 127")
        assert preview.refresh()
        answered = 0
        for tab in tabs:
            tab.settimeout(20)
            reply = b""
            while b"}" not in reply:
                chunk = tab.recv(4096)
                if not chunk:
                    break
                reply += chunk
            if reply.startswith(b"HTTP/1.0 200") and preview.page.version.encode() in reply:
                answered += 1
        assert answered == 200
    finally:
        for tab in tabs:
            tab.close()
        preview.stop()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
