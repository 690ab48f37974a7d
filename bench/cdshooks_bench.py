"""CDS Hooks service response time (docs/cds-hooks.md): the service on 127.0.0.1 (the
standard-library server, in this process) with JWT authentication, real HTTP requests (one
keep-alive connection), tokens signed beforehand. bench/cdshooks_load.py measures gunicorn
under concurrent load.
Prints the median and 90th percentile over N requests per case; the spec asks for answers
"on the order of 500 ms".

    LIBKNEE_PATH=build/libknee.so.0 PYTHONPATH=bindings/python:tests/cdshooks \
        /usr/bin/python3 bench/cdshooks_bench.py [N]
"""

import http.client
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "cdshooks"))
os.environ.setdefault("KNEE_SOURCE_DIR", os.path.normpath(os.path.join(HERE, "..")))

from support import (FHIR, SERVICE_URL, SYNTHEA, Running, load, order_select,  # noqa: E402
                     patient_view, prefetch_from_bundle, token)


def timed(port, method, path, bodies):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for body in bodies:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": "Bearer " + token(SERVICE_URL + path),
                   "Content-Type": "application/json"}
        t0 = time.perf_counter()
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        resp.read()
        times.append((time.perf_counter() - t0) * 1000.0)
        if resp.status != 200:
            raise SystemExit("%s %s: HTTP %d" % (method, path, resp.status))
    conn.close()
    return times


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    svc = Running()
    # The same patient is sent again and again: no answer kept, each call computes its card.
    svc.service.pictures.size = 0
    try:
        t = svc.templates
        knee_pre = prefetch_from_bundle(load(os.path.join(FHIR, "knee-bundle.json")), t)
        big = load(os.path.join(FHIR, SYNTHEA[0]))
        big_id = next(e["resource"]["id"] for e in big["entry"]
                      if e["resource"]["resourceType"] == "Patient")
        big_pre = prefetch_from_bundle(big, t)
        cases = [
            ("discovery", "GET", "/cds-services", [None] * n),
            ("patient-view, knee bundle", "POST", "/cds-services/knee-oa-options",
             [patient_view("p1", knee_pre) for _ in range(n)]),
            ("patient-view, Synthea patient (%d KB request)"
             % (len(json.dumps(patient_view(big_id, big_pre))) // 1024),
             "POST", "/cds-services/knee-oa-options",
             [patient_view(big_id, big_pre) for _ in range(n)]),
            ("order-select, knee bundle", "POST", "/cds-services/knee-oa-order-check",
             [order_select("p1", knee_pre) for _ in range(n)]),
        ]
        print("CDS Hooks service, %d requests per case, JWT ES384 verified on each, "
              "one keep-alive connection:" % n)
        for label, method, path, bodies in cases:
            times = sorted(timed(svc.port, method, path, bodies))
            print("  %-48s median %6.2f ms   p90 %6.2f ms" % (
                label, statistics.median(times), times[int(0.9 * (len(times) - 1))]))
    finally:
        svc.stop()


if __name__ == "__main__":
    main()
