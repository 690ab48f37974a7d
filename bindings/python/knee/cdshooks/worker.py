"""The gunicorn worker the service runs in (gunicorn_conf.py sets it): gunicorn's threaded
worker (gthread, Debian's gunicorn 20.1) with three changes.

* A new connection waits for its first byte in the worker's event loop, as a kept-alive one
  does, not in a thread: idle connections cost no thread and are closed after ``keepalive``
  seconds.
* Deadlines on the socket: the request line and headers must arrive within ``header_timeout``
  seconds of the first byte (else the connection is closed), the body within
  ``body_timeout`` seconds of the headers (else the application answers 408); each send may
  take ``send_timeout`` seconds. A client trickling a byte every few seconds is cut off.
* Requests gunicorn itself refuses (a request line or headers too long, a malformed request)
  are answered in JSON like every other error (431, 414, 400), with an audit line.

Graceful shutdown is gunicorn's: on SIGTERM a worker stops accepting, lets the calls in
flight finish (up to ``graceful_timeout``) and exits.
"""

from __future__ import annotations

import errno
import logging
import selectors
import socket
import time
from functools import partial
from typing import Any

from gunicorn.http import errors as http_errors
from gunicorn.workers.gthread import TConn, ThreadWorker

from . import audit, config
from .app import error_body, status_line

log = logging.getLogger("knee.cdshooks")


class DeadlineSocket:
    """A connected socket whose reads share one deadline per phase of a request. Past the
    header deadline a read returns b"" (gunicorn then closes the connection quietly); past
    the body deadline it raises TimeoutError (the application answers 408)."""

    def __init__(self, sock: socket.socket, header_timeout: float, body_timeout: float,
                 send_timeout: float) -> None:
        self._sock = sock
        self.header_timeout, self.body_timeout = header_timeout, body_timeout
        self.send_timeout = send_timeout
        self.phase, self.deadline = "header", time.monotonic() + header_timeout

    def start(self, phase: str) -> None:
        self.phase = phase
        self.deadline = time.monotonic() + (self.body_timeout if phase == "body"
                                            else self.header_timeout)

    def _expired(self) -> bytes:
        if self.phase == "body":
            raise TimeoutError("request body deadline")
        return b""

    def recv(self, n: int, *flags: Any) -> bytes:
        left = self.deadline - time.monotonic()
        if left <= 0:
            return self._expired()
        self._sock.settimeout(left)
        try:
            return self._sock.recv(n, *flags)
        except socket.timeout:
            return self._expired()

    def send(self, data: bytes, *flags: Any) -> int:
        self._sock.settimeout(self.send_timeout)
        return self._sock.send(data, *flags)

    def sendall(self, data: bytes, *flags: Any) -> None:
        self._sock.settimeout(self.send_timeout)
        self._sock.sendall(data, *flags)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


# gunicorn's parse errors -> (status, error code) of the JSON answer.
_REFUSED = (
    (http_errors.LimitRequestHeaders, 431, "headers-too-large"),
    (http_errors.LimitRequestLine, 414, "request-line-too-long"),
    (http_errors.ForbiddenProxyRequest, 403, "forbidden"),
    (http_errors.ParseException, 400, "bad-request"),
)


class Worker(ThreadWorker):
    """gthread with deadlines, idle connections in the event loop, and JSON errors."""

    def init_process(self) -> None:
        server = config.load()["server"]
        self.deadlines = (float(server["header_timeout"]), float(server["body_timeout"]),
                          float(server["send_timeout"]))
        super().init_process()

    def accept(self, server: Any, listener: Any) -> None:
        try:
            sock, client = listener.accept()
        except EnvironmentError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        wrapped: Any = sock if self.cfg.is_ssl else DeadlineSocket(sock, *self.deadlines)
        conn = TConn(self.cfg, wrapped, client, server)
        self.nr_conns += 1
        # Until its first byte, the connection waits in the event loop like a kept-alive one
        # (gthread's own reuse path takes it from there).
        conn.set_timeout()
        with self._lock:
            self._keep.append(conn)
            self.poller.register(conn.sock, selectors.EVENT_READ,
                                 partial(self.reuse_connection, conn))

    def enqueue_req(self, conn: Any) -> None:
        if isinstance(conn.sock, DeadlineSocket):
            conn.sock.start("header")
        super().enqueue_req(conn)

    def handle_request(self, req: Any, conn: Any) -> bool:
        if isinstance(conn.sock, DeadlineSocket):
            conn.sock.start("body")
        return super().handle_request(req, conn)

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        """gunicorn's refusals as JSON (its own page is HTML), and an audit line."""
        status, code = 500, "internal"
        for cls, st, c in _REFUSED:
            if isinstance(exc, cls):
                status, code = st, c
                break
        if status == 500:
            self.log.exception("Error handling request")
        call = audit.Call(audit.request_id(None), "-", "-")
        call.status = status
        call.note = type(exc).__name__
        audit.write(log, call)
        body = error_body(status, code, "the request was refused: %s" % code.replace("-", " "))
        head = ("HTTP/1.1 %s\r\nConnection: close\r\nContent-Type: application/json; "
                "charset=utf-8\r\nContent-Length: %d\r\nX-Request-Id: %s\r\n\r\n"
                % (status_line(status), len(body), call.rid))
        try:
            client.sendall(head.encode("latin-1") + body)
        except OSError:
            pass
