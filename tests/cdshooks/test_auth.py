"""Only trusted EHRs get in: every refusal of the bearer JWT, over HTTP (401 with a JSON error
and WWW-Authenticate), the spec's own example token checked with its own key, an issuer's keys
fetched from its JWK Set URL (cached, rotated), and the jti store shared by every worker."""

import base64
import json
import multiprocessing
import tempfile
import threading
import time
import unittest
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

from knee.cdshooks.auth import AuthError, ConfigError, Verifier
from knee.cdshooks.state import MemoryState, SqliteState, StateFull

from cryptography.hazmat.primitives.asymmetric import ec

from support import (ISSUER, KEYS, OTHER_KEYS, SERVICE_URL, Keys, Running,
                     ec_public_jwk, token)

DISCOVERY = "/cds-services"
PV = "/cds-services/knee-oa-options"

# The spec's "Trusting CDS Clients" example (CDS Hooks 2.0.1): its JWK Set and its token
# (ES384, kid example-kid, aud https://cds.example.org/cds-services/some-service,
# exp 1422568860).
SPEC_JWKS = {"keys": [{"kty": "EC", "use": "sig", "crv": "P-384", "kid": "example-kid",
                       "x": "46SDH7Znh821wblCBglA61sNE9ZrHYKKt3qRtRTmSXyOI_FIGBLWrWa0GPUkDCEk",
                       "y": "XMcRuuoGW7CXjQdy-F5i3FeBE0x9hPLdeFdSoDd3ELmx404tLX0VRRcqzAsPhXcI",
                       "alg": "ES384"}]}
SPEC_TOKEN = (
    "eyJhbGciOiJFUzM4NCIsInR5cCI6IkpXVCIsImtpZCI6ImV4YW1wbGUta2lkIiwiamt1IjoiaHR0cHM6Ly9maGly"
    "LWVoci5leGFtcGxlLmNvbS9qd2tfdXJpIn0.eyJpc3MiOiJodHRwczovL2ZoaXItZWhyLmV4YW1wbGUuY29tLyIs"
    "ImF1ZCI6Imh0dHBzOi8vY2RzLmV4YW1wbGUub3JnL2Nkcy1zZXJ2aWNlcy9zb21lLXNlcnZpY2UiLCJleHAiOjE0"
    "MjI1Njg4NjAsImlhdCI6MTMxMTI4MDk3MCwianRpIjoiZWUyMmIwMjEtZTFiNy00NjExLWJhNWItOGVlYzZhMzNh"
    "YzFlIiwidGVuYW50IjoiMmRkZDZjM2EtOGU5YS00NGM2LWEzMDUtNTIxMTFhZDMwMmEyIn0.d1WfLjGRKlcWB94l9"
    "do4cM8REXeYJLL6SGUBO8VHZhfM8mwKYP70EMxJ67War4TQblEpaQrp11wx5p7oPFm2ETYgCicS84vXWEIYTdjooZ"
    "dooCSDf2L8-i4awdoUwiEb")
SPEC_AUD = "https://cds.example.org/cds-services/some-service"


def b64(obj):
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


class AuthOverHttpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.svc = Running()

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    def refused(self, authorization, reason, path=DISCOVERY):
        method, body = ("GET", None) if path == DISCOVERY else ("POST", {})
        status, headers, out = self.svc.request(method, path, body, auth=authorization)
        self.assertEqual(status, 401, reason)
        self.assertEqual(out["error"], "unauthorized:" + reason)
        self.assertTrue(headers["WWW-Authenticate"].startswith('Bearer realm="cds-services"'))
        return headers

    def test_accepted(self):
        for alg in ("ES384", "RS384"):
            status, _, out = self.svc.request("GET", DISCOVERY,
                                              auth="Bearer " + token(SERVICE_URL + DISCOVERY, alg))
            self.assertEqual(status, 200, alg)
        # aud may be an array holding the endpoint URL.
        tok = token([SERVICE_URL + DISCOVERY], "ES384")
        self.assertEqual(self.svc.request("GET", DISCOVERY, auth="Bearer " + tok)[0], 200)

    def test_no_token(self):
        h = self.refused(False, "no-token")
        self.assertNotIn("error=", h["WWW-Authenticate"])
        self.refused("Basic dXNlcjpwYXNz", "no-token")
        self.refused("Bearer", "no-token")
        # A POST with a body but no token: 401, and the body is not read.
        status, _, _ = self.svc.request("POST", PV, {"hook": "patient-view"}, auth=False)
        self.assertEqual(status, 401)

    def test_not_a_jwt(self):
        h = self.refused("Bearer not.a.jwt", "malformed")
        self.assertIn('error="invalid_token"', h["WWW-Authenticate"])

    def test_bad_signature(self):
        # Signed by a key nobody configured, with the configured kid.
        self.refused("Bearer " + token(SERVICE_URL + DISCOVERY, keys=OTHER_KEYS), "signature")
        self.refused("Bearer " + token(SERVICE_URL + DISCOVERY, "RS384", keys=OTHER_KEYS),
                     "signature")
        # A valid token whose payload was changed after signing.
        head, _, sig = token(SERVICE_URL + DISCOVERY).split(".")
        now = int(time.time())
        forged = b64({"iss": ISSUER, "aud": SERVICE_URL + DISCOVERY, "exp": now + 60,
                      "iat": now, "jti": str(uuid.uuid4()), "admin": True})
        self.refused("Bearer %s.%s.%s" % (head, forged, sig), "signature")

    def test_unknown_issuer_or_key(self):
        self.refused("Bearer " + token(SERVICE_URL + DISCOVERY, iss="https://evil.example/"),
                     "issuer")
        self.refused("Bearer " + token(SERVICE_URL + DISCOVERY, kid="nobody"), "unknown-key")
        # The RSA key's kid on an EC token: the algorithm does not fit the key.
        self.refused("Bearer " + token(SERVICE_URL + DISCOVERY, "ES384", kid="rsa-1"),
                     "algorithm")

    def test_wrong_audience(self):
        self.refused("Bearer " + token("https://other.example.org/cds-services"), "audience")
        # A token for discovery is not a token for the service, and the reverse.
        self.refused("Bearer " + token(SERVICE_URL + DISCOVERY), "audience", path=PV)
        self.refused("Bearer " + token(SERVICE_URL + PV), "audience")

    def test_expired_and_times(self):
        self.refused("Bearer " + token(SERVICE_URL + DISCOVERY, lifetime=-120), "expired")
        self.refused("Bearer " + token(SERVICE_URL + DISCOVERY, iat=int(time.time()) + 3600),
                     "not-yet-valid")
        self.refused("Bearer " + token(SERVICE_URL + DISCOVERY, lifetime=10 * 86400), "lifetime")
        # Within the 30 s leeway: accepted.
        status = self.svc.request("GET", DISCOVERY, auth="Bearer " + token(
            SERVICE_URL + DISCOVERY, lifetime=-10))[0]
        self.assertEqual(status, 200)

    def test_missing_claims(self):
        for claim in ("jti", "exp", "iat", "aud"):
            self.refused("Bearer " + token(SERVICE_URL + DISCOVERY, drop=(claim,)),
                         "missing-claim" if claim != "aud" else "missing-claim")
        self.refused("Bearer " + token(SERVICE_URL + DISCOVERY, jti=""), "missing-claim")

    def test_replayed_jti(self):
        tok = token(SERVICE_URL + DISCOVERY)
        self.assertEqual(self.svc.request("GET", DISCOVERY, auth="Bearer " + tok)[0], 200)
        self.refused("Bearer " + tok, "replayed-jti")
        # The same jti in a new token: still a replay.
        jti = str(uuid.uuid4())
        self.assertEqual(self.svc.request("GET", DISCOVERY, auth="Bearer " + token(
            SERVICE_URL + DISCOVERY, jti=jti))[0], 200)
        self.refused("Bearer " + token(SERVICE_URL + DISCOVERY, jti=jti), "replayed-jti")

    def test_alg_none_and_hmac_confusion(self):
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": SERVICE_URL + DISCOVERY, "exp": now + 60, "iat": now,
                  "jti": str(uuid.uuid4())}
        # alg none, unsigned.
        unsigned = "%s.%s." % (b64({"alg": "none", "typ": "JWT", "kid": "ec-1"}), b64(claims))
        self.refused("Bearer " + unsigned, "algorithm")
        # HS256 keyed with the issuer's public key (the classic confusion attack).
        pem = KEYS.rsa_public_pem().encode()
        import hashlib
        import hmac
        head = b64({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"})
        body = b64(dict(claims, jti=str(uuid.uuid4())))
        mac = hmac.new(pem, ("%s.%s" % (head, body)).encode(), hashlib.sha256).digest()
        sig = base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
        self.refused("Bearer %s.%s.%s" % (head, body, sig), "algorithm")
        self.refused("Bearer " + jwt.encode(claims, "secret", algorithm="HS384",
                                            headers={"kid": "ec-1"}), "algorithm")

    def test_typ(self):
        # CDS Hooks: typ is required, fixed value JWT (a media type: case does not matter).
        self.refused("Bearer " + token(SERVICE_URL + DISCOVERY, typ=None), "typ")
        self.refused("Bearer " + token(SERVICE_URL + DISCOVERY, typ="at+jwt"), "typ")
        for typ in ("jwt", "application/jwt"):
            status = self.svc.request("GET", DISCOVERY, auth="Bearer " + token(
                SERVICE_URL + DISCOVERY, typ=typ))[0]
            self.assertEqual(status, 200, typ)

    def test_no_kid(self):
        now = int(time.time())
        tok = jwt.encode({"iss": ISSUER, "aud": SERVICE_URL + DISCOVERY, "exp": now + 60,
                          "iat": now, "jti": str(uuid.uuid4())}, KEYS.ec, algorithm="ES384")
        self.refused("Bearer " + tok, "no-kid")


class VerifierTest(unittest.TestCase):
    def test_spec_example_token(self):
        """The spec's example token verifies with the spec's key while it was valid, is then
        a replay, and is expired today."""
        issuer = "https://fhir-ehr.example.com/"
        exp = 1422568860
        v = Verifier({issuer: {"jwks": SPEC_JWKS}}, [issuer], clock=lambda: exp - 60)
        claims = v.verify("Bearer " + SPEC_TOKEN, SPEC_AUD)
        self.assertEqual(claims["tenant"], "2ddd6c3a-8e9a-44c6-a305-52111ad302a2")
        with self.assertRaises(AuthError) as e:
            v.verify("Bearer " + SPEC_TOKEN, SPEC_AUD)
        self.assertEqual(e.exception.reason, "replayed-jti")
        today = Verifier({issuer: {"jwks": SPEC_JWKS}}, [issuer])
        with self.assertRaises(AuthError) as e:
            today.verify("Bearer " + SPEC_TOKEN, SPEC_AUD)
        self.assertEqual(e.exception.reason, "expired")
        # Another key under the spec's kid: the signature does not verify.
        other = ec_public_jwk(OTHER_KEYS.ec)
        other.update(kid="example-kid", alg="ES384")
        wrong = Verifier({issuer: {"jwks": {"keys": [other]}}}, [issuer], clock=lambda: exp - 60)
        with self.assertRaises(AuthError) as e:
            wrong.verify("Bearer " + SPEC_TOKEN, SPEC_AUD)
        self.assertEqual(e.exception.reason, "signature")

    def test_leading_zero_coordinates(self):
        """P-384 keys whose x (scalar 197) or y (scalar 176) starts with a zero byte: written
        at full length they verify; a JWK with the zero byte dropped is refused with the reason."""
        for scalar, coord in ((197, "x"), (176, "y")):
            private = ec.derive_private_key(scalar, ec.SECP384R1())
            jwk = dict(ec_public_jwk(private), kid="ec-1", alg="ES384")
            raw = base64.urlsafe_b64decode(jwk[coord] + "==")
            self.assertEqual((len(raw), raw[0]), (48, 0))
            v = Verifier({ISSUER: {"jwks": {"keys": [jwk]}}}, [ISSUER])
            now = int(time.time())
            tok = jwt.encode({"iss": ISSUER, "aud": "x", "exp": now + 60, "iat": now,
                              "jti": str(uuid.uuid4())}, private, algorithm="ES384",
                             headers={"kid": "ec-1"})
            self.assertEqual(v.verify("Bearer " + tok, "x")["iss"], ISSUER)
            short = dict(jwk)
            short[coord] = base64.urlsafe_b64encode(raw[1:]).rstrip(b"=").decode("ascii")
            with self.assertRaises(ConfigError) as e:
                Verifier({ISSUER: {"jwks": {"keys": [short]}}}, [ISSUER])
            self.assertIn("48 bytes", str(e.exception))
            self.assertIn("'ec-1'", str(e.exception))

    def test_configuration_errors(self):
        with self.assertRaises(ConfigError):
            Verifier({}, [])                                   # no allowed issuer
        with self.assertRaises(ConfigError):
            Verifier({}, [ISSUER])                             # allowed but no keys
        with self.assertRaises(ConfigError):
            Verifier({ISSUER: {"jwks": {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}}}, [ISSUER])
        private = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(KEYS.ec))
        with self.assertRaises(ConfigError):
            Verifier({ISSUER: {"jwks": {"keys": [private]}}}, [ISSUER])
        with self.assertRaises(ConfigError):
            Verifier({ISSUER: {"pem": "not a key"}}, [ISSUER])
        # An issuer in the key file but not allowed is refused at verify time.
        v = Verifier({ISSUER: {"jwks": KEYS.jwks()}, "https://b/": {"jwks": KEYS.jwks()}},
                     [ISSUER])
        with self.assertRaises(AuthError) as e:
            v.verify("Bearer " + token("x", iss="https://b/"), "x")
        self.assertEqual(e.exception.reason, "issuer")

    def test_replay_store_threads(self):
        """Many threads presenting one jti: exactly one gets in, in memory and in SQLite."""
        now = time.time()
        with tempfile.TemporaryDirectory() as tmp:
            for store in (MemoryState(), SqliteState(tmp)):
                ok = []

                def one():
                    ok.append(store.add_jti(ISSUER, "same", now + 60, now))

                threads = [threading.Thread(target=one) for _ in range(32)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                self.assertEqual(sorted(ok), [False] * 31 + [True], type(store).__name__)
                # The same jti from another issuer is another token.
                self.assertTrue(store.add_jti("https://other/", "same", now + 60, now))
                # Once expired, the entry is forgotten.
                self.assertTrue(store.add_jti(ISSUER, "same", now + 200, now + 61))
        # The memory store is bounded.
        small = MemoryState(max_entries=2)
        small.add_jti(ISSUER, "a", now - 1, now - 100)
        small.add_jti(ISSUER, "b", now + 60, now)
        small.add_jti(ISSUER, "c", now + 60, now)      # "a" pruned: room again
        with self.assertRaises(StateFull):
            small.add_jti(ISSUER, "d", now + 60, now)

    def test_replay_store_processes(self):
        """Processes (gunicorn's workers) sharing the SQLite store in WAL mode: 4 processes
        each present the same 50 jtis at once; each jti gets in exactly once."""
        with tempfile.TemporaryDirectory() as tmp:
            SqliteState(tmp)
            ctx = multiprocessing.get_context("fork")
            queue = ctx.Queue()
            procs = [ctx.Process(target=_present, args=(tmp, queue)) for _ in range(4)]
            for p in procs:
                p.start()
            wins = [queue.get(timeout=60) for _ in procs]
            for p in procs:
                p.join(30)
        self.assertEqual(sum(wins), 50)

    def test_restart_keeps_jti(self):
        """A token accepted before a restart is refused after it (the store is a file)."""
        with tempfile.TemporaryDirectory() as tmp:
            tok = token(SERVICE_URL + DISCOVERY)
            v = Verifier({ISSUER: {"jwks": KEYS.jwks()}}, replay=SqliteState(tmp))
            v.verify("Bearer " + tok, SERVICE_URL + DISCOVERY)
            again = Verifier({ISSUER: {"jwks": KEYS.jwks()}}, replay=SqliteState(tmp))
            with self.assertRaises(AuthError) as e:
                again.verify("Bearer " + tok, SERVICE_URL + DISCOVERY)
            self.assertEqual(e.exception.reason, "replayed-jti")


def _present(folder, queue):
    store, now = SqliteState(folder), time.time()
    queue.put(sum(store.add_jti(ISSUER, "jti-%d" % i, now + 60, now) for i in range(50)))


class TwoInstancesTest(unittest.TestCase):
    """Two services on one state folder (two gunicorn masters, or a restart): the same token
    is accepted by one of them only."""

    def test_same_token_two_instances(self):
        with tempfile.TemporaryDirectory() as tmp:
            a = Running(state_dir=tmp)
            b = Running(state_dir=tmp)
            try:
                tok = "Bearer " + token(SERVICE_URL + DISCOVERY)
                first = a.request("GET", DISCOVERY, auth=tok)
                second = b.request("GET", DISCOVERY, auth=tok)
            finally:
                a.stop()
                b.stop()
        self.assertEqual(first[0], 200)
        self.assertEqual((second[0], second[2]["error"]), (401, "unauthorized:replayed-jti"))


class Jwks:
    """An issuer's JWK Set URL on loopback; ``keys`` can be swapped (rotation); counts GETs."""

    def __init__(self, jwks):
        self.jwks, self.gets = jwks, 0
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                outer.gets += 1
                data = json.dumps(outer.jwks).encode()
                self.send_response(200 if outer.jwks is not None else 503)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = "http://127.0.0.1:%d/jwks.json" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class JwksUrlTest(unittest.TestCase):
    """Keys refreshed from the issuer's published JWK Set: fetched, cached, rotated."""

    def test_fetched_cached_rotated(self):
        old, new = Keys(), Keys()
        site = Jwks(old.jwks())
        try:
            v = Verifier({ISSUER: {"jwks_url": site.url}}, jwks_refresh=3600, jwks_min_refresh=0)
            aud = SERVICE_URL + DISCOVERY
            for _ in range(3):
                v.verify("Bearer " + token(aud, keys=old), aud)
            self.assertEqual(site.gets, 1)                  # fetched once, then cached
            # The issuer rotates: a token under a new key (a kid it has not seen) makes the
            # service fetch the set again; the old key is gone with it.
            rotated = new.jwks()
            for k in rotated["keys"]:
                k["kid"] = "2-" + k["kid"]
            site.jwks = rotated
            v.verify("Bearer " + token(aud, keys=new, kid="2-ec-1"), aud)
            v.verify("Bearer " + token(aud, "RS384", keys=new, kid="2-rsa-1"), aud)
            self.assertEqual(site.gets, 2)
            with self.assertRaises(AuthError) as e:
                v.verify("Bearer " + token(aud, keys=old), aud)
            self.assertEqual(e.exception.reason, "unknown-key")
            # The site fails: the last good set stays in use.
            site.jwks = None
            v.verify("Bearer " + token(aud, keys=new, kid="2-ec-1"), aud)
        finally:
            site.stop()

    def test_refetch_is_rate_limited(self):
        site = Jwks(KEYS.jwks())
        try:
            v = Verifier({ISSUER: {"jwks_url": site.url}}, jwks_min_refresh=60)
            aud = SERVICE_URL + DISCOVERY
            v.verify("Bearer " + token(aud), aud)
            for _ in range(5):   # unknown kids do not make it fetch again within a minute
                with self.assertRaises(AuthError):
                    v.verify("Bearer " + token(aud, kid="nobody"), aud)
            self.assertEqual(site.gets, 1)
        finally:
            site.stop()

    def test_configured(self):
        with self.assertRaises(ConfigError):
            Verifier({ISSUER: {"jwks_url": "http://keys.example.org/jwks"}})   # not https
        with self.assertRaises(ConfigError):
            Verifier({ISSUER: {"fhir_servers": []}})                            # no key at all
        private = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(KEYS.ec))
        site = Jwks({"keys": [dict(private, kid="k")]})
        try:   # a published set with a private key is refused: no key, unknown-key
            v = Verifier({ISSUER: {"jwks_url": site.url}})
            with self.assertRaises(AuthError) as e:
                v.verify("Bearer " + token(SERVICE_URL, kid="k"), SERVICE_URL)
            self.assertEqual(e.exception.reason, "unknown-key")
        finally:
            site.stop()

    def test_over_http(self):
        site = Jwks(KEYS.jwks())
        try:
            svc = Running(issuers={ISSUER: {"jwks_url": site.url}})
            try:
                self.assertEqual(svc.request("GET", DISCOVERY)[0], 200)
            finally:
                svc.stop()
        finally:
            site.stop()


if __name__ == "__main__":
    unittest.main()
