"""knee.cdshooks: a CDS Hooks 2.0 service over libknee (docs/cds-hooks.md).

Run it with ``python3 -m knee.cdshooks --rules FILE --issuer-keys KEYS.json
--allowed-issuer ISS --service-url URL --port N``. Discovery at ``GET /cds-services``
(prefetch templates from the rule file's <fhir> mapping), the ``patient-view`` service
``knee-oa-options`` and the ``order-select`` service ``knee-oa-order-check``; every call needs
a bearer JWT from an allowed issuer (auth.py, Debian's python3-jwt). Standard library
otherwise.
"""

from .markdown import escape
from .server import (DEFAULT_ORDER_MAP, ORDER_SELECT_ID, PATIENT_VIEW_ID, HttpError, Service,
                     make_server)

__all__ = ["DEFAULT_ORDER_MAP", "ORDER_SELECT_ID", "PATIENT_VIEW_ID", "HttpError", "Service",
           "escape", "make_server"]
