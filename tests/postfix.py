"""A real Postfix for the tests: a private instance on 127.0.0.1, delivering every message to one Maildir.

Installed by ``scripts/install-postfix`` (CI runs it). Each :class:`Postfix` is an instance
of its own: its configuration, queue, data and Maildir in a temporary folder, its
``smtpd`` on a free port of 127.0.0.1, started with ``postfix -c <its folder> start`` and
stopped (and removed) afterwards; the system's Postfix, if any, is left alone. Every
domain is taken as a mailbox domain of this instance (``virtual_mailbox_domains =
static:all``), so any address reaches the one Maildir, and Postfix's ``virtual`` agent
writes the envelope recipient as ``Delivered-To``. It can ask for STARTTLS with a
certificate signed by an authority the test makes (:func:`make_authority`), and take
messages up to a size.

Starting Postfix needs root (its master process changes to the ``postfix`` user); without
Postfix or root, :func:`postfix_or_skip` skips the test, saying why.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from tests.smtp_server import HOST, free_port

POSTFIX = Path("/usr/sbin/postfix")
POSTCONF = Path("/usr/sbin/postconf")


def postfix_or_skip() -> None:
    """Skip the calling test, saying why, if a private Postfix cannot run here."""
    if not POSTFIX.exists():
        pytest.skip("Postfix is not installed: run scripts/install-postfix (CI does)")
    if os.geteuid() != 0:
        pytest.skip("a private Postfix instance must be started as root (its master changes user)")
    try:
        import pwd

        pwd.getpwnam("postfix")
    except KeyError:
        pytest.skip("the postfix user does not exist: run scripts/install-postfix")


class Postfix:
    """``with Postfix(...) as server``: ``server.url()`` is what ``--smtp`` takes; ``server.messages(n)`` reads them."""

    def __init__(self, *, tls: tuple[Path, Path] | None = None, size_limit: int | None = None) -> None:
        self.port = free_port()
        self.tls = tls
        self.size_limit = size_limit
        # Not under pytest's tmp_path: its folders are private to root, and Postfix's own users must reach these.
        self.root = Path(tempfile.mkdtemp(prefix="authoring-postfix-"))
        self.root.chmod(0o755)
        self.config = self.root / "etc"
        self.maildir = self.root / "mail" / "inbox"

    def __enter__(self) -> Postfix:
        try:
            self._configure()
            self._postfix("start")
            self._wait_for_port()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if (self.root / "data" / "master.lock").exists():
            subprocess.run([str(POSTFIX), "-c", str(self.config), "stop"], capture_output=True, check=False)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and _master_running(self.root):
                time.sleep(0.1)
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, host: str = HOST) -> str:
        return f"smtp://{host}:{self.port}"

    @property
    def log(self) -> str:
        path = self.root / "maillog"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def messages(self, count: int, *, timeout: float = 20.0) -> list[EmailMessage]:
        """The first ``count`` messages delivered to the Maildir (waiting for them), oldest first."""
        deadline = time.monotonic() + timeout
        while True:
            files = sorted((self.maildir / "new").glob("*"), key=lambda path: path.stat().st_mtime_ns)
            if len(files) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert len(files) >= count, f"Postfix delivered {len(files)} of {count} messages; its log:\n{self.log}"
        parser = BytesParser(_class=EmailMessage, policy=policy.default)
        parsed = [parser.parsebytes(path.read_bytes()) for path in files]
        return [message for message in parsed if isinstance(message, EmailMessage)]

    def delivered_count(self) -> int:
        return len(list((self.maildir / "new").glob("*")))

    def _configure(self) -> None:
        for name in ("etc", "queue", "data", "mail"):
            (self.root / name).mkdir()
        shutil.chown(self.root / "data", "postfix")
        shutil.chown(self.root / "mail", "postfix")
        ids = subprocess.run(["id", "-u", "postfix"], capture_output=True, text=True, check=True).stdout.strip()
        gid = subprocess.run(["id", "-g", "postfix"], capture_output=True, text=True, check=True).stdout.strip()
        settings = {
            "compatibility_level": "3.6",
            "queue_directory": self.root / "queue",
            "data_directory": self.root / "data",
            "command_directory": "/usr/sbin",
            "daemon_directory": "/usr/lib/postfix/sbin",
            "meta_directory": "/etc/postfix",
            "shlib_directory": "/usr/lib/postfix",
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "myhostname": "mx.postfix.test",
            "mydomain": "postfix.test",
            "mydestination": "",
            "inet_interfaces": HOST,
            "inet_protocols": "ipv4",
            "mynetworks": "127.0.0.0/8",
            "smtpd_relay_restrictions": "permit_mynetworks, reject",
            "virtual_mailbox_domains": "static:all",
            "virtual_mailbox_base": self.root / "mail",
            "virtual_mailbox_maps": "static:inbox/",
            "virtual_uid_maps": f"static:{ids}",
            "virtual_gid_maps": f"static:{gid}",
            "maillog_file": self.root / "maillog",
            "maillog_file_prefixes": self.root,
            "smtputf8_enable": "yes",
            "message_size_limit": self.size_limit or 10_240_000,
            "virtual_mailbox_limit": 0,
        }
        if self.tls:
            tls = self.root / "tls"
            tls.mkdir()
            cert, key = (Path(shutil.copy(path, tls / path.name)) for path in self.tls)
            settings |= {
                "smtpd_tls_security_level": "may",
                "smtpd_tls_cert_file": cert,
                "smtpd_tls_key_file": key,
                "smtpd_tls_received_header": "yes",
            }
        main = "".join(f"{name} = {value}\n" for name, value in settings.items())
        (self.config / "main.cf").write_text(main, encoding="utf-8")
        (self.config / "master.cf").write_text(self._master(), encoding="utf-8")

    def _master(self) -> str:
        """Debian's master.cf, nothing chrooted, with ``smtpd`` on this instance's port of 127.0.0.1."""
        lines = []
        for line in Path("/etc/postfix/master.cf").read_text(encoding="utf-8").splitlines():
            if line[:1] not in ("#", " ", "\t", ""):
                fields = line.split()
                if fields[:2] == ["smtp", "inet"]:
                    fields[0] = f"{HOST}:{self.port}"
                if len(fields) >= 8:
                    fields[4] = "n"
                line = " ".join(fields)
            lines.append(line)
        return "\n".join(lines) + "\n"

    def _postfix(self, command: str) -> None:
        result = subprocess.run(
            [str(POSTFIX), "-c", str(self.config), command], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"postfix {command} failed ({result.returncode}): {result.stderr}\n{self.log}")

    def _wait_for_port(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=1) as probe:
                    if probe.recv(3) == b"220":
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"Postfix did not listen on {HOST}:{self.port}; its log:\n{self.log}")


def _master_running(root: Path) -> bool:
    pid_file = root / "queue" / "pid" / "master.pid"
    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return False
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return status != "Z"


def make_authority(folder: Path, *, names: str = "DNS:localhost") -> tuple[Path, Path, Path]:
    """A certificate authority (``ca.pem``) and a server certificate it signed for ``names``: (ca, cert, key)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed: cannot make a certificate authority")
    ca_key, ca, key, request, cert = (folder / name for name in ("ca.key", "ca.pem", "key.pem", "req.csr", "cert.pem"))
    extensions = folder / "ext.cnf"
    extensions.write_text(f"subjectAltName={names}\n", encoding="ascii")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test Press Office CA",
        "-keyout", str(ca_key), "-out", str(ca))  # fmt: skip
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(request))
    run("x509", "-req", "-in", str(request), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial",
        "-days", "2", "-extfile", str(extensions), "-out", str(cert))  # fmt: skip
    for path in (cert, key):
        path.chmod(0o644)
    return ca, cert, key
