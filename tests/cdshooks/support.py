"""Helpers for the CDS Hooks service tests: a running service on 127.0.0.1 (ephemeral port),
JWTs signed with keys generated here, a fake FHIR server, requests built from the spec's
examples, and a checker of card JSON against the spec's required fields.

CTest sets LIBKNEE_PATH, PYTHONPATH (bindings/python) and KNEE_SOURCE_DIR; the tests run with
Debian's /usr/bin/python3 (python3-jwt, python3-cryptography).
"""

import base64
import copy
import json
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm

import knee
from knee.cdshooks import make_server

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("KNEE_SOURCE_DIR") or os.path.normpath(os.path.join(HERE, "..", ".."))
FHIR = os.path.join(SOURCE_DIR, "tests", "data", "fhir")
DATA = os.path.join(HERE, "data")
SERVICE_URL = "https://cds.example.org"
ISSUER = "https://fhir-ehr.example.com/"
AS_OF = "2026-01-15"
SYNTHEA = ["Chauncey_Johnston_f4673866-81fb-411a-8486-0c27f2a5b480.json",
           "Luis923_Gusikowski974_f6fe2115-82df-42db-88fd-cae438909ec0.json"]


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# ---- keys and tokens ---------------------------------------------------------------------------

def ec_public_jwk(key):
    """The public JWK of an EC P-384 key, coordinates at their full 48 bytes as RFC 7518
    6.2.1.2 requires. Debian 12's PyJWT 2.6 ``ECAlgorithm.to_jwk`` drops leading zero bytes, so
    about one key in 128 came out 47 bytes long and its own ``from_jwk`` refused it."""
    numbers = key.public_key().public_numbers() if hasattr(key, "public_key") else \
        key.public_numbers()

    def coord(v):
        return base64.urlsafe_b64encode(v.to_bytes(48, "big")).rstrip(b"=").decode("ascii")
    return {"kty": "EC", "crv": "P-384", "x": coord(numbers.x), "y": coord(numbers.y)}


class Keys:
    """An EC P-384 (ES384) and an RSA (RS384) key pair of one issuer, generated per run."""

    def __init__(self, ec_key=None):
        self.ec = ec_key or ec.generate_private_key(ec.SECP384R1())
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self):
        e = ec_public_jwk(self.ec)
        e.update(kid="ec-1", use="sig", alg="ES384")
        r = json.loads(RSAAlgorithm.to_jwk(self.rsa.public_key()))
        r.update(kid="rsa-1", use="sig", alg="RS384")
        return {"keys": [e, r]}

    def rsa_public_pem(self):
        return self.rsa.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


KEYS = Keys()
OTHER_KEYS = Keys()   # the same kids, keys nobody configured


def token(aud, alg="ES384", kid=None, keys=KEYS, iss=ISSUER, lifetime=300, drop=(),
          typ="JWT", **claims):
    now = int(time.time())
    payload = {"iss": iss, "aud": aud, "exp": now + lifetime, "iat": now,
               "jti": str(uuid.uuid4()), "tenant": "2ddd6c3a-8e9a-44c6-a305-52111ad302a2"}
    payload.update(claims)
    for k in drop:
        payload.pop(k, None)
    key = keys.ec if alg.startswith("ES") else keys.rsa
    kid = kid or ("ec-1" if alg.startswith("ES") else "rsa-1")
    headers = {"kid": kid}
    if typ is not None:
        headers["typ"] = typ
    if typ is None:   # PyJWT adds typ JWT by itself: sign a header without it
        return _without_typ(key, alg, payload, kid)
    return jwt.encode(payload, key, algorithm=alg, headers=headers)


def _b64json(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()) \
        .rstrip(b"=").decode()


def _without_typ(key, alg, payload, kid):
    """A JWT whose header has no typ, signed properly (PyJWT always writes one)."""
    from jwt.algorithms import get_default_algorithms
    signing = "%s.%s" % (_b64json({"alg": alg, "kid": kid}), _b64json(payload))
    impl = get_default_algorithms()[alg]
    sig = impl.sign(signing.encode(), impl.prepare_key(key))
    return signing + "." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()


# ---- the service under test --------------------------------------------------------------------

# Which server the HTTP suites run against: the standard library's (in this process) or
# gunicorn with two workers (a subprocess), as in production. CTest runs each suite with both.
SERVER = os.environ.get("KNEE_TEST_CDS_SERVER", "stdlib")
WORKERS = 2


def service_config(auth=True, fhir_servers=(), **conf):
    """A service configuration (config.py keys) for the tests: the test issuer with this
    run's keys, its FHIR servers, no fixed as-of date."""
    out = {"service_url": SERVICE_URL}
    if auth:
        out["issuers"] = {ISSUER: {"jwks": KEYS.jwks(), "fhir_servers": list(fhir_servers)}}
    else:
        out["insecure_no_auth"] = True
        out["fhir_servers"] = list(fhir_servers)
    out.update(conf)
    return out


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


class Running:
    """The service built from ``service_config(**kw)``, listening on 127.0.0.1 (an ephemeral
    port): in this process on the standard library's server, or under gunicorn with
    ``workers`` workers (``kind``, default $KNEE_TEST_CDS_SERVER). ``rules``: a rule file path.
    ``request()`` sends a call; ``log_lines()`` is what the service logged; ``stop()``."""

    def __init__(self, rules=None, auth=True, fhir_servers=(), kind=None, workers=WORKERS,
                 **conf):
        self.kind = kind or SERVER
        self.conf = service_config(auth, fhir_servers, **conf)
        if rules:
            self.conf["rules"] = rules
        with (knee.Ruleset.load(rules) if rules else knee.Ruleset.default()) as rs:
            self.templates = rs.fhir_prefetch()
        self._tmp = tempfile.TemporaryDirectory()
        if self.kind == "gunicorn":
            self._start_gunicorn(workers)
        else:
            self._start_stdlib()

    def _start_stdlib(self):
        from knee.cdshooks import config
        self._capture = _Capture()
        logger = logging.getLogger("knee.cdshooks")
        logger.addHandler(self._capture)
        logger.setLevel(logging.INFO)
        self.app = config.build(config.load(environ={}, overrides=self.conf), shared=False)
        self.service = self.app.service
        self.server = make_server(self.app, "127.0.0.1", 0)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _start_gunicorn(self, workers, timeout=60):
        conf = dict(self.conf)
        conf.setdefault("state_dir", os.path.join(self._tmp.name, "state"))
        conf["server"] = dict({"bind": "127.0.0.1:0", "workers": workers},
                              **conf.get("server", {}))
        self.conf_path = os.path.join(self._tmp.name, "cds.json")
        with open(self.conf_path, "w", encoding="utf-8") as f:
            json.dump(conf, f)
        self.lines = []
        self._ready = threading.Event()
        self.port = None
        env = {k: v for k, v in os.environ.items() if not k.startswith("KNEE_CDS_")}
        env["KNEE_CDS_CONFIG"] = self.conf_path
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:knee.cdshooks.gunicorn_conf",
             "knee.cdshooks.wsgi:application"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, env=env)
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.time() + timeout
        while time.time() < deadline and self.proc.poll() is None:
            booted = sum("Booting worker" in l for l in list(self.lines))
            if self.port and booted >= workers:
                try:
                    with urllib.request.urlopen(self.url("/health"), timeout=5) as r:
                        if r.status == 200:
                            return
                except (OSError, urllib.error.URLError):
                    pass
            time.sleep(0.05)
        self.proc.kill()
        raise RuntimeError("gunicorn did not start:\n" + "\n".join(self.lines))

    def _read(self):
        for line in self.proc.stderr:
            line = line.rstrip("\n")
            self.lines.append(line)
            m = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
            if m:
                self.port = int(m.group(1))

    def log_lines(self):
        """What the service logged so far (gunicorn: its stderr)."""
        if self.kind == "gunicorn":
            return list(self.lines)
        return list(self._capture.lines)

    def audit_lines(self):
        """The audit lines, without those of the harness's own /health probe at start."""
        return [l[l.index("audit "):] for l in self.log_lines()
                if "audit rid=" in l and "route=/health " not in l]

    def wait_for_log(self, predicate, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if any(predicate(l) for l in self.log_lines()):
                return True
            time.sleep(0.02)
        return False

    def feedback_rows(self):
        """The feedback the service recorded (its state store)."""
        if self.kind == "gunicorn":
            from knee.cdshooks.state import SqliteState
            return SqliteState(os.path.join(self._tmp.name, "state")
                               if "state_dir" not in self.conf else self.conf["state_dir"]
                               ).feedback()
        return self.app.service.state.feedback()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def request(self, method, path, body=None, auth=True, headers=None, raw=None):
        """(status, headers, parsed JSON body). ``auth``: True = a fresh valid token for
        the path, a string = that Authorization header, False = none."""
        h = {"Content-Type": "application/json"}
        if auth is True:
            h["Authorization"] = "Bearer " + token(SERVICE_URL + path)
        elif auth:
            h["Authorization"] = auth
        h.update(headers or {})
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.url(path), data=data, headers=h, method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                text = resp.read()
                return resp.status, dict(resp.headers), json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            body = e.read()
            return e.code, dict(e.headers), json.loads(body) if body else None

    def stop(self):
        if self.kind == "gunicorn":
            if self.proc.poll() is None:
                # SIGINT: gunicorn's quick stop (the graceful SIGTERM is test_gunicorn's).
                self.proc.send_signal(signal.SIGINT)
                try:
                    self.proc.wait(40)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(10)
            self.proc.stderr.close()
        else:
            self.server.shutdown()
            self.server.server_close()
            logging.getLogger("knee.cdshooks").removeHandler(self._capture)
            self.app.service.ruleset.close()
        self._tmp.cleanup()


# ---- a fake FHIR server ------------------------------------------------------------------------

class _FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    # The service asks for every key at once: http.server's backlog of 5 would drop the
    # sixth connection's SYN (a 1 s retransmission).
    request_queue_size = 64


class FakeFhir:
    """Answers GET {base}/{relative URL} from ``answers`` (relative URL, decoded -> (status,
    body)); 404 for anything else. ``delays``: resource type -> seconds to wait before
    answering. Records (raw path as sent, Authorization) in ``seen``."""

    def __init__(self, answers, delays=None):
        self.answers, self.seen, self.delays = answers, [], delays if delays is not None else {}
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                outer.seen.append((self.path, self.headers.get("Authorization")))
                raw = self.path[len("/fhir/"):] if self.path.startswith("/fhir/") else None
                rel = urllib.parse.unquote(raw) if raw is not None else None
                rtype = re.split(r"[/?]", rel or "", 1)[0]
                if rtype in outer.delays:
                    time.sleep(outer.delays[rtype])
                status, body = outer.answers.get(rel, (404, {"resourceType": "OperationOutcome"}))
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/fhir+json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

        self.server = _FakeServer(("127.0.0.1", 0), H)
        self.base = "http://127.0.0.1:%d/fhir" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def paths(self):
        return [urllib.parse.unquote(p) for p, _ in self.seen]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# ---- requests built from the examples ------------------------------------------------------------

_KEY_OF = {"Patient": "patient", "Condition": "conditions", "Observation": "observations",
           "Procedure": "procedures", "MedicationStatement": "medicationStatements",
           "MedicationRequest": "medicationRequests",
           "MedicationAdministration": "medicationAdministrations", "Coverage": "coverage",
           "ExplanationOfBenefit": "explanationOfBenefit"}


def searchset(resources):
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources),
            "entry": [{"resource": r, "search": {"mode": "match"}} for r in resources]}


def _rewrite(x, refs):
    if isinstance(x, dict):
        return {k: (refs.get(v, v) if k == "reference" and isinstance(v, str) else
                    _rewrite(v, refs)) for k, v in x.items()}
    if isinstance(x, list):
        return [_rewrite(v, refs) for v in x]
    return x


def prefetch_from_bundle(bundle, templates):
    """The prefetch a FHIR server would give for the discovery's templates: the bundle's
    resources split by type (the Patient as a read, the others as searchset Bundles, a
    template that matches nothing as an empty searchset), a search with _sort=-created and
    _count=N as its N most recently created. Synthea records the payer only in
    ExplanationOfBenefits (a contained Coverage): the explanationOfBenefit key carries it."""
    by_key = {k: [] for k in templates}
    patient = None
    # A server stores a transaction's urn:uuid references as Type/id references.
    refs = {e["fullUrl"]: "%s/%s" % (e["resource"]["resourceType"], e["resource"]["id"])
            for e in bundle.get("entry", []) if "fullUrl" in e and "id" in e["resource"]}
    for e in bundle.get("entry", []):
        r = _rewrite(e["resource"], refs)
        if r["resourceType"] == "Patient":
            patient = r
        elif _KEY_OF.get(r["resourceType"]) in by_key:
            by_key[_KEY_OF[r["resourceType"]]].append(r)
    for k, v in by_key.items():
        query = dict(p.partition("=")[::2] for p in templates[k].partition("?")[2].split("&"))
        if query.get("_sort") == "-created":
            v.sort(key=lambda r: r.get("created", ""), reverse=True)
        if "_count" in query:
            del v[int(query["_count"]):]
    out = {k: searchset(v) for k, v in by_key.items() if k != "patient"}
    out["patient"] = patient
    return out


def patient_view(patient_id, prefetch=None, hook_instance=None, as_of=AS_OF):
    """The spec's patient-view call (patient-view-request-with-prefetch.json) for our patient
    with our prefetch keys (the spec's own key, patientToGreet, is kept: it is not ours)."""
    req = load(os.path.join(FHIR, "patient-view-request-with-prefetch.json"))
    req["context"]["patientId"] = patient_id
    if hook_instance:
        req["hookInstance"] = hook_instance
    if prefetch is not None:
        req["prefetch"].update(copy.deepcopy(prefetch))
    if as_of:
        req["extension"] = {"org.libknee.as-of": as_of}
    return req


def order_select(patient_id, prefetch, code=("http://snomed.info/sct", "609588000"),
                 subject=None):
    """An order-select call after the hook definition: one draft ServiceRequest selected."""
    sr = {"resourceType": "ServiceRequest", "id": "tka-1", "status": "draft", "intent": "order",
          "code": {"coding": [{"system": code[0], "code": code[1],
                               "display": "Total knee replacement"}]},
          "subject": {"reference": "Patient/" + (subject or patient_id)}}
    other = {"resourceType": "MedicationRequest", "id": "m-1", "status": "draft",
             "intent": "order", "subject": {"reference": "Patient/" + (subject or patient_id)},
             "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                                        "code": "849574"}]}}
    return {"hook": "order-select", "hookInstance": str(uuid.uuid4()),
            "context": {"userId": "Practitioner/example", "patientId": patient_id,
                        "selections": ["ServiceRequest/tka-1"],
                        "draftOrders": {"resourceType": "Bundle", "type": "collection",
                                        "entry": [{"resource": sr}, {"resource": other}]}},
            "prefetch": copy.deepcopy(prefetch), "extension": {"org.libknee.as-of": AS_OF}}


# ---- the spec's required fields ------------------------------------------------------------------

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def card_problems(response):
    """Every way ``response`` breaks the CDS Hooks 2.0 response rules (CDS Service Response,
    Card, Source, Link, Coding; JSON: no null, "", [] or {} for optional fields). Empty = OK."""
    p = []

    def no_empty(obj, where):
        for k, v in obj.items():
            if v is None or v == "" or v == [] or v == {}:
                p.append("%s.%s is empty" % (where, k))

    if not isinstance(response, dict) or not isinstance(response.get("cards"), list):
        return ["no cards array"]
    for i, c in enumerate(response["cards"]):
        w = "cards[%d]" % i
        if not isinstance(c, dict):
            p.append(w + " is not an object")
            continue
        no_empty(c, w)
        s = c.get("summary")
        if not isinstance(s, str) or not s or len(s) >= 140:
            p.append(w + ".summary missing or not under 140 characters")
        if c.get("indicator") not in ("info", "warning", "critical"):
            p.append(w + ".indicator missing or not info/warning/critical")
        src = c.get("source")
        if not isinstance(src, dict) or not isinstance(src.get("label"), str) or not src["label"]:
            p.append(w + ".source.label missing")
        elif "topic" in src and not (isinstance(src["topic"], dict) and
                                     {"code", "system"} <= set(src["topic"])):
            p.append(w + ".source.topic is not a Coding")
        if "uuid" in c and not (isinstance(c["uuid"], str) and _UUID.match(c["uuid"])):
            p.append(w + ".uuid is not a UUID")
        if "detail" in c and not isinstance(c["detail"], str):
            p.append(w + ".detail is not a string")
        if "suggestions" in c and c.get("selectionBehavior") not in ("at-most-one", "any"):
            p.append(w + " has suggestions without selectionBehavior")
        for r in c.get("overrideReasons", []):
            if not ({"code", "system"} <= set(r) and r.get("display")):
                p.append(w + ".overrideReasons needs code, system and display")
        for j, link in enumerate(c.get("links", [])):
            lw = "%s.links[%d]" % (w, j)
            if not (isinstance(link.get("label"), str) and link["label"]):
                p.append(lw + ".label missing")
            if not (isinstance(link.get("url"), str) and re.match(r"^https?://", link["url"])):
                p.append(lw + ".url not absolute")
            if link.get("type") not in ("absolute", "smart"):
                p.append(lw + ".type not absolute/smart")
            if "appContext" in link and link.get("type") != "smart":
                p.append(lw + ".appContext on a non-smart link")
    return p
