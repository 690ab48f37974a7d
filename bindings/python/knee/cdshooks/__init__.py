"""knee.cdshooks: a CDS Hooks 2.0 service over libknee (docs/cds-hooks.md).

In production, gunicorn serves ``knee.cdshooks.wsgi:application`` (configured by a file or
the environment: config.py); ``python3 -m knee.cdshooks`` runs the same application on the
standard library's server for local trials. Discovery at ``GET /cds-services`` (prefetch
templates from the rule file's <fhir> mapping), the ``patient-view`` service
``knee-oa-options``, the ``order-select`` service ``knee-oa-order-check``, feedback,
``/health`` and the decision aid's SMART launch (``/app/launch``); every CDS Hooks call needs
a bearer JWT from an allowed issuer (auth.py, Debian's python3-jwt).

One job per module: app (WSGI routes, body, CORS, errors), service (the hooks), cards,
fetch (FHIR reads), auth and keys (JWTs, issuers' keys), state (what workers share), smart
(the SMART launch), audit (the log line), config, server (local trials), worker and
gunicorn_conf (production), httpclient (outgoing HTTP), markdown (escaping), errors.
"""

from .app import Application
from .errors import HttpError
from .markdown import escape
from .server import make_server
from .service import DEFAULT_ORDER_MAP, ORDER_SELECT_ID, PATIENT_VIEW_ID, Service

__all__ = ["Application", "DEFAULT_ORDER_MAP", "ORDER_SELECT_ID", "PATIENT_VIEW_ID",
           "HttpError", "Service", "escape", "make_server"]
