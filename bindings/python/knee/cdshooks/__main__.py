"""python3 -m knee.cdshooks: run the service on the standard library's HTTP server, for local
trials (docs/cds-hooks.md). Production runs the same application under gunicorn
(``knee.cdshooks.wsgi:application``). Options override the configuration file (--config) and
the KNEE_CDS_* environment variables."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Dict, List, Optional

from . import config
from .server import serve


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m knee.cdshooks",
                                 description="CDS Hooks 2.0 service over libknee, on a local "
                                             "trial server (docs/cds-hooks.md)")
    ap.add_argument("--config", help="configuration file (JSON; docs/cds-hooks.md)")
    ap.add_argument("--rules", help="rule file (default: the rules built into libknee)")
    ap.add_argument("--service-url",
                    help="base URL clients call, e.g. https://cds.example.org (JWT aud = this "
                         "+ /cds-services[/id])")
    ap.add_argument("--issuer-keys", help="JSON file: {issuer: {\"jwks\": {...}} or "
                                          "{\"pem\": \"...\"} or {\"jwks_url\": \"...\"}}")
    ap.add_argument("--allowed-issuer", action="append", default=[],
                    help="an issuer (JWT iss) allowed to call; repeat for several")
    ap.add_argument("--fhir-server", action="append", default=[],
                    help="a FHIR base URL the allowed issuers' access tokens may be sent to; "
                         "repeat for several")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--as-of", help="fixed evaluation date YYYY-MM-DD (default: the request's "
                                    "org.libknee.as-of extension, else today's local date)")
    ap.add_argument("--order-map", help="JSON file {\"system|code\": \"option-id\"} for "
                                        "order-select (default: the built-in knee-oa map)")
    ap.add_argument("--source-url", help="https URL shown as the cards' source.url")
    ap.add_argument("--fetch-deadline-ms", type=int,
                    help="milliseconds for all the FHIR reads of one call (default 300)")
    ap.add_argument("--max-body", type=int, help="largest request body in bytes (default "
                                                 "4 MiB)")
    ap.add_argument("--jwt-max-lifetime", type=int,
                    help="refuse JWTs expiring more than this many seconds ahead (default 3600)")
    ap.add_argument("--state-dir", help="folder for the shared state (jti, launches, "
                                        "feedback); default: this process's memory")
    ap.add_argument("--cors-origin", action="append", default=[],
                    help="a browser origin allowed to call (CORS); repeat for several")
    ap.add_argument("--insecure-no-auth", action="store_true",
                    help="accept calls without a JWT: local trials only, never with real data")
    args = ap.parse_args(argv)

    over: Dict[str, Any] = {"server": {"bind": "%s:%d" % (args.host, args.port)}}
    for key in ("rules", "service_url", "as_of", "order_map", "source_url",
                "fetch_deadline_ms", "max_body", "jwt_max_lifetime", "state_dir"):
        if getattr(args, key) is not None:
            over[key] = getattr(args, key)
    if args.cors_origin:
        over["cors_origins"] = args.cors_origin
    if args.insecure_no_auth:
        if args.issuer_keys or args.allowed_issuer:
            ap.error("--insecure-no-auth cannot be combined with --issuer-keys/--allowed-issuer")
        over["insecure_no_auth"] = True
        over["fhir_servers"] = args.fhir_server
    elif args.issuer_keys or args.allowed_issuer:
        if not args.issuer_keys or not args.allowed_issuer:
            ap.error("--issuer-keys and --allowed-issuer go together")
        try:
            with open(args.issuer_keys, encoding="utf-8") as f:
                keys = json.load(f)
        except (OSError, ValueError) as e:
            print("knee.cdshooks: --issuer-keys: %s" % e, file=sys.stderr)
            return 2
        if not isinstance(keys, dict):
            print("knee.cdshooks: --issuer-keys: expected {\"issuer\": {...}}", file=sys.stderr)
            return 2
        over["issuers"] = {}
        for iss in args.allowed_issuer:
            entry = dict(keys.get(iss) or {}) if isinstance(keys.get(iss), dict) else {}
            entry["fhir_servers"] = list(entry.get("fhir_servers", [])) + args.fhir_server
            over["issuers"][iss] = entry
    elif not args.config and config.ENV_FILE not in os.environ:
        ap.error("--issuer-keys and --allowed-issuer are required "
                 "(or --insecure-no-auth for a local trial)")
    try:
        conf = config.load(path=args.config, overrides=over)
        config.setup_logging(conf)
        app = config.build(conf, shared=False)
    except config.ConfigError as e:
        print("knee.cdshooks: %s" % e, file=sys.stderr)
        return 2
    serve(app, args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
