"""What only the production server does: gunicorn (python3-gunicorn) with several worker
processes sharing the jti store, a restart that remembers it, deadlines on headers and bodies,
idle connections that hold no thread, and a graceful shutdown that lets calls in flight
finish. The HTTP suites (cdshooks.*.gunicorn) run everything else against gunicorn too."""

import http.client
import json
import os
import re
import signal
import socket
import tempfile
import threading
import time
import unittest

from knee.cdshooks.fetch import fill_template

from support import (FHIR, SERVICE_URL, FakeFhir, Running, load, patient_view,
                     prefetch_from_bundle, searchset, token)

DISCOVERY = "/cds-services"
PV = "/cds-services/knee-oa-options"


def raw_request(port, data, timeout=10):
    """Send ``data`` on a new connection; the answer's status and JSON body."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks):
                head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
                n = int(re.search(rb"Content-Length: (\d+)", head).group(1))
                if len(body) >= n:
                    break
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    return int(head.split()[1]), head.decode("latin-1"), json.loads(body) if body else None


class WorkersTest(unittest.TestCase):
    def test_same_token_to_two_workers_accepted_once(self):
        """One token sent again and again on new connections: gunicorn's two workers both
        see it (the audit lines name the pid), one call gets in, every other one is refused
        as a replay, whichever worker takes it."""
        svc = Running(workers=2)
        try:
            tok = "Bearer " + token(SERVICE_URL + DISCOVERY)
            results = {}
            for n in range(200):
                rid = "replay-test-%03d" % n
                status, _, out = svc.request("GET", DISCOVERY, auth=tok,
                                             headers={"X-Request-Id": rid})
                results[rid] = (status, out.get("error") if status != 200 else None)
                if n >= 10 and svc.wait_for_log(lambda l: rid in l):
                    pids = {m.group(1) for m in (re.search(r"pid=(\d+)", l)
                                                 for l in svc.audit_lines()
                                                 if "rid=replay-test-" in l) if m}
                    if len(pids) >= 2:
                        break
            svc.wait_for_log(lambda l: rid in l)
            lines = [l for l in svc.audit_lines() if "rid=replay-test-" in l]
        finally:
            svc.stop()
        statuses = [s for s, _ in results.values()]
        self.assertEqual(statuses.count(200), 1, results)
        self.assertEqual({e for s, e in results.values() if s != 200},
                         {"unauthorized:replayed-jti"})
        pid_of = {re.search(r"rid=(\S+)", l).group(1): re.search(r"pid=(\d+)", l).group(1)
                  for l in lines}
        accepted = next(r for r, (s, _) in results.items() if s == 200)
        other = {pid_of[r] for r, (s, _) in results.items() if s == 401} - {pid_of[accepted]}
        self.assertTrue(other, "no refusal came from the other worker: %s" % pid_of)

    def test_restart_remembers_the_jti(self):
        with tempfile.TemporaryDirectory() as tmp:
            tok = "Bearer " + token(SERVICE_URL + DISCOVERY)
            svc = Running(state_dir=tmp)
            try:
                self.assertEqual(svc.request("GET", DISCOVERY, auth=tok)[0], 200)
            finally:
                svc.stop()
            svc = Running(state_dir=tmp)
            try:
                status, _, out = svc.request("GET", DISCOVERY, auth=tok)
            finally:
                svc.stop()
        self.assertEqual((status, out["error"]), (401, "unauthorized:replayed-jti"))


class DeadlineTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.svc = Running(workers=1, server={"header_timeout": 1, "body_timeout": 1,
                                             "threads": 1, "keepalive": 2})

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    def trickle(self, first, byte, seconds=12.0):
        """Send ``first``, then ``byte`` every 0.2 s for up to ``seconds``: (closed by the
        server?, what it answered)."""
        sock = socket.create_connection(("127.0.0.1", self.svc.port), timeout=seconds)
        sock.sendall(first)
        sock.settimeout(0.2)
        got, end = b"", time.time() + seconds
        try:
            while time.time() < end:
                try:
                    chunk = sock.recv(65536)
                    if not chunk:
                        return True, got
                    got += chunk
                except socket.timeout:
                    pass
                except ConnectionResetError:
                    # closed with our trickled bytes still unread: the kernel sends a reset
                    # instead of an orderly close (seen on a loaded CI machine)
                    return True, got
                try:
                    sock.sendall(byte)
                except OSError:
                    return True, got
            return False, got
        finally:
            sock.close()

    def test_headers_trickled_are_cut_off(self):
        # Without a deadline the service would read these headers for as long as they come.
        closed, _ = self.trickle(b"GET /cds-services HTTP/1.1\r\nHost: x\r\nX-Slow: ", b"a")
        self.assertTrue(closed)

    def test_body_trickled_is_408(self):
        head = ("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: "
                "application/json\r\nContent-Length: 1000\r\n\r\n{" % (PV, token(SERVICE_URL + PV)))
        closed, got = self.trickle(head.encode(), b" ")
        self.assertTrue(got.startswith(b"HTTP/1.1 408 "), got[:100])
        body = json.loads(got.partition(b"\r\n\r\n")[2])
        self.assertEqual(body["error"], "timeout")

    def test_idle_connections_hold_no_thread(self):
        """50 connections that never send a byte, one thread in the one worker: a call still
        gets its answer (gthread alone gives each new connection a thread until its request
        comes), and the idle ones are closed after keepalive seconds."""
        idle = [socket.create_connection(("127.0.0.1", self.svc.port)) for _ in range(50)]
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.svc.port, timeout=10)
            conn.request("GET", DISCOVERY, headers={
                "Authorization": "Bearer " + token(SERVICE_URL + DISCOVERY)})
            self.assertEqual(conn.getresponse().status, 200)
            conn.close()
            idle[0].settimeout(10)
            self.assertEqual(idle[0].recv(1), b"")   # closed by the service
        finally:
            for s in idle:
                s.close()


class GracefulShutdownTest(unittest.TestCase):
    def test_sigterm_lets_calls_in_flight_finish(self):
        """SIGTERM while a call waits for a slow FHIR server: the call still gets its card,
        gunicorn then exits 0, and new connections are refused."""
        fake = FakeFhir({}, delays={"Condition": 1.5})
        svc = Running(fhir_servers=[fake.base], fetch_deadline_ms=10000,
                      server={"graceful_timeout": 30})
        try:
            knee_pre = prefetch_from_bundle(load(os.path.join(FHIR, "knee-bundle.json")),
                                            svc.templates)
            for key, template in svc.templates.items():
                fake.answers[fill_template(template, {"patientId": "p1"})] = \
                    (200, knee_pre[key] or searchset([]))
            req = patient_view("p1")
            req["fhirServer"] = fake.base
            result = {}

            def call():
                result["answer"] = svc.request("POST", PV, req)

            t = threading.Thread(target=call)
            t.start()
            deadline = time.time() + 10
            while not any(p.startswith("/fhir/Condition") for p in fake.paths()) and \
                    time.time() < deadline:
                time.sleep(0.02)
            svc.proc.send_signal(signal.SIGTERM)       # the call is in flight now
            t.join(30)
            code = svc.proc.wait(30)
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", svc.port), timeout=2).close()
        finally:
            svc.stop()
            fake.stop()
        status, _, out = result["answer"]
        self.assertEqual(status, 200, out)
        self.assertEqual(len(out["cards"]), 1)
        self.assertEqual(code, 0)


if __name__ == "__main__":
    unittest.main()
