"""Helpers for the CDS Hooks service tests: a running service on 127.0.0.1 (ephemeral port),
JWTs signed with keys generated here, a fake FHIR server, requests built from the spec's
examples, and a checker of card JSON against the spec's required fields.

CTest sets LIBKNEE_PATH, PYTHONPATH (bindings/python) and KNEE_SOURCE_DIR; the tests run with
Debian's /usr/bin/python3 (python3-jwt, python3-cryptography).
"""

import copy
import json
import os
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import base64

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm

import knee
from knee.cdshooks import Service, make_server
from knee.cdshooks.auth import Verifier

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
          **claims):
    now = int(time.time())
    payload = {"iss": iss, "aud": aud, "exp": now + lifetime, "iat": now,
               "jti": str(uuid.uuid4()), "tenant": "2ddd6c3a-8e9a-44c6-a305-52111ad302a2"}
    payload.update(claims)
    for k in drop:
        payload.pop(k, None)
    key = keys.ec if alg.startswith("ES") else keys.rsa
    kid = kid or ("ec-1" if alg.startswith("ES") else "rsa-1")
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid, "typ": "JWT"})


# ---- the service under test --------------------------------------------------------------------

class Running:
    """A Service behind make_server() in a thread; stop() shuts it down."""

    def __init__(self, ruleset=None, auth=True, **kw):
        self.ruleset = ruleset or knee.Ruleset.default()
        verifier = Verifier({ISSUER: {"jwks": KEYS.jwks()}}, [ISSUER]) if auth else None
        kw.setdefault("as_of", None)
        self.service = Service(self.ruleset, SERVICE_URL, verifier, **kw)
        self.server = make_server(self.service, "127.0.0.1", 0)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

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
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, dict(resp.headers), json.loads(resp.read())
        except urllib.error.HTTPError as e:
            body = e.read()
            return e.code, dict(e.headers), json.loads(body) if body else None

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.ruleset.close()


# ---- a fake FHIR server ------------------------------------------------------------------------

class FakeFhir:
    """Answers GET {base}/{relative URL} from a dict; records (path, Authorization)."""

    def __init__(self, answers):
        self.answers, self.seen = answers, []
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                outer.seen.append((self.path, self.headers.get("Authorization")))
                rel = self.path[len("/fhir/"):] if self.path.startswith("/fhir/") else None
                status, body = outer.answers.get(rel, (404, {"resourceType": "OperationOutcome"}))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.base = "http://127.0.0.1:%d/fhir" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

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
