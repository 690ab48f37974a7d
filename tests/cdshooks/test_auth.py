"""Only trusted EHRs get in: every refusal of the bearer JWT, over HTTP (401 with a JSON error
and WWW-Authenticate), and the spec's own example token checked with its own key."""

import base64
import json
import threading
import time
import unittest
import uuid

import jwt

from knee.cdshooks.auth import AuthError, ConfigError, ReplayCache, Verifier

from cryptography.hazmat.primitives.asymmetric import ec

from support import ISSUER, KEYS, OTHER_KEYS, SERVICE_URL, Running, ec_public_jwk, token

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

    def test_replay_cache_threads(self):
        """Many threads presenting one jti: exactly one gets in."""
        cache = ReplayCache()
        ok, errors = [], []
        now = time.time()

        def one():
            try:
                cache.check_and_add(ISSUER, "same", now + 60, now)
                ok.append(1)
            except AuthError:
                errors.append(1)

        threads = [threading.Thread(target=one) for _ in range(32)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual((len(ok), len(errors)), (1, 31))
        # Expired entries are forgotten; the cache is bounded.
        small = ReplayCache(max_entries=2)
        small.check_and_add(ISSUER, "a", now - 1, now - 100)
        small.check_and_add(ISSUER, "b", now + 60, now)
        small.check_and_add(ISSUER, "c", now + 60, now)      # "a" pruned: room again
        with self.assertRaises(AuthError) as e:
            small.check_and_add(ISSUER, "d", now + 60, now)
        self.assertEqual(e.exception.reason, "replay-cache-full")


if __name__ == "__main__":
    unittest.main()
