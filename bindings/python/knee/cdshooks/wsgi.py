"""``knee.cdshooks.wsgi:application``: the service for a WSGI server, configured by the file
named in $KNEE_CDS_CONFIG and/or $KNEE_CDS_<KEY> variables (config.py). In production:

    /usr/bin/python3 -m gunicorn -c python:knee.cdshooks.gunicorn_conf \\
        knee.cdshooks.wsgi:application

Each gunicorn worker imports this module and builds its own service (its own libknee
ruleset); the state every worker must share (jti, SMART launches, feedback) is in state_dir.
"""

from __future__ import annotations

from . import config

_conf = config.load()
config.setup_logging(_conf)
application = config.build(_conf, shared=True)
