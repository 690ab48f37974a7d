"""Who may call the service: the bearer JWT CDS Hooks 2.0 requires of every call
("Trusting CDS Clients"), checked with PyJWT and cryptography (Debian python3-jwt,
python3-cryptography); nothing here does cryptography itself.

A token is accepted only when: its header names an asymmetric algorithm (never ``none`` or
HMAC) and a ``kid``; its ``iss`` is an allowed issuer with configured keys; the signature
verifies with that issuer's key for the ``kid``; ``aud`` is the URL of the endpoint called;
``exp``, ``iat`` and ``jti`` are present, ``exp`` is not past and not further ahead than the
allowed lifetime; and the ``jti`` has not been seen before from that issuer (in-memory replay
cache, kept until the token expires). Anything else raises :class:`AuthError`.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

import jwt
from jwt.algorithms import get_default_algorithms

# Asymmetric JWS algorithms only (RFC 7518): CDS Hooks recommends ES384 and RS384 and forbids
# "none" and every symmetric algorithm.
ALLOWED_ALGORITHMS = ("ES256", "ES384", "ES512", "RS256", "RS384", "RS512",
                      "PS256", "PS384", "PS512")
_KTY_ALGS = {"EC": ("ES256", "ES384", "ES512"), "RSA": ("RS256", "RS384", "RS512", "PS256",
                                                        "PS384", "PS512")}

_EC_CURVES = {"ES256": "secp256r1", "ES384": "secp384r1", "ES512": "secp521r1"}


class AuthError(Exception):
    """A refused token; ``reason`` is a stable code, ``str()`` a message without the token."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class ConfigError(Exception):
    """The issuer key file is unusable."""


class _Key:
    def __init__(self, key: Any, kty: str, alg: Optional[str]) -> None:
        self.key, self.kty, self.alg = key, kty, alg


def _load_issuer(iss: str, conf: Mapping[str, Any]) -> Dict[Optional[str], _Key]:
    """kid -> key for one issuer. ``{"jwks": {"keys": [...]}}`` or ``{"pem": "...",
    "kid": "..."?, "alg": "..."?}`` (a PEM key without kid serves any kid)."""
    algs = get_default_algorithms()
    keys: Dict[Optional[str], _Key] = {}
    if not isinstance(conf, Mapping):
        raise ConfigError("issuer %r: expected an object with 'jwks' or 'pem'" % iss)
    if "jwks" in conf:
        jwks = conf["jwks"]
        if not isinstance(jwks, Mapping) or not isinstance(jwks.get("keys"), list):
            raise ConfigError("issuer %r: 'jwks' must be a JWK Set {\"keys\": [...]}" % iss)
        for jwk in jwks["keys"]:
            if not isinstance(jwk, Mapping) or jwk.get("kty") not in _KTY_ALGS:
                raise ConfigError("issuer %r: only EC and RSA public keys are accepted" % iss)
            if "d" in jwk:
                raise ConfigError("issuer %r: a private key was configured; give the public "
                                  "key only" % iss)
            if jwk.get("use", "sig") != "sig":
                continue
            alg = jwk.get("alg")
            if alg is not None and alg not in ALLOWED_ALGORITHMS:
                raise ConfigError("issuer %r: key algorithm %r is not allowed" % (iss, alg))
            impl = algs["RS384" if jwk["kty"] == "RSA" else (alg or "ES384")]
            try:
                key = impl.from_jwk(json.dumps(jwk))
            except Exception as e:  # noqa: BLE001 - PyJWT raises several types
                # The reason (e.g. "Coords should be 48 bytes for curve P-384": an exporter
                # dropped a leading zero) is about a public key, so it is safe to show.
                raise ConfigError("issuer %r: unreadable JWK kid %r (%s: %s)"
                                  % (iss, jwk.get("kid"), type(e).__name__, e))
            keys[jwk.get("kid")] = _Key(key, jwk["kty"], alg)
    elif "pem" in conf:
        from cryptography.hazmat.primitives.asymmetric import ec, rsa
        from cryptography.hazmat.primitives.serialization import load_pem_public_key
        try:
            key = load_pem_public_key(str(conf["pem"]).encode("ascii"))
        except Exception as e:  # noqa: BLE001
            raise ConfigError("issuer %r: unreadable PEM public key (%s)" % (iss, type(e).__name__))
        kty = "EC" if isinstance(key, ec.EllipticCurvePublicKey) else \
            "RSA" if isinstance(key, rsa.RSAPublicKey) else None
        if kty is None:
            raise ConfigError("issuer %r: only EC and RSA public keys are accepted" % iss)
        alg = conf.get("alg")
        if alg is not None and alg not in ALLOWED_ALGORITHMS:
            raise ConfigError("issuer %r: key algorithm %r is not allowed" % (iss, alg))
        keys[conf.get("kid")] = _Key(key, kty, alg)
    else:
        raise ConfigError("issuer %r: expected 'jwks' or 'pem'" % iss)
    if not keys:
        raise ConfigError("issuer %r: no signing key" % iss)
    return keys


class ReplayCache:
    """(issuer, jti) pairs seen, each kept until its token expires; thread-safe; bounded."""

    def __init__(self, max_entries: int = 100000) -> None:
        self._seen: Dict[Tuple[str, str], float] = {}
        self._lock = threading.Lock()
        self._max = max_entries
        self._next_prune = 0.0

    def check_and_add(self, iss: str, jti: str, exp: float, now: float) -> None:
        with self._lock:
            if now >= self._next_prune or len(self._seen) >= self._max:
                self._seen = {k: v for k, v in self._seen.items() if v >= now}
                self._next_prune = now + 30
            key = (iss, jti)
            if key in self._seen:
                raise AuthError("replayed-jti", "this token's jti was already used")
            if len(self._seen) >= self._max:
                raise AuthError("replay-cache-full", "too many live tokens; try again later")
            self._seen[key] = exp


class Verifier:
    """Checks CDS Hooks bearer JWTs against the configured issuers' keys."""

    def __init__(self, issuer_keys: Mapping[str, Any], allowed_issuers: Iterable[str],
                 leeway: int = 30, max_lifetime: int = 3600,
                 clock: Any = time.time) -> None:
        allowed = list(allowed_issuers)
        if not allowed:
            raise ConfigError("no allowed issuer (--allowed-issuer)")
        self._keys: Dict[str, Dict[Optional[str], _Key]] = {}
        for iss in allowed:
            if iss not in issuer_keys:
                raise ConfigError("allowed issuer %r has no keys in the issuer key file" % iss)
            self._keys[iss] = _load_issuer(iss, issuer_keys[iss])
        self.leeway, self.max_lifetime, self._clock = leeway, max_lifetime, clock
        self.replay = ReplayCache()

    @classmethod
    def from_file(cls, path: str, allowed_issuers: Iterable[str], **kw: Any) -> "Verifier":
        try:
            with open(path, encoding="utf-8") as f:
                conf = json.load(f)
        except (OSError, ValueError) as e:
            raise ConfigError("issuer key file %s: %s" % (path, e))
        if not isinstance(conf, dict):
            raise ConfigError("issuer key file %s: expected {\"issuer\": {...}}" % path)
        return cls(conf, allowed_issuers, **kw)

    def verify(self, authorization: Optional[str], audience: str) -> Dict[str, Any]:
        """The verified claims of the ``Authorization`` header's bearer token for a call to
        ``audience`` (the endpoint URL); raises AuthError."""
        if not authorization:
            raise AuthError("no-token", "an Authorization: Bearer JWT is required")
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise AuthError("no-token", "an Authorization: Bearer JWT is required")
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise AuthError("malformed", "the bearer token is not a JWT")
        alg = header.get("alg")
        if alg not in ALLOWED_ALGORITHMS:
            raise AuthError("algorithm", "JWT algorithm %r is not accepted (asymmetric only)"
                            % (alg if isinstance(alg, str) else type(alg).__name__))
        if header.get("typ", "JWT") != "JWT":
            raise AuthError("malformed", "JWT header typ must be 'JWT'")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthError("no-kid", "the JWT header has no kid")
        iss = unverified.get("iss")
        if not isinstance(iss, str) or iss not in self._keys:
            raise AuthError("issuer", "the JWT issuer is not allowed")
        keys = self._keys[iss]
        k = keys.get(kid) or keys.get(None)
        if k is None:
            raise AuthError("unknown-key", "no key of this issuer has the JWT's kid")
        if alg not in _KTY_ALGS[k.kty] or (k.alg is not None and k.alg != alg) or \
                (k.kty == "EC" and _EC_CURVES[alg] != k.key.curve.name):
            raise AuthError("algorithm", "JWT algorithm %s does not match the issuer's key" % alg)
        now = self._clock()
        try:
            claims = jwt.decode(
                token, k.key, algorithms=[alg], audience=audience, issuer=iss,
                leeway=self.leeway,
                options={"require": ["iss", "aud", "exp", "iat", "jti"], "verify_exp": False,
                         "verify_iat": False, "verify_nbf": False})
        except jwt.InvalidAudienceError:
            raise AuthError("audience", "the JWT audience is not this endpoint's URL")
        except jwt.MissingRequiredClaimError as e:
            raise AuthError("missing-claim", "the JWT has no %r claim" % e.claim)
        except jwt.InvalidSignatureError:
            raise AuthError("signature", "the JWT signature does not verify")
        except jwt.PyJWTError as e:
            raise AuthError("invalid", "the JWT is not valid (%s)" % type(e).__name__)
        # Times checked here against one clock reading (testable, and one leeway rule).
        exp, iat, jti = claims["exp"], claims["iat"], claims["jti"]
        if not _number(exp) or not _number(iat):
            raise AuthError("invalid", "exp and iat must be numbers")
        if not isinstance(jti, str) or not jti:
            raise AuthError("missing-claim", "the JWT jti must be a non-empty string")
        if exp + self.leeway < now:
            raise AuthError("expired", "the JWT has expired")
        if iat - self.leeway > now:
            raise AuthError("not-yet-valid", "the JWT was issued in the future")
        if "nbf" in claims and (not _number(claims["nbf"]) or claims["nbf"] - self.leeway > now):
            raise AuthError("not-yet-valid", "the JWT is not valid yet")
        if exp - now > self.max_lifetime:
            raise AuthError("lifetime", "the JWT expires too far ahead (max %d s)"
                            % self.max_lifetime)
        self.replay.check_and_add(iss, jti, exp + self.leeway, now)
        return claims


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def issuers_of(conf: Mapping[str, Any]) -> List[str]:
    return sorted(conf)
