"""The service's configuration: a JSON file (``KNEE_CDS_CONFIG``) and/or environment
variables (``KNEE_CDS_<KEY>``, which win), checked in full before anything starts, and the
objects built from it (docs/cds-hooks.md, "Configuration"). gunicorn (gunicorn_conf.py,
wsgi.py) and the local trial server (``python3 -m knee.cdshooks``) read the same keys.
"""

from __future__ import annotations

import copy
import json
import logging
import os
from typing import Any, Dict, Mapping, Optional

from .. import KneeError, Ruleset

log = logging.getLogger("knee.cdshooks")

ENV_FILE = "KNEE_CDS_CONFIG"
ENV_PREFIX = "KNEE_CDS_"

# key -> (type, default). Types: "str", "int", "num", "bool", "list", "dict", "dict|path".
KEYS: Dict[str, Any] = {
    "service_url": ("str", None),           # required
    "rules": ("str", None),                 # default: the rules built into libknee
    "state_dir": ("str", None),             # required under gunicorn (jti, launches, feedback)
    "issuers": ("dict|path", None),         # {iss: {jwks|pem|jwks_url, fhir_servers}}
    "insecure_no_auth": ("bool", False),
    "fhir_servers": ("list", []),           # without authentication only
    "as_of": ("str", None),
    "order_map": ("dict|path", None),
    "source_url": ("str", None),
    "max_body": ("int", 4 << 20),
    "jwt_max_lifetime": ("int", 3600),
    "jwks_refresh": ("num", 3600),
    "jwks_min_refresh": ("num", 30),
    "fetch_deadline_ms": ("int", 300),
    "fetch_max_pages": ("int", 20),
    "cors_origins": ("list", []),
    "max_age_days": ("dict", None),         # default service.DEFAULT_MAX_AGE_DAYS
    "app": ("dict", None),
    "server": ("dict", {}),
    "log_level": ("str", "INFO"),
}
SERVER = {"bind": "127.0.0.1:8080", "workers": 2, "threads": 4, "header_timeout": 10,
          "body_timeout": 20, "send_timeout": 20, "keepalive": 5, "graceful_timeout": 30,
          "worker_timeout": 60, "backlog": 2048}
APP_KEYS = ("client_id", "client_secret", "redirect_uri", "scope", "link", "absolute_url",
            "fetch_deadline_ms")


class ConfigError(Exception):
    """The configuration is unusable; the message says which key and why."""


def _typed(key: str, kind: str, value: Any) -> Any:
    ok = {"str": isinstance(value, str),
          "int": isinstance(value, int) and not isinstance(value, bool),
          "num": isinstance(value, (int, float)) and not isinstance(value, bool),
          "bool": isinstance(value, bool), "list": isinstance(value, list),
          "dict": isinstance(value, dict),
          "dict|path": isinstance(value, (dict, str))}[kind]
    if value is not None and not ok:
        raise ConfigError("%s: expected %s" % (key, kind.replace("|", " or a file ")))
    if kind == "dict|path" and isinstance(value, str):
        try:
            with open(value, encoding="utf-8") as f:
                value = json.load(f)
        except (OSError, ValueError) as e:
            raise ConfigError("%s: %s" % (key, e))
        if not isinstance(value, dict):
            raise ConfigError("%s: the file must hold a JSON object" % key)
    return value


def load(environ: Optional[Mapping[str, str]] = None, path: Optional[str] = None,
         overrides: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """The configuration: defaults, then the file (``path``, else $KNEE_CDS_CONFIG), then
    each $KNEE_CDS_<KEY> (JSON for numbers, booleans, lists and objects; text for strings),
    then ``overrides``. Unknown keys and wrong types are errors."""
    env = os.environ if environ is None else environ
    raw: Dict[str, Any] = {}
    path = path or env.get(ENV_FILE)
    if path:
        try:
            with open(path, encoding="utf-8") as f:
                raw = json.load(f)
        except (OSError, ValueError) as e:
            raise ConfigError("configuration file %s: %s" % (path, e))
        if not isinstance(raw, dict):
            raise ConfigError("configuration file %s: expected a JSON object" % path)
    for key, (kind, _) in KEYS.items():
        text = env.get(ENV_PREFIX + key.upper())
        if text is None:
            continue
        if kind == "str" or (kind == "dict|path" and not text.lstrip().startswith("{")):
            raw[key] = text
        else:
            try:
                raw[key] = json.loads(text)
            except ValueError:
                raise ConfigError("%s%s: not JSON" % (ENV_PREFIX, key.upper()))
    raw.update(overrides or {})
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise ConfigError("unknown configuration keys: %s" % ", ".join(unknown))
    conf = {k: _typed(k, kind, raw[k] if k in raw else copy.deepcopy(default))
            for k, (kind, default) in KEYS.items()}
    _check(conf)
    return conf


def _check(conf: Dict[str, Any]) -> None:
    if not conf["service_url"]:
        raise ConfigError("service_url is required (the base URL EHRs call)")
    server = dict(SERVER)
    bad = sorted(set(conf["server"]) - set(SERVER))
    if bad:
        raise ConfigError("server: unknown keys %s" % ", ".join(bad))
    server.update(conf["server"])
    for k, v in server.items():
        if k != "bind" and (not isinstance(v, (int, float)) or isinstance(v, bool) or v <= 0):
            raise ConfigError("server.%s: expected a positive number" % k)
    conf["server"] = server
    if conf["insecure_no_auth"]:
        if conf["issuers"]:
            raise ConfigError("insecure_no_auth cannot be combined with issuers")
    elif not conf["issuers"]:
        raise ConfigError("issuers is required (or insecure_no_auth for a local trial)")
    for iss, ic in (conf["issuers"] or {}).items():
        servers = ic.get("fhir_servers", []) if isinstance(ic, dict) else None
        if not isinstance(servers, list) or not all(isinstance(s, str) for s in servers):
            raise ConfigError("issuers[%r].fhir_servers: expected a list of base URLs" % iss)
    app = conf["app"]
    if app is not None:
        bad = sorted(set(app) - set(APP_KEYS))
        if bad:
            raise ConfigError("app: unknown keys %s" % ", ".join(bad))
        link = app.get("link", "smart")
        if link not in ("smart", "absolute", "none"):
            raise ConfigError("app.link: smart, absolute or none")
        if link == "smart" and not isinstance(app.get("client_id"), str):
            raise ConfigError("app.client_id is required for the SMART launch")
        if link == "absolute" and not (isinstance(app.get("absolute_url"), str) and
                                       app["absolute_url"].startswith("https://")):
            raise ConfigError("app.absolute_url: an https URL ({audience}, {patientId} are "
                              "filled in)")
    if conf["as_of"] is not None:
        import datetime
        try:
            datetime.date.fromisoformat(conf["as_of"])
        except ValueError:
            raise ConfigError("as_of must be a date YYYY-MM-DD")


def _auth() -> Any:
    """(auth.Verifier, keys.ConfigError). The JWT check needs PyJWT and cryptography, the
    package's optional dependencies "cdshooks" (Debian: python3-jwt, python3-cryptography); the
    service imports them only when it checks tokens, so it runs without them under
    insecure_no_auth."""
    try:
        import cryptography  # noqa: F401 - PyJWT's EC and RSA algorithms need it too
        from .auth import Verifier
        from .keys import ConfigError as KeyConfigError
    except ImportError as e:
        raise ConfigError("issuers: checking the callers' JWTs needs PyJWT and cryptography "
                          "(%s: %s); install them with pip install 'knee[cdshooks]' (Debian: "
                          "apt install python3-jwt python3-cryptography), or use "
                          "insecure_no_auth for a local trial" % (type(e).__name__, e))
    return Verifier, KeyConfigError


def build(conf: Mapping[str, Any], shared: bool = True,
          logger: Optional[logging.Logger] = None) -> Any:
    """The WSGI application (app.Application) the configuration describes. ``shared``: it
    runs in several processes (gunicorn), so the state must be in state_dir (a per-process
    store would accept a token once per worker)."""
    from .app import Application
    from .fetch import Fetcher
    from .service import Service
    from .state import MemoryState, SqliteState

    if conf["state_dir"]:
        state: Any = SqliteState(conf["state_dir"])
    elif shared and (not conf["insecure_no_auth"] or conf["app"]):
        raise ConfigError("state_dir is required when the service runs in several workers "
                          "(the jti store and SMART launches must be shared)")
    else:
        state = MemoryState()
    verifier = None
    if conf["insecure_no_auth"]:
        log.warning("*** insecure_no_auth: ANY caller can reach this service without a JWT. "
                    "For local trials on 127.0.0.1 only; never with real patient data. ***")
        fhir_servers: Dict[Optional[str], Any] = {None: conf["fhir_servers"]}
    else:
        Verifier, KeyConfigError = _auth()
        try:
            verifier = Verifier(conf["issuers"], None, max_lifetime=conf["jwt_max_lifetime"],
                                replay=state, jwks_refresh=conf["jwks_refresh"],
                                jwks_min_refresh=conf["jwks_min_refresh"])
        except KeyConfigError as e:
            raise ConfigError(str(e))
        fhir_servers = {iss: ic.get("fhir_servers", []) for iss, ic in conf["issuers"].items()}
    order_map = conf["order_map"]
    if order_map is not None and not all(isinstance(k, str) and isinstance(v, str)
                                         for k, v in order_map.items()):
        raise ConfigError("order_map: expected {\"system|code\": \"option-id\"}")
    try:
        rules = Ruleset.load(conf["rules"]) if conf["rules"] else Ruleset.default()
        service = Service(rules, conf["service_url"], verifier,
                          Fetcher(deadline=conf["fetch_deadline_ms"] / 1000.0,
                                  max_pages=conf["fetch_max_pages"]),
                          as_of=conf["as_of"], order_map=order_map, max_body=conf["max_body"],
                          source_url=conf["source_url"], fhir_servers=fhir_servers,
                          max_age_days=conf["max_age_days"], state=state)
    except (KneeError, ValueError) as e:
        raise ConfigError(str(e))
    smart = None
    app = conf["app"]
    if app is not None:
        from .smart import SmartApp, absolute_links
        link = app.get("link", "smart")
        if link == "absolute":
            url = app["absolute_url"]
            service.app_links = lambda pid: absolute_links(url, pid)
        if app.get("client_id"):
            smart = SmartApp(service, app["client_id"], state,
                             client_secret=app.get("client_secret"),
                             redirect_uri=app.get("redirect_uri"), scope=app.get("scope"),
                             fetch_deadline=app.get("fetch_deadline_ms", 5000) / 1000.0)
            if link == "smart":
                service.app_links = smart.links
    return Application(service, smart, conf["cors_origins"], logger)


def setup_logging(conf: Mapping[str, Any]) -> None:
    """The audit lines and warnings of ``knee.cdshooks`` to stderr (journald under systemd),
    once per process."""
    logger = logging.getLogger("knee.cdshooks")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(conf.get("log_level") or "INFO")
