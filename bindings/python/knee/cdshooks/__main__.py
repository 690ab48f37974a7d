"""python3 -m knee.cdshooks: run the CDS Hooks service (docs/cds-hooks.md)."""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import sys
from typing import List, Optional

from .. import KneeError, Ruleset
from .fetch import Fetcher
from .server import Service, serve

INSECURE_BANNER = ("*** --insecure-no-auth: ANY caller can reach this service without a JWT. "
                   "For local trials on 127.0.0.1 only; never with real patient data. ***")


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m knee.cdshooks",
                                 description="CDS Hooks 2.0 service over libknee "
                                             "(docs/cds-hooks.md)")
    ap.add_argument("--rules", help="rule file (default: the rules built into libknee)")
    ap.add_argument("--service-url", required=True,
                    help="base URL clients call, e.g. https://cds.example.org (JWT aud = this "
                         "+ /cds-services[/id])")
    ap.add_argument("--issuer-keys", help="JSON file: {issuer: {\"jwks\": {...}} or "
                                          "{\"pem\": \"...\"}}")
    ap.add_argument("--allowed-issuer", action="append", default=[],
                    help="an issuer (JWT iss) allowed to call; repeat for several")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--as-of", help="fixed evaluation date YYYY-MM-DD (default: the request's "
                                    "org.libknee.as-of extension, else today's local date)")
    ap.add_argument("--order-map", help="JSON file {\"system|code\": \"option-id\"} for "
                                        "order-select (default: the built-in knee-oa map)")
    ap.add_argument("--source-url", help="https URL shown as the cards' source.url")
    ap.add_argument("--fetch-timeout", type=float, default=3.0,
                    help="seconds per FHIR fetch (default 3)")
    ap.add_argument("--max-body", type=int, default=4 << 20,
                    help="largest request body in bytes (default 4 MiB)")
    ap.add_argument("--jwt-max-lifetime", type=int, default=3600,
                    help="refuse JWTs expiring more than this many seconds ahead (default 3600)")
    ap.add_argument("--insecure-no-auth", action="store_true",
                    help="accept calls without a JWT: local trials only, never with real data")
    args = ap.parse_args(argv)

    if args.as_of:
        try:
            datetime.date.fromisoformat(args.as_of)
        except ValueError:
            ap.error("--as-of must be a date YYYY-MM-DD")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s",
                        stream=sys.stderr)
    verifier = None
    if args.insecure_no_auth:
        if args.issuer_keys or args.allowed_issuer:
            ap.error("--insecure-no-auth cannot be combined with --issuer-keys/--allowed-issuer")
        logging.getLogger("knee.cdshooks").warning(INSECURE_BANNER)
    else:
        if not args.issuer_keys or not args.allowed_issuer:
            ap.error("--issuer-keys and --allowed-issuer are required "
                     "(or --insecure-no-auth for a local trial)")
        from .auth import ConfigError, Verifier
        try:
            verifier = Verifier.from_file(args.issuer_keys, args.allowed_issuer,
                                          max_lifetime=args.jwt_max_lifetime)
        except ConfigError as e:
            print("knee.cdshooks: %s" % e, file=sys.stderr)
            return 2
    order_map = None
    if args.order_map:
        try:
            with open(args.order_map, encoding="utf-8") as f:
                order_map = json.load(f)
            if not isinstance(order_map, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in order_map.items()):
                raise ValueError("expected {\"system|code\": \"option-id\"}")
        except (OSError, ValueError) as e:
            print("knee.cdshooks: --order-map: %s" % e, file=sys.stderr)
            return 2
    try:
        rules = Ruleset.load(args.rules) if args.rules else Ruleset.default()
        service = Service(rules, args.service_url, verifier, Fetcher(timeout=args.fetch_timeout),
                          as_of=args.as_of, order_map=order_map, max_body=args.max_body,
                          source_url=args.source_url)
    except (KneeError, ValueError) as e:
        print("knee.cdshooks: %s" % e, file=sys.stderr)
        return 2
    serve(service, args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
