"""vl-convert, the engine that draws the charts: in this process, or in a chart server started first of all.

vl-convert runs Vega in a JavaScript engine of its own; the first chart a process draws
costs about 0.4 CPU-seconds more than the next while that engine starts. A batch that will
make a national release would rather pay that on a core that is otherwise idle. So the
``authoring`` command, asked for a ``batch`` whose campaign looks as if it declares a
summary (:func:`declares_summary`), starts a **chart server** before it loads anything else
(:func:`start_server`, from :mod:`authoring.cli.launch`): a process forked from the bare
interpreter, which loads vl-convert with the house fonts, starts its engine while the
command loads the toolkit and reads the forms, then draws whatever it is asked over a pair
of pipes until they close. The batch hands the server to its national release's drawing
process (:class:`authoring.build.national.Drawing`), the one process that talks to it,
and stops it when the batch ends (:func:`stop_server`).

:func:`svg` and :func:`png` draw through the server when this process holds it, else with
vl-convert in this process. A server that has died (killed, out of memory) is forgotten and
the chart is drawn here instead: the server only ever moves the work, it never decides it.

This module loads nothing but the standard library until it draws: the command imports it
before the toolkit.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
from functools import cache
from typing import Any

#: What :func:`declares_summary` looks for: a top-level ``summary:`` key.
_SUMMARY_KEY = re.compile(rb"^summary[ \t]*:", re.MULTILINE)

#: A campaign file is read for :func:`declares_summary` no further than this.
HINT_LIMIT = 4 * 1024 * 1024


class ChartEngineError(Exception):
    """vl-convert could not draw what it was given (its own message)."""


def declares_summary(campaign: bytes) -> bool:
    """Whether a campaign file's text has a top-level ``summary:`` line: a hint, read before anything is checked."""
    return _SUMMARY_KEY.search(campaign) is not None


# --------------------------------------------------------------------------- in this process


@cache
def _vl_convert() -> Any:
    """vl-convert, with the house font's folders registered (once per process)."""
    import vl_convert

    from authoring.fonts import FALLBACK, HOUSE

    for family in (HOUSE, FALLBACK):
        vl_convert.register_font_directory(str(family.folder()))
    return vl_convert


def fork_safe() -> bool:
    """Whether a process forked from this one can draw charts: not once vl-convert has run here.

    vl-convert runs its JavaScript engine on threads of its own, started by the first chart a
    process draws; a forked process has none of them, and its first chart would wait forever.
    """
    return _vl_convert.cache_info().currsize == 0


def _warm_up_here() -> None:
    from authoring.fonts import HOUSE_FONT

    spec = {
        "data": {"values": [{"value": 1}]},
        "mark": {"type": "bar"},
        "encoding": {"x": {"field": "value", "type": "quantitative"}},
        "config": {"font": HOUSE_FONT},
    }
    _vl_convert().vegalite_to_svg(spec, allowed_base_urls=[])


def _draw_here(kind: str, *args: Any) -> Any:
    converter = _vl_convert()
    try:
        if kind == "svg":
            (spec,) = args
            return converter.vegalite_to_svg(spec, allowed_base_urls=[])  # the data is in the spec: fetch nothing
        svg_text, scale = args
        return converter.svg_to_png(svg_text, scale=scale)
    except Exception as exc:  # vl-convert reports its errors as ValueError or its own types
        raise ChartEngineError(str(exc)) from None


# --------------------------------------------------------------------------- the server


class _Server:
    """The chart server as this process sees it: its process id, and this process's ends of its pipes."""

    def __init__(self, pid: int, requests: int, replies: int) -> None:
        self.pid = pid
        self.owner = os.getpid()
        self.fds: tuple[int, int] | None = (requests, replies)
        self._connection: tuple[Any, Any] | None = None

    def ask(self, kind: str, args: tuple[Any, ...]) -> tuple[str, Any]:
        """Send one request and wait for its answer; :class:`OSError` or :class:`EOFError` if the server is gone."""
        if self.fds is None:
            raise EOFError("the chart server was handed on")
        if self._connection is None:
            from multiprocessing.connection import Connection

            requests, replies = self.fds
            self._connection = (
                Connection(requests, readable=False, writable=True),
                Connection(replies, readable=True, writable=False),
            )
        send, receive = self._connection
        send.send((kind, args))
        answer: tuple[str, Any] = receive.recv()
        return answer

    def close(self) -> None:
        """Close this process's ends of the pipes (idempotent): once nobody holds them, the server ends."""
        if self._connection is not None:
            for end in self._connection:
                end.close()
        elif self.fds is not None:
            for fd in self.fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._connection, self.fds = None, None


_server: _Server | None = None


def start_server() -> bool:
    """Fork the chart server now (before the toolkit is loaded); ``False`` where that would not be safe.

    Not where processes cannot be forked, nor once vl-convert has run in this process, nor
    while this process runs other threads: a forked copy of them would wait forever.

    The server ignores Ctrl-C (the command handles it), ends with the process that started
    it, and ends when nobody holds its pipes any more.
    """
    global _server
    if _server is not None or not hasattr(os, "fork") or not fork_safe() or _threaded():
        return False
    requests_read, requests_write = os.pipe()
    replies_read, replies_write = os.pipe()
    parent = os.getpid()
    from authoring.processes import signals_held

    with signals_held():  # until the server has settled its own signals (processes.signals_held)
        try:
            pid = os.fork()
        except OSError:  # no process to spare (a limit on processes, or memory): the charts are drawn as without
            for fd in (requests_read, requests_write, replies_read, replies_write):
                os.close(fd)
            return False
        if pid == 0:  # the server: never returns, never leaves this block
            code = 1
            try:
                os.close(requests_write)
                os.close(replies_read)
                _serve(requests_read, replies_write, parent)
                code = 0
            finally:
                os._exit(code)
    os.close(requests_read)
    os.close(replies_write)
    _server = _Server(pid, requests_write, replies_read)
    return True


def _threaded() -> bool:
    """Whether this process runs threads besides its main one (a fork would copy their locks, not them)."""
    threading = sys.modules.get("threading")
    return threading is not None and threading.active_count() > 1


def _serve(requests: int, replies: int, parent: int) -> None:
    """In the server: start vl-convert's engine at once, then draw what is asked until the pipes close."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from authoring.processes import die_with, release_signals

    release_signals()  # held while it was forked (processes.signals_held)
    die_with(parent)
    from multiprocessing.connection import Connection

    receive = Connection(requests, readable=True, writable=False)
    send = Connection(replies, readable=False, writable=True)
    with contextlib.suppress(Exception):  # a chart that cannot be drawn is reported when it is asked for
        _warm_up_here()
    while True:
        try:
            kind, args = receive.recv()
        except (EOFError, OSError):  # nobody holds the pipes any more: the work is done
            return
        try:
            answer: tuple[str, Any] = ("ok", _draw_here(kind, *args))
        except ChartEngineError as exc:
            answer = ("error", str(exc))
        try:
            send.send(answer)
        except OSError:
            return


def server_running() -> bool:
    """Whether this process can draw through a chart server."""
    return _server is not None and _server.fds is not None


def hand_over_server() -> None:
    """In the process that started the server, once a forked process has taken it: let go of its pipes here.

    The forked process keeps its own copies; processes forked from this one later (the
    batch's workers) hold none, so the server ends as soon as that one process is done.
    """
    if _server is not None and _server.owner == os.getpid():
        _server.close()


def stop_server() -> None:
    """In the process that started the server: end it (if it is still running) and collect it (idempotent)."""
    global _server
    server, _server = _server, None
    if server is None:
        return
    server.close()
    if server.owner != os.getpid():  # a forked process: the server is its parent's to collect
        return
    with contextlib.suppress(OSError):
        os.kill(server.pid, signal.SIGTERM)
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(server.pid, 0)


# --------------------------------------------------------------------------- drawing


def warm_up() -> None:
    """Start vl-convert's engine and load the house font now, unless a chart server has done that already."""
    if not server_running():
        _warm_up_here()


def svg(spec: dict[str, Any]) -> str:
    """Draw a Vega-Lite specification as SVG; :class:`ChartEngineError` if vl-convert cannot."""
    text: str = _draw("svg", spec)
    return text


def png(svg_text: str, *, scale: float) -> bytes:
    """Rasterise an SVG drawn by :func:`svg` at ``scale`` times its size; :class:`ChartEngineError` if it cannot."""
    data: bytes = _draw("png", svg_text, scale)
    return data


def _draw(kind: str, *args: Any) -> Any:
    global _server
    if _server is not None and _server.fds is not None:
        try:
            status, value = _server.ask(kind, args)
        except (EOFError, OSError):  # the server died: forget it, draw here
            _server.close()
            _server = None
        else:
            if status == "error":
                raise ChartEngineError(value)
            return value
    return _draw_here(kind, *args)
