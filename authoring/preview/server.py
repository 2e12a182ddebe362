"""``authoring preview``: the release in a browser, updated on every save.

:class:`Preview` watches a form, its campaign and the templates folder (their size,
modification time and inode, every 200 ms, so an editor's write-and-rename is seen as
well as a save in place) and composes a new page (:mod:`authoring.preview.page`) when any
of them changes. :class:`PreviewServer` serves it on 127.0.0.1 only, from the standard
library's HTTP server. It answers GET of these paths and nothing else:

- ``/``: the page (the release, or its problems);
- ``/preview.js``: the script that keeps the page up to date;
- ``/events?version=V``: waits until the page is no longer version ``V`` (or 20 s), then
  answers ``{"version": "…"}``;
- ``/release.pdf``: the release printed as PDF, rendered on request;
- ``/release-cy.pdf``: a bilingual release's Welsh, printed as PDF in the same way;
- ``/release-cy-en.pdf``: its bilingual document, where its campaign asks for one (docs/welsh.md).

A request whose ``Host`` is not 127.0.0.1 or localhost is refused, so that a web page
elsewhere cannot reach the preview through a DNS name of its own (DNS rebinding).

The server is bounded: a connection that sends nothing for :data:`IDLE_TIMEOUT` seconds is
closed, at most :data:`MAX_THREADS` requests are answered at once, and up to :data:`BACKLOG`
more wait to be accepted, so that every tab's long poll is answered. A save that makes a
template hang cannot freeze it: the campaign's templates run with their time and size bounds
(:mod:`authoring.model.sandbox`), so the page shows the problem, and the next save the release.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import secrets
import socketserver
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from authoring.exceptions import AuthoringError, UsageError
from authoring.inputs.load import CAMPAIGN_FILE, campaign_for
from authoring.model.bilingual_document import BILINGUAL_KEY, bilingual_document
from authoring.model.types import PdfEngine
from authoring.preview.page import (
    DOCUMENT_PDF_PATH,
    EVENTS_PATH,
    PDF_PATH,
    SCRIPT_PATH,
    TRANSLATION_PDF_PATH,
    Page,
    compose,
    script,
)
from authoring.render.bilingual_doc import render_bilingual_pdf
from authoring.render.environment import Templates
from authoring.render.pdf import render_pdf

log = logging.getLogger(__name__)

#: The only address the preview listens on.
HOST = "127.0.0.1"
#: How often the inputs are looked at, in seconds.
INTERVAL = 0.2
#: How long ``/events`` holds a request when nothing changes, in seconds.
HOLD = 20.0
#: How long a connection may send nothing before it is closed, in seconds (a browser reconnects).
IDLE_TIMEOUT = 30.0
#: How many connections may wait to be accepted: a browser with many tabs of the preview open.
BACKLOG = 1024
#: How many requests are answered at once (one thread each); more wait their turn in the backlog.
MAX_THREADS = 128

Stamp = tuple[tuple[str, int, int, int] | tuple[str, None, None, None], ...]


class Preview:
    """A form's preview page, kept up to date with its files by :meth:`watch`."""

    def __init__(
        self,
        form: Path,
        *,
        campaign: Path | None = None,
        templates: Templates | None = None,
        pdf_engine: PdfEngine | None = None,
    ) -> None:
        if form.is_dir():
            raise UsageError(f"{form}: give one form file, not a folder")
        if not form.is_file():
            raise UsageError(f"{form}: no such file")
        if form.name == CAMPAIGN_FILE:
            raise UsageError(f"{form} is the campaign file; give a form file, e.g. forces/kent.yaml")
        self.form = form
        self.campaign = campaign
        self.templates = templates or Templates.at()
        self.pdf_engine = pdf_engine
        self._boot = secrets.token_hex(4)
        self._count = 0
        self._changed = threading.Condition()
        self._stopped = threading.Event()
        self._pdf_lock = threading.Lock()
        self._pdfs: dict[str | None, tuple[str, str, bytes]] = {}
        self._stamp = self._inputs_stamp()
        self._page = compose(form, version=self._version(), campaign=campaign, templates=self.templates)

    @property
    def page(self) -> Page:
        """The page as it is now."""
        with self._changed:
            return self._page

    def refresh(self) -> bool:
        """Compose a new page if a file changed since the last look; whether one was."""
        stamp = self._inputs_stamp()
        if stamp == self._stamp:
            return False
        # An editor may still be writing: wait until two looks agree.
        while not self._stopped.wait(INTERVAL / 4) and (settled := self._inputs_stamp()) != stamp:
            stamp = settled
        self._stamp = stamp
        self._count += 1
        page = compose(self.form, version=self._version(), campaign=self.campaign, templates=self.templates)
        with self._changed:
            self._page = page
            self._changed.notify_all()
        log.info("preview: page %s", page.version)
        return True

    def watch(self) -> None:
        """Refresh every :data:`INTERVAL` seconds until :meth:`stop`; never raises for a bad file."""
        while not self._stopped.wait(INTERVAL):
            try:
                self.refresh()
            except Exception:  # pragma: no cover - a bug must not silence the preview; say so and go on
                log.exception("preview: cannot compose the page")

    def wait_for_change(self, version: str, timeout: float = HOLD) -> str:
        """The page's version once it is not ``version`` (or after ``timeout`` seconds, or on stop)."""
        with self._changed:
            self._changed.wait_for(lambda: self._page.version != version or self._stopped.is_set(), timeout)
            return self._page.version

    def stop(self) -> None:
        """Stop watching, and answer every waiting request."""
        self._stopped.set()
        with self._changed:
            self._changed.notify_all()

    def pdf(self, language: str | None = None) -> tuple[str, bytes]:
        """The release of the current page printed as PDF (once per version): its file name and bytes.

        With ``language``, its translation in that language (a bilingual release's Welsh:
        ``cy``), printed the same way; with ``cy+en``, its bilingual document (printed by
        WeasyPrint, whatever the engine). Raises :class:`InvalidFormError` when the page shows
        problems instead of a release, and :class:`NoTranslationError` when the release is
        not in ``language`` (or has no bilingual document).
        """
        page = self.page
        if page.release is None:
            raise InvalidFormError("the form has problems (see the preview); the PDF is printed once they are fixed")
        printed: Callable[[], bytes]
        if language == BILINGUAL_KEY:  # the bilingual document, as the page shows it and build prints it
            document = bilingual_document(page.release)
            if document is None or not page.document_html:
                raise NoTranslationError("this release has no bilingual document: its campaign asks for none")
            name, printed = (
                f"{document.file_stem}.pdf",
                partial(render_bilingual_pdf, document, page.document_html, self.templates),
            )
        else:
            printable = page.printable(language)
            if printable is None:
                raise NoTranslationError(f"this release has no version in '{language}'")
            release, html = printable
            if self.pdf_engine is not None:  # the run's engine, over the campaign's
                release = dataclasses.replace(release, pdf_engine=self.pdf_engine)
            name, printed = f"{release.file_stem}.pdf", partial(render_pdf, release, html, self.templates)
        with self._pdf_lock:
            made = self._pdfs.get(language)
            if made is None or made[0] != page.version:
                made = (page.version, name, printed())
                self._pdfs = {key: value for key, value in self._pdfs.items() if value[0] == page.version}
                self._pdfs[language] = made
            return made[1:]

    def _version(self) -> str:
        return f"{self._boot}-{self._count}"

    def _inputs_stamp(self) -> Stamp:
        campaign = self.campaign or campaign_for(self.form)
        templates = sorted(p for p in self.templates.root.rglob("*") if "__pycache__" not in p.parts)
        return tuple(_stamp(path) for path in (self.form, campaign, *templates))


class InvalidFormError(AuthoringError):
    """Raised when the PDF is asked for while the form has problems."""


class NoTranslationError(AuthoringError):
    """Raised when the PDF of a language the release is not in is asked for."""


def _stamp(path: Path) -> tuple[str, int, int, int] | tuple[str, None, None, None]:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), None, None, None)
    return (str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)


@dataclass(frozen=True)
class _Response:
    status: HTTPStatus
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "authoring-preview"

    def setup(self) -> None:
        self.request.settimeout(self.server.idle_timeout)  # an idle connection is closed
        super().setup()

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        response = self._respond()
        self.send_response(response.status)
        for name, value in (
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(response.body))),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            ("Cross-Origin-Resource-Policy", "same-origin"),
            *response.headers,
        ):
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def _respond(self) -> _Response:
        host = self.headers.get("Host", "")
        if host not in self.server.hosts:
            return _text(HTTPStatus.FORBIDDEN, f"This preview answers only at {self.server.url}")
        url = urlsplit(self.path)
        preview = self.server.preview
        if url.path == "/":
            page = preview.page
            return _Response(
                HTTPStatus.OK,
                page.html.encode(),
                "text/html; charset=utf-8",
                (("Content-Security-Policy", page.csp),),
            )
        if url.path == SCRIPT_PATH:
            return _Response(HTTPStatus.OK, script(), "text/javascript; charset=utf-8")
        if url.path == EVENTS_PATH:
            known = parse_qs(url.query).get("version", [""])[0]
            news = json.dumps({"version": preview.wait_for_change(known)})
            return _Response(HTTPStatus.OK, news.encode(), "application/json")
        if url.path == PDF_PATH:
            return self._pdf()
        if url.path == DOCUMENT_PDF_PATH:
            return self._pdf(BILINGUAL_KEY)
        if match := TRANSLATION_PDF_PATH.fullmatch(url.path):
            return self._pdf(match.group(1))
        return _text(HTTPStatus.NOT_FOUND, "Not found: this preview serves the release and nothing else.")

    def _pdf(self, language: str | None = None) -> _Response:
        try:
            data = self.server.preview.pdf(language)
        except InvalidFormError as error:
            return _text(HTTPStatus.CONFLICT, f"No PDF: {error}.")
        except NoTranslationError as error:
            return _text(HTTPStatus.NOT_FOUND, f"No PDF: {error}.")
        except AuthoringError as error:
            return _text(HTTPStatus.INTERNAL_SERVER_ERROR, f"No PDF: {error}")
        name, pdf = data
        disposition = ("Content-Disposition", f'inline; filename="{name}"')
        return _Response(HTTPStatus.OK, pdf, "application/pdf", (disposition,))

    def log_message(self, format: str, *args: object) -> None:
        log.debug("preview: %s", format % args)


def _text(status: HTTPStatus, message: str) -> _Response:
    return _Response(status, f"{message}\n".encode(), "text/plain; charset=utf-8")


class PreviewServer(ThreadingHTTPServer):
    """The preview's HTTP server, on 127.0.0.1 only."""

    daemon_threads = True
    request_queue_size = BACKLOG

    def __init__(
        self, preview: Preview, *, port: int = 0, idle_timeout: float = IDLE_TIMEOUT, max_threads: int = MAX_THREADS
    ) -> None:
        self.preview = preview
        self.idle_timeout = idle_timeout
        self._slots = threading.BoundedSemaphore(max_threads)
        self._closing = threading.Event()
        try:
            super().__init__((HOST, port), _Handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(f"port {port} is in use; choose another with --port, or leave it out") from exc
            raise UsageError(f"cannot listen on port {port}: {exc.strerror or exc}") from exc

    def process_request(self, request: Any, client_address: Any) -> None:
        """Answer in a thread of its own once one of the :data:`MAX_THREADS` is free (until then it waits)."""
        while not self._slots.acquire(timeout=0.25):
            if self._closing.is_set():
                self.shutdown_request(request)
                return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def shutdown(self) -> None:
        self._closing.set()  # a request waiting for a free thread is let go
        super().shutdown()

    def server_close(self) -> None:
        self._closing.set()
        super().server_close()

    def server_bind(self) -> None:
        # Skip HTTPServer's reverse DNS look-up of the host name: the address is all it needs.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = HOST, self.server_address[1]

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that went away mid-answer (a reload) is no error; anything else is logged."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            log.debug("preview: %s went away: %s", client_address, error)
        else:
            log.exception("preview: cannot answer %s", client_address)

    @property
    def port(self) -> int:
        """The port listened on (a free one if none was asked for)."""
        return self.server_port

    @property
    def url(self) -> str:
        """The page's address."""
        return f"http://{HOST}:{self.port}/"

    @property
    def hosts(self) -> frozenset[str]:
        """The ``Host`` headers answered."""
        names = (HOST, "localhost")
        return frozenset((*(f"{name}:{self.port}" for name in names), *(names if self.port == 80 else ())))


@contextmanager
def preview_server(
    form: Path,
    *,
    port: int = 0,
    campaign: Path | None = None,
    templates: Templates | None = None,
    pdf_engine: PdfEngine | None = None,
) -> Iterator[PreviewServer]:
    """A server for the preview of ``form``, its files watched; call ``serve_forever()`` on it.

    ``templates`` defaults to the shipped ones; ``pdf_engine`` (default: the campaign's) prints the PDF.

    On leaving, the watching stops and the port is closed. Raises :class:`UsageError` if
    the form is not a file or the port cannot be listened on.
    """
    preview = Preview(form, campaign=campaign, templates=templates, pdf_engine=pdf_engine)
    with PreviewServer(preview, port=port) as server:
        watcher = threading.Thread(target=preview.watch, name="preview-watch", daemon=True)
        watcher.start()
        try:
            yield server
        finally:
            preview.stop()
            watcher.join(timeout=5)
