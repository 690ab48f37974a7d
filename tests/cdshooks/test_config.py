"""The configuration (config.py): a file and/or KNEE_CDS_* variables, every mistake refused
with the key named before anything starts, and the gunicorn settings and WSGI application
built from it."""

import importlib
import json
import os
import subprocess
import sys
import tempfile
import unittest

from knee.cdshooks import config
from knee.cdshooks.app import Application

from support import ISSUER, KEYS, SERVICE_URL



def base():
    return {"service_url": SERVICE_URL, "issuers": {ISSUER: {"jwks": KEYS.jwks()}}}


class ConfigTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, conf, name="cds.json"):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(conf, f)
        return path

    def test_file_then_environment(self):
        path = self.write(dict(base(), fetch_deadline_ms=250, server={"workers": 3}))
        env = {"KNEE_CDS_CONFIG": path, "KNEE_CDS_FETCH_DEADLINE_MS": "400",
               "KNEE_CDS_AS_OF": "2026-01-15", "KNEE_CDS_CORS_ORIGINS": '["https://e.example"]'}
        conf = config.load(env)
        self.assertEqual(conf["fetch_deadline_ms"], 400)         # the environment wins
        self.assertEqual(conf["as_of"], "2026-01-15")
        self.assertEqual(conf["cors_origins"], ["https://e.example"])
        self.assertEqual(conf["server"]["workers"], 3)
        self.assertEqual(conf["server"]["header_timeout"], 10)    # defaults filled in
        # Environment only, issuers from a file named in a variable.
        keys = self.write({ISSUER: {"jwks": KEYS.jwks()}}, "issuers.json")
        conf = config.load({"KNEE_CDS_SERVICE_URL": SERVICE_URL, "KNEE_CDS_ISSUERS": keys})
        self.assertIn(ISSUER, conf["issuers"])

    def test_mistakes_are_named(self):
        cases = [({}, "service_url"),
                 ({"service_url": SERVICE_URL}, "issuers"),
                 (dict(base(), fetch_deadline_ms="fast"), "fetch_deadline_ms"),
                 (dict(base(), colour="blue"), "colour"),
                 (dict(base(), server={"wokers": 2}), "wokers"),
                 (dict(base(), server={"workers": 0}), "server.workers"),
                 (dict(base(), insecure_no_auth=True), "insecure_no_auth"),
                 (dict(base(), as_of="2026-02-30"), "as_of"),
                 (dict(base(), app={"link": "smart"}), "client_id"),
                 (dict(base(), app={"link": "absolute", "absolute_url": "http://x"}),
                  "absolute_url"),
                 (dict(base(), issuers={ISSUER: {"jwks": KEYS.jwks(), "fhir_servers": "x"}}),
                  "fhir_servers")]
        for conf, key in cases:
            with self.assertRaises(config.ConfigError) as e:
                config.load({}, overrides=conf)
            self.assertIn(key, str(e.exception))
        with self.assertRaises(config.ConfigError) as e:
            config.load({"KNEE_CDS_MAX_BODY": "lots"}, overrides=base())
        self.assertIn("KNEE_CDS_MAX_BODY", str(e.exception))

    def test_build(self):
        app = config.build(config.load({}, overrides=dict(base(), state_dir=self.tmp.name)))
        self.assertIsInstance(app, Application)
        self.assertTrue(os.path.exists(os.path.join(self.tmp.name, "cds-state.sqlite3")))
        # Several workers need a shared state folder.
        with self.assertRaises(config.ConfigError) as e:
            config.build(config.load({}, overrides=base()), shared=True)
        self.assertIn("state_dir", str(e.exception))
        config.build(config.load({}, overrides=base()), shared=False)
        for bad, why in (({"rules": os.path.join(self.tmp.name, "none.xml")}, "none.xml"),
                         ({"issuers": {ISSUER: {"jwks": {"keys": [{"kty": "oct"}]}}}},
                          "EC and RSA"),
                         ({"order_map": {"x|1": "no-such-option"}}, "no-such-option")):
            with self.assertRaises(config.ConfigError) as e:
                config.build(config.load({}, overrides=dict(base(), **bad)), shared=False)
            self.assertIn(why, str(e.exception))

    def test_without_jwt(self):
        """PyJWT and cryptography are optional (the extra "cdshooks"): hidden from a fresh
        interpreter, the service still builds and answers discovery under insecure_no_auth, and
        with issuers it refuses to start, saying what to install."""
        script = r"""
import json, sys
for name in ("jwt", "cryptography"):
    sys.modules[name] = None        # import jwt / cryptography raise ImportError
from wsgiref.util import setup_testing_defaults
from knee.cdshooks import config
conf = config.load({}, overrides={"service_url": sys.argv[1], "insecure_no_auth": True})
app = config.build(conf, shared=False)
env = {"PATH_INFO": "/cds-services", "REQUEST_METHOD": "GET"}
setup_testing_defaults(env)
status = []
body = b"".join(app(env, lambda s, h, *a: status.append(s)))
print(status[0], len(json.loads(body)["services"]))
try:
    config.build(config.load({}, overrides={"service_url": sys.argv[1],
                                            "issuers": json.loads(sys.argv[2])}), shared=False)
except config.ConfigError as e:
    print("refused:", e)
assert "jwt" not in sys.modules or sys.modules["jwt"] is None
"""
        issuers = json.dumps({ISSUER: {"jwks": KEYS.jwks()}})
        out = subprocess.run([sys.executable, "-B", "-c", script, SERVICE_URL, issuers],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        first, second = out.stdout.splitlines()[:2]
        self.assertRegex(first, r"^200 OK [1-9]")
        self.assertIn("refused: issuers: checking the callers' JWTs needs PyJWT and cryptography",
                      second)
        self.assertIn("knee[cdshooks]", second)
        self.assertIn("python3-jwt", second)

    def test_gunicorn_settings_and_wsgi_module(self):
        path = self.write(dict(base(), state_dir=self.tmp.name,
                               server={"bind": "127.0.0.1:9999", "workers": 3, "threads": 2,
                                       "graceful_timeout": 12, "keepalive": 4}))
        old = os.environ.get("KNEE_CDS_CONFIG")
        os.environ["KNEE_CDS_CONFIG"] = path
        try:
            for name in ("knee.cdshooks.gunicorn_conf", "knee.cdshooks.wsgi"):
                sys.modules.pop(name, None)
            g = importlib.import_module("knee.cdshooks.gunicorn_conf")
            w = importlib.import_module("knee.cdshooks.wsgi")
        finally:
            if old is None:
                del os.environ["KNEE_CDS_CONFIG"]
            else:
                os.environ["KNEE_CDS_CONFIG"] = old
        self.assertEqual((g.bind, g.workers, g.threads, g.graceful_timeout, g.keepalive),
                         (["127.0.0.1:9999"], 3, 2, 12, 4))
        self.assertEqual(g.worker_class, "knee.cdshooks.worker.Worker")
        self.assertIsNone(g.accesslog)
        self.assertIsInstance(w.application, Application)


if __name__ == "__main__":
    unittest.main()
