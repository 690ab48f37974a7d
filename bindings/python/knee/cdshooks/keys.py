"""The public keys an issuer (an EHR) signs its CDS Hooks JWTs with: configured out of band
(a JWK Set or a PEM key), and/or fetched from the issuer's published JWK Set URL, cached and
refetched (docs/cds-hooks.md, "Issuers"). Only EC and RSA public keys; a private key, a
symmetric key or an unknown algorithm is refused. A ``jku`` header in a token is never
fetched: the URL is configured, never taken from the token."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any, Callable, Dict, Mapping, Optional

from jwt.algorithms import get_default_algorithms

from . import httpclient

log = logging.getLogger("knee.cdshooks")

# Asymmetric JWS algorithms only (RFC 7518): CDS Hooks recommends ES384 and RS384 and forbids
# "none" and every symmetric algorithm.
ALLOWED_ALGORITHMS = ("ES256", "ES384", "ES512", "RS256", "RS384", "RS512",
                      "PS256", "PS384", "PS512")
KTY_ALGS = {"EC": ("ES256", "ES384", "ES512"), "RSA": ("RS256", "RS384", "RS512", "PS256",
                                                       "PS384", "PS512")}
JWKS_MAX_BYTES = 1 << 20


class ConfigError(Exception):
    """The issuer configuration (or a key set) is unusable."""


class Key:
    def __init__(self, key: Any, kty: str, alg: Optional[str]) -> None:
        self.key, self.kty, self.alg = key, kty, alg


def parse_jwks(iss: str, jwks: Any, need_kid: bool = False) -> Dict[Optional[str], Key]:
    """kid -> key of a JWK Set ``{"keys": [...]}``; keys not for signatures are skipped.
    ``need_kid``: keys without a kid are refused (a fetched set: tokens name their key)."""
    algs = get_default_algorithms()
    if not isinstance(jwks, Mapping) or not isinstance(jwks.get("keys"), list):
        raise ConfigError("issuer %r: a JWK Set must be {\"keys\": [...]}" % iss)
    keys: Dict[Optional[str], Key] = {}
    for jwk in jwks["keys"]:
        if not isinstance(jwk, Mapping) or jwk.get("kty") not in KTY_ALGS:
            raise ConfigError("issuer %r: only EC and RSA public keys are accepted" % iss)
        if "d" in jwk:
            raise ConfigError("issuer %r: a private key was configured; give the public "
                              "key only" % iss)
        if jwk.get("use", "sig") != "sig":
            continue
        if need_kid and not isinstance(jwk.get("kid"), str):
            raise ConfigError("issuer %r: a key of the published set has no kid" % iss)
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
        keys[jwk.get("kid")] = Key(key, jwk["kty"], alg)
    return keys


def parse_pem(iss: str, conf: Mapping[str, Any]) -> Dict[Optional[str], Key]:
    """``{"pem": "...", "kid": ..., "alg": ...}``: one key (without kid it serves any kid)."""
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
    return {conf.get("kid"): Key(key, kty, alg)}


class IssuerKeys:
    """The keys of one issuer, from its configuration object: ``jwks`` (a JWK Set), ``pem``
    (+ ``kid``, ``alg``) and/or ``jwks_url``. A fetched set is used for ``refresh`` seconds,
    then fetched again; a token whose kid is not known makes it fetch at once (the issuer
    rotated its keys), at most once every ``min_refresh`` seconds; a failed fetch keeps the
    last good set and is logged. Thread-safe: one thread fetches while the others use the set
    they have."""

    def __init__(self, iss: str, conf: Mapping[str, Any], refresh: float = 3600.0,
                 min_refresh: float = 30.0, fetch_timeout: float = 3.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not isinstance(conf, Mapping):
            raise ConfigError("issuer %r: expected an object with 'jwks', 'pem' or "
                              "'jwks_url'" % iss)
        self.iss = iss
        self.static: Dict[Optional[str], Key] = {}
        if "jwks" in conf:
            self.static.update(parse_jwks(iss, conf["jwks"]))
        if "pem" in conf:
            self.static.update(parse_pem(iss, conf))
        self.url = conf.get("jwks_url")
        if self.url is not None:
            why = httpclient.check_url(self.url) if isinstance(self.url, str) else "not a URL"
            if why:
                raise ConfigError("issuer %r: jwks_url %s" % (iss, why))
        elif not self.static:
            raise ConfigError("issuer %r: no signing key ('jwks', 'pem' or 'jwks_url')" % iss)
        self.refresh, self.min_refresh, self.fetch_timeout = refresh, min_refresh, fetch_timeout
        self._clock = clock
        self._fetched: Optional[Dict[Optional[str], Key]] = None
        self._fetched_at = self._tried_at = -1e18
        self._lock = threading.Lock()
        self.fetches = 0   # how many times the set was fetched (tests, health)

    def get(self, kid: str) -> Optional[Key]:
        """The key for ``kid`` (or a configured key without kid), fetching the published set
        when it is due or when the kid is new."""
        if self.url:
            self._refresh(rotated=False)
        k = self._lookup(kid)
        if k is None and self.url:
            self._refresh(rotated=True)
            k = self._lookup(kid)
        return k

    def _lookup(self, kid: str) -> Optional[Key]:
        fetched = self._fetched or {}
        return fetched.get(kid) or self.static.get(kid) or self.static.get(None)

    def _refresh(self, rotated: bool) -> None:
        now = self._clock()
        if now - self._tried_at < self.min_refresh:
            return          # tried a moment ago (successfully or not): no fetch storm
        if not rotated and self._fetched is not None and now - self._fetched_at < self.refresh:
            return
        # The first fetch is waited for; later ones by one thread while the others go on
        # with the set they have.
        if not self._lock.acquire(blocking=self._fetched is None):
            return
        try:
            if self._clock() - self._tried_at < self.min_refresh:
                return      # another thread just did it
            self._tried_at = self._clock()
            try:
                keys = self._fetch()
            except (httpclient.ClientError, ConfigError) as e:
                log.warning("issuer %s: JWK Set not refreshed from its jwks_url: %s",
                            self.iss, e)
                return
            self._fetched, self._fetched_at = keys, self._clock()
            self.fetches += 1
        finally:
            self._lock.release()

    def _fetch(self) -> Dict[Optional[str], Key]:
        resp = httpclient.request("GET", self.url, time.monotonic() + self.fetch_timeout,
                                  {"Accept": "application/jwk-set+json, application/json"},
                                  max_bytes=JWKS_MAX_BYTES)
        if resp.status != 200:
            raise ConfigError("HTTP %d" % resp.status)
        try:
            data = json.loads(resp.body)
        except (ValueError, RecursionError):
            raise ConfigError("the answer is not JSON")
        keys = parse_jwks(self.iss, data, need_kid=True)
        if not keys:
            raise ConfigError("the set has no signing key")
        return keys
