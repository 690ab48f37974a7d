"""gunicorn settings for the service (``gunicorn -c python:knee.cdshooks.gunicorn_conf``),
from the same configuration as the application (config.py, key ``server``): where to
listen, how many workers and threads, and the deadlines. The worker is worker.Worker
(gunicorn's threaded worker with header and body deadlines and JSON errors). Options given on
gunicorn's command line still win."""

from knee.cdshooks import config as _config

_conf = _config.load()
# Build once in the master: a configuration that cannot start fails here, before any worker.
_config.build(_conf, shared=True)
_server = _conf["server"]

bind = [_server["bind"]]
workers = int(_server["workers"])
threads = int(_server["threads"])
worker_class = "knee.cdshooks.worker.Worker"
backlog = int(_server["backlog"])
# A worker that stops answering the arbiter for this long is replaced.
timeout = int(_server["worker_timeout"])
# SIGTERM: stop accepting, let calls in flight finish for up to this long, then exit.
graceful_timeout = int(_server["graceful_timeout"])
# An idle connection (new, or kept alive) waits this long for its request's first byte.
keepalive = max(1, int(_server["keepalive"]))
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# The service writes its own audit line per call (audit.py); gunicorn's access log would
# add the request line, which may carry client text.
accesslog = None
errorlog = "-"
proc_name = "knee-cds"
