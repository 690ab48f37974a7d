"""Who may call the service: the bearer JWT CDS Hooks 2.0 requires of every call
("Trusting CDS Clients"), checked with PyJWT and cryptography (Debian python3-jwt,
python3-cryptography); nothing here does cryptography itself.

A token is accepted only when: its header names an asymmetric algorithm (never ``none`` or
HMAC), ``typ`` JWT and a ``kid``; its ``iss`` is an allowed issuer; the signature verifies
with that issuer's key for the ``kid`` (keys.py: configured or fetched from the issuer's JWK
Set URL); ``aud`` is the URL of the endpoint called; ``exp``, ``iat`` and ``jti`` are present,
``exp`` is not past and not further ahead than the allowed lifetime; and the ``jti`` has not
been seen before from that issuer (state.py: a store every worker shares, kept until the token
expires). Anything else raises :class:`AuthError`.
"""

from __future__ import annotations

import json
import time
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Union

import jwt

from .keys import ALLOWED_ALGORITHMS, KTY_ALGS, ConfigError, IssuerKeys
from .state import MemoryState, StateFull

__all__ = ["ALLOWED_ALGORITHMS", "AuthError", "ConfigError", "Verifier"]

_EC_CURVES = {"ES256": "secp256r1", "ES384": "secp384r1", "ES512": "secp521r1"}
# RFC 7515 4.1.9: typ is a media type, compared case-insensitively; "JWT" is what CDS Hooks
# requires and "application/jwt" its long form.
_TYP = ("jwt", "application/jwt")


class AuthError(Exception):
    """A refused token; ``reason`` is a stable code, ``str()`` a message without the token."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class Verifier:
    """Checks CDS Hooks bearer JWTs against the allowed issuers' keys.

    ``issuers``: issuer -> its configuration object (``jwks``, ``pem``, ``jwks_url``; other
    keys such as ``fhir_servers`` are not read here); only those in ``allowed_issuers`` are
    used (all of them when it is None). ``replay``: the jti store (state.py); a store of this
    process's memory by default. ``clock``: seconds since the epoch (tests)."""

    def __init__(self, issuers: Mapping[str, Any], allowed_issuers: Optional[Iterable[str]] = None,
                 leeway: int = 30, max_lifetime: int = 3600, clock: Any = time.time,
                 replay: Any = None, jwks_refresh: float = 3600.0,
                 jwks_min_refresh: float = 30.0) -> None:
        allowed = list(issuers if allowed_issuers is None else allowed_issuers)
        if not allowed:
            raise ConfigError("no allowed issuer")
        self._keys: Dict[str, IssuerKeys] = {}
        for iss in allowed:
            if iss not in issuers:
                raise ConfigError("allowed issuer %r has no keys configured" % iss)
            self._keys[iss] = IssuerKeys(iss, issuers[iss], refresh=jwks_refresh,
                                         min_refresh=jwks_min_refresh)
        self.leeway, self.max_lifetime, self._clock = leeway, max_lifetime, clock
        self.replay = replay if replay is not None else MemoryState()

    @classmethod
    def from_file(cls, path: str, allowed_issuers: Optional[Iterable[str]] = None,
                  **kw: Any) -> "Verifier":
        try:
            with open(path, encoding="utf-8") as f:
                conf = json.load(f)
        except (OSError, ValueError) as e:
            raise ConfigError("issuer key file %s: %s" % (path, e))
        if not isinstance(conf, dict):
            raise ConfigError("issuer key file %s: expected {\"issuer\": {...}}" % path)
        return cls(conf, allowed_issuers, **kw)

    @property
    def issuers(self) -> Sequence[str]:
        return list(self._keys)

    def verify(self, authorization: Optional[str],
               audience: Union[str, Sequence[str]]) -> Dict[str, Any]:
        """The verified claims of the ``Authorization`` header's bearer token for a call to
        ``audience`` (the endpoint URL, or a list of URLs any of which may be the token's
        aud); raises AuthError."""
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
        typ = header.get("typ")
        if not isinstance(typ, str) or typ.lower() not in _TYP:
            raise AuthError("typ", "the JWT header must say typ JWT")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthError("no-kid", "the JWT header has no kid")
        iss = unverified.get("iss")
        if not isinstance(iss, str) or iss not in self._keys:
            raise AuthError("issuer", "the JWT issuer is not allowed")
        k = self._keys[iss].get(kid)
        if k is None:
            raise AuthError("unknown-key", "no key of this issuer has the JWT's kid")
        if alg not in KTY_ALGS[k.kty] or (k.alg is not None and k.alg != alg) or \
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
        try:
            fresh = self.replay.add_jti(iss, jti, exp + self.leeway, now)
        except StateFull:
            raise AuthError("replay-cache-full", "too many live tokens; try again later")
        if not fresh:
            raise AuthError("replayed-jti", "this token's jti was already used")
        return claims


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)
