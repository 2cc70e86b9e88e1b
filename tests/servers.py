"""Real servers for the tests: Dovecot IMAP and an aiosmtpd SMTP sink, on loopback."""

from __future__ import annotations

import contextlib
import html
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/log/dovecot.log
{ssl_settings}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = 1
auth_failure_delay = 0
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}{tls_listener}{login_chroot}
}}
service anvil {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {d}/users
  default_fields = uid={mail_user} gid={mail_group} home={d}/mail/%u
}}
mail_location = maildir:~/Maildir
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


class Dovecot:
    """Dovecot started from a config in a temporary folder; one user per test."""

    def __init__(self, tls: bool = False, extra_conf: str = "") -> None:
        binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        if not Path(binary).exists():
            raise RuntimeError("dovecot is not installed; run scripts/test.sh to install it")
        self.binary = binary
        self.dir = Path(tempfile.mkdtemp(prefix="dovecot-"))
        self.dir.chmod(0o755)
        self.port = free_port()
        self.tls_port = free_port() if tls else 0
        self.cert = self.dir / "cert.pem"
        as_root = os.geteuid() == 0
        for sub in ("mail", "run", "state", "log"):
            (self.dir / sub).mkdir()
        if as_root:
            shutil.chown(self.dir / "mail", "dovecot", "dovecot")
            internal, login, mail = "dovecot", "dovenull", "dovecot"
            chroot = ""
        else:
            me = os.environ.get("USER") or str(os.geteuid())
            internal = login = mail = me
            chroot = "\n  chroot ="
        (self.dir / "users").write_text("")
        ssl_settings, tls_listener = "ssl = no", ""
        if tls:
            self._make_certificate()
            ssl_settings = f"ssl = yes\nssl_cert = <{self.cert}\nssl_key = <{self.dir / 'key.pem'}"
            tls_listener = (
                f"\n  inet_listener imaps {{\n    address = 127.0.0.1\n"
                f"    port = {self.tls_port}\n    ssl = yes\n  }}"
            )
        conf = DOVECOT_CONF.format(
            ssl_settings=ssl_settings,
            tls_listener=tls_listener,
            d=self.dir,
            port=self.port,
            internal_user=internal,
            internal_group=internal,
            login_user=login,
            mail_user=mail,
            mail_group=mail,
            login_chroot=chroot,
        )
        self.conf = self.dir / "dovecot.conf"
        self.conf.write_text(conf + extra_conf)

    def _make_certificate(self) -> None:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(self.dir / "key.pem"), "-out", str(self.cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        (self.dir / "key.pem").chmod(0o644)

    def add_users(self, names: list[str], password: str) -> None:
        """Users written before start: Dovecot may miss a change within the same second."""
        with (self.dir / "users").open("a") as users:
            for name in names:
                users.write(f"{name}:{{PLAIN}}{password}::::::\n")

    def start(self) -> None:
        # The daemon inherits the output streams: pipes would never reach EOF.
        with (self.dir / "log" / "start.log").open("wb") as out:
            subprocess.run([self.binary, "-c", str(self.conf)], check=True, stdout=out, stderr=out)
        wait_for_port(self.port)
        if self.tls_port:
            wait_for_port(self.tls_port)

    def stop(self) -> None:
        pid_file = self.dir / "run" / "master.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().strip())
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self) -> str:
        path = self.dir / "log" / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


@dataclass
class _SinkHandler:
    received: list[ReceivedMail] = field(default_factory=list)
    refuse_with: str | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.refuse_with:
            return self.refuse_with
        self.received.append(
            ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        )
        return "250 OK"


class SmtpSink:
    """A real SMTP server (aiosmtpd) that keeps what it receives."""

    def __init__(self) -> None:
        self.handler = _SinkHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def received(self) -> list[ReceivedMail]:
        return self.handler.received

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


class FlakySiteServer:
    """Serves a folder over HTTP; chosen paths answer 500 a given number of times first."""

    def __init__(
        self,
        directory: Path,
        failures: dict[str, int] | None = None,
        throttled: dict[str, int] | None = None,
        missing: str = "404",
    ) -> None:
        """``failures``: paths that answer 500 so many times first; ``throttled``: paths
        that answer 429 with Retry-After: 1 so many times first; ``missing``: how an
        address with no file is answered: "404", "soft" (200 and a page that says it
        is not there, naming the address) or "home" (a redirect to the home page)."""
        import functools
        import threading
        from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

        remaining = dict(failures or {})
        self.failures = remaining  # a test may make a path fail later
        throttling = dict(throttled or {})
        self.requests: list[tuple[str, str]] = []
        self.times: list[float] = []  # time.monotonic() of each request, in order
        outer = self

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                conditional = "conditional" if self.headers.get("If-Modified-Since") else "plain"
                outer.requests.append((self.path, conditional))
                outer.times.append(time.monotonic())
                if remaining.get(self.path, 0) > 0:
                    remaining[self.path] -= 1
                    self.send_error(500, "temporary failure")
                    return
                if missing != "404" and not Path(self.translate_path(self.path)).exists():
                    if missing == "home":
                        self.send_response(302)
                        self.send_header("Location", "/")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    body = (
                        "<html><head><title>Страница не найдена</title></head><body>"
                        '<nav><a href="/">Главная</a></nav><main><h1>Страница не найдена'
                        f"</h1><p>Адреса {html.escape(self.path)} нет. Проверьте ссылку или "
                        "начните с главной.</p></main></body></html>"
                    ).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if throttling.get(self.path, 0) > 0:
                    throttling[self.path] -= 1
                    self.send_response(429)
                    self.send_header("Retry-After", "1")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                super().do_GET()

            def log_message(self, format: str, *args: Any) -> None:
                return

        handler = functools.partial(Handler, directory=str(directory))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
