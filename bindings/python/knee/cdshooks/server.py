"""A small HTTP server for local trials (``python3 -m knee.cdshooks``): the standard
library's ThreadingHTTPServer running the WSGI application (app.py) in-process, one thread
per connection. Production runs the same application under gunicorn (wsgi.py, worker.py):
several processes, deadlines on headers and bodies, graceful shutdown.

Every answer is the application's, JSON; the few the HTTP layer makes itself (a request line
or headers too long, an unknown method, a malformed request) are JSON too.
"""

from __future__ import annotations

import io
import logging
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple

from .app import KNOWN_METHODS, Application, error_body

log = logging.getLogger("knee.cdshooks")
BODY_TIMEOUT = 20.0


class _Body(io.RawIOBase):
    """wsgi.input: the request body read from the connection, all of it within BODY_TIMEOUT
    seconds (TimeoutError after: the application answers 408)."""

    def __init__(self, rfile: Any, sock: socket.socket, timeout: float) -> None:
        super().__init__()
        self._rfile, self._sock = rfile, sock
        self._deadline = time.monotonic() + timeout

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("request body deadline")
        self._sock.settimeout(left)
        return self._rfile.read1(n if n >= 0 else 65536)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "knee-cdshooks"
    sys_version = ""
    timeout = 15
    app: Application   # set on the subclass make_server() builds

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every answer on a keep-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """The base class would log the request line: never (it may carry client text)."""

    def send_error(self, code: int, message: Optional[str] = None,
                   explain: Optional[str] = None) -> None:
        """http.server's own refusals (431, 414, 501, 505, 400) as JSON, not its HTML."""
        # Fixed words: http.server's own message may quote the client's request line.
        err = {431: "headers-too-large", 414: "request-line-too-long",
               501: "not-implemented", 505: "http-version"}.get(code, "bad-request")
        body = error_body(code, err, "the request was refused: " + err.replace("-", " "))
        self.close_connection = True
        # A request line http.server cannot read leaves it in HTTP/0.9 mode, which sends a
        # body without a status line: answer as HTTP/1.x (no HTTP/0.9 client exists).
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD" and code >= 200 and code not in (204, 304):
                self.wfile.write(body)
        except OSError:
            pass

    def _environ(self) -> Dict[str, Any]:
        path, _, query = self.path.partition("?")
        env: Dict[str, Any] = {
            "REQUEST_METHOD": self.command, "PATH_INFO": path, "QUERY_STRING": query,
            "SERVER_PROTOCOL": self.request_version, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": str(self.server.server_address[1]), "SCRIPT_NAME": "",
            "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
            "wsgi.input": _Body(self.rfile, self.connection, BODY_TIMEOUT)}
        for name, value in self.headers.items():
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_LENGTH", "CONTENT_TYPE"):
                env[key] = value
            elif "HTTP_" + key not in env:
                env["HTTP_" + key] = value
        return env

    def _run(self) -> None:
        out: List[Tuple[str, List[Tuple[str, str]]]] = []
        chunks = self.app(self._environ(), lambda status, headers, exc=None:
                          out.append((status, headers)))
        status, headers = out[0]
        code = int(status.split(" ", 1)[0])
        length = int(self.headers.get("Content-Length") or 0)
        if code >= 400 and self.command in ("POST", "PUT", "PATCH") and (
                length or self.headers.get("Transfer-Encoding")):
            self.close_connection = True   # the body may be unread
        try:
            self.send_response(code, status.split(" ", 1)[1])
            for k, v in headers:
                self.send_header(k, v)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            for chunk in chunks:
                self.wfile.write(chunk)
        except OSError:
            self.close_connection = True   # the client left: nothing more to do
        self.connection.settimeout(self.timeout)   # the body read shortened it


for _m in KNOWN_METHODS:
    setattr(_Handler, "do_" + _m, _Handler._run)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The listen backlog: http.server's 5 made a burst of 100 new connections wait up to
    # 14.5 s for SYN retransmissions.
    request_queue_size = 128


def make_server(app: Application, host: str = "127.0.0.1", port: int = 0) -> Server:
    """A threading HTTP server for the WSGI application ``app`` (port 0: an ephemeral port,
    see ``server.server_address``). Call serve_forever(); shutdown() stops it."""
    handler = type("Handler", (_Handler,), {"app": app})
    return Server((host, port), handler)


def serve(app: Application, host: str, port: int) -> None:  # pragma: no cover
    srv = make_server(app, host, port)
    log.info("listening on %s:%d", *srv.server_address[:2])
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
