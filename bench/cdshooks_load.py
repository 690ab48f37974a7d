"""CDS Hooks service under load (docs/cds-hooks.md, "Performance"): requests per second and
p50/p90/p99 latency of patient-view calls (the constructed knee bundle, prefetch complete, an
ES384 JWT verified on each, its jti recorded in the shared SQLite store) from 20 concurrent
clients on keep-alive connections, against gunicorn with 1 and 4 workers; then a burst of 100
new connections at once (discovery), against gunicorn and the standard-library trial server.
Standard library only on the client side; tokens are signed before the clock starts.

    LIBKNEE_PATH=build/libknee.so.0 PYTHONPATH=bindings/python \\
        /usr/bin/python3 bench/cdshooks_load.py [REQUESTS]

Prints one line per case; figures are from one run on the machine it runs on (compare
ratios within a run). The CPU time the service spent per call (its processes' user + system
time, from /proc) depends little on what else the machine runs: a core serves about
1000 / that many calls per second.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "cdshooks"))
os.environ.setdefault("KNEE_SOURCE_DIR", os.path.normpath(os.path.join(HERE, "..")))

from support import (FHIR, ISSUER, KEYS, SERVICE_URL, load, patient_view,  # noqa: E402
                     prefetch_from_bundle, token)

PV = "/cds-services/knee-oa-options"
CLIENTS = 20
BURST = 100


def start(conf, server_cmd, tmp):
    """The service in a subprocess; (process, port)."""
    path = os.path.join(tmp, "cds-%d.json" % time.monotonic_ns())
    with open(path, "w", encoding="utf-8") as f:
        json.dump(conf, f)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KNEE_CDS_")}
    env["KNEE_CDS_CONFIG"] = path
    proc = subprocess.Popen(server_cmd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    port, booted = None, 0
    workers = conf.get("server", {}).get("workers", 1)
    for line in proc.stderr:
        if "Listening at: http://127.0.0.1:" in line:
            port = int(line.split("127.0.0.1:")[1].split()[0])
        if "listening on 127.0.0.1:" in line:
            port, booted = int(line.rsplit(":", 1)[1]), workers
        if "Booting worker" in line:
            booted += 1
        if port and booted >= workers:
            break
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
    time.sleep(1.0)   # workers import the service
    return proc, port


def stop(proc):
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()


def cpu_seconds(pid):
    """CPU time (user + system) of process ``pid`` and its children alive now (gunicorn's
    workers), from /proc: what the calls cost whatever else the machine runs."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(fields[1]) == pid:     # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def pct(sorted_ms, p):
    return sorted_ms[min(len(sorted_ms) - 1, int(round(p / 100.0 * (len(sorted_ms) - 1))))]


def bodies(pre, n, start=0):
    """n patient-view calls, each for a patient with another BMI (so no answer is one the
    service computed before)."""
    out = []
    for i in range(n):
        p = json.loads(json.dumps(pre))
        for e in p["observations"]["entry"]:
            if e["resource"]["id"] == "bmi1":
                e["resource"]["valueQuantity"]["value"] = round(22.0 + 0.01 * (start + i), 2)
        out.append(json.dumps(patient_view("p1", p)).encode())
    return out


def load_run(port, calls):
    """The calls from CLIENTS threads, each on its own keep-alive connection:
    (requests/s, latencies in ms sorted)."""
    n = len(calls)
    tokens = [token(SERVICE_URL + PV) for _ in range(n)]
    lock, times, errors = threading.Lock(), [], []
    next_i = [0]
    gate = threading.Barrier(CLIENTS + 1)

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        gate.wait()
        while True:
            with lock:
                i = next_i[0]
                next_i[0] += 1
            if i >= n:
                break
            t0 = time.perf_counter()
            conn.request("POST", PV, body=calls[i], headers={
                "Authorization": "Bearer " + tokens[i], "Content-Type": "application/json"})
            resp = conn.getresponse()
            resp.read()
            ms = (time.perf_counter() - t0) * 1000.0
            with lock:
                times.append(ms)
                if resp.status != 200:
                    errors.append(resp.status)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    gate.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        raise SystemExit("HTTP errors under load: %s" % sorted(set(errors)))
    return n / wall, sorted(times)


def burst(port):
    """BURST new connections at once, one discovery call each: latencies (connect to answer),
    sorted, in ms."""
    gate = threading.Barrier(BURST)
    times, lock = [], threading.Lock()

    def one():
        gate.wait()
        t0 = time.perf_counter()
        s = socket.create_connection(("127.0.0.1", port), timeout=120)
        s.sendall(b"GET /cds-services HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        while s.recv(65536):
            pass
        s.close()
        with lock:
            times.append((time.perf_counter() - t0) * 1000.0)

    threads = [threading.Thread(target=one) for _ in range(BURST)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(times)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", "python:knee.cdshooks.gunicorn_conf",
                "knee.cdshooks.wsgi:application"]
    stdlib = [sys.executable, "-m", "knee.cdshooks", "--port", "0"]
    import knee
    with knee.Ruleset.default() as rs:
        templates = rs.fhir_prefetch()
    pre = prefetch_from_bundle(load(os.path.join(FHIR, "knee-bundle.json")), templates)
    calls = bodies(pre, n)
    print("CDS Hooks service under load: patient-view (knee bundle, %d KB request, another BMI "
          "in each call), JWT ES384 verified, jti recorded; %d clients on keep-alive "
          "connections, %d calls per case" % (len(calls[0]) // 1024, CLIENTS, n))
    with tempfile.TemporaryDirectory() as tmp:
        base = {"service_url": SERVICE_URL, "state_dir": os.path.join(tmp, "state"),
                "issuers": {ISSUER: {"jwks": KEYS.jwks()}}}
        for workers in (1, 4):
            conf = dict(base, server={"bind": "127.0.0.1:0", "workers": workers, "threads": 4})
            proc, port = start(conf, gunicorn, tmp)
            try:
                load_run(port, bodies(pre, min(100, n), 4000))    # warm-up, other BMIs
                cpu0 = cpu_seconds(proc.pid)
                rps, ms = load_run(port, calls)
                cpu = (cpu_seconds(proc.pid) - cpu0) * 1000.0 / n
            finally:
                stop(proc)
            print("  gunicorn, %d worker%s x 4 threads: %6.0f requests/s   p50 %6.1f ms   "
                  "p90 %6.1f ms   p99 %6.1f ms   (service CPU %.1f ms per call)"
                  % (workers, "" if workers == 1 else "s", rps, pct(ms, 50), pct(ms, 90),
                     pct(ms, 99), cpu))
        print("Burst of %d new connections at once (discovery, no token: connection handling "
              "only):" % BURST)
        open_conf = {"service_url": SERVICE_URL, "insecure_no_auth": True}
        for label, cmd, conf in (
                ("gunicorn, 4 workers", gunicorn,
                 dict(open_conf, state_dir=os.path.join(tmp, "s2"),
                      server={"bind": "127.0.0.1:0", "workers": 4})),
                ("standard-library trial server", stdlib, open_conf)):
            proc, port = start(conf, cmd, tmp)
            try:
                ms = burst(port)
            finally:
                stop(proc)
            print("  %-32s p50 %7.1f ms   p99 %7.1f ms   worst %7.1f ms"
                  % (label, pct(ms, 50), pct(ms, 99), ms[-1]))


if __name__ == "__main__":
    main()
