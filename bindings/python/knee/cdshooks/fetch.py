"""Fetching prefetch data the CDS client did not send, from its FHIR server, with the access
token it passed (CDS Hooks 2.0 "FHIR Resource Access"). urllib only; a timeout and a size cap
per response; searchset pages followed only on the same server, and not at all for a search
that asks for a number of results (_count: the first page is that many). Nothing fetched is
logged."""

from __future__ import annotations

import ipaddress
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Mapping, Optional

MAX_PAGES = 20


class FetchError(Exception):
    """The data could not be fetched; ``key`` is the prefetch key (never patient data)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def _loopback(host: Optional[str]) -> bool:
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def check_server(url: str) -> Optional[str]:
    """None if ``url`` may be given the access token, else why not: https only (http is
    accepted for a loopback host, for local trials and tests)."""
    try:
        u = urllib.parse.urlsplit(url)
    except ValueError:
        return "fhirServer is not a URL"
    if u.scheme == "https" and u.hostname:
        return None
    if u.scheme == "http" and _loopback(u.hostname):
        return None
    return "fhirServer must be an https URL"


def limited(template: str) -> bool:
    """Does the template's search ask for a number of results (``_count``)? Then its first
    page is the answer: a server's next link would page through everything (e.g. every claim
    of the patient), which the search was written to avoid."""
    query = template.partition("?")[2]
    return any(part.partition("=")[0] == "_count" for part in query.split("&"))


def fill_template(template: str, context: Mapping[str, Any]) -> str:
    """The relative FHIR URL of a prefetch template: {{context.x}} tokens replaced by the
    context's values, percent-encoded."""
    out, rest = [], template
    while "{{" in rest:
        head, _, tail = rest.partition("{{")
        token, _, rest = tail.partition("}}")
        name = token.strip()
        value = context.get(name[len("context."):]) if name.startswith("context.") else None
        if not isinstance(value, str):
            raise FetchError("", "prefetch token %s has no value in the context" % name)
        out.append(head)
        out.append(urllib.parse.quote(value, safe=""))
    out.append(rest)
    return "".join(out)


class Fetcher:
    """GETs FHIR JSON with a bearer token; ``timeout`` seconds and ``max_bytes`` per response."""

    def __init__(self, timeout: float = 3.0, max_bytes: int = 8 << 20) -> None:
        self.timeout, self.max_bytes = timeout, max_bytes
        # No proxies from the environment: the token goes to the FHIR server only.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def _get(self, key: str, url: str, token: str) -> Optional[Dict[str, Any]]:
        req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token,
                                                   "Accept": "application/fhir+json"})
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                body = resp.read(self.max_bytes + 1)
        except urllib.error.HTTPError as e:
            if e.code in (404, 410):
                return None            # a read that found nothing
            raise FetchError(key, "the FHIR server answered HTTP %d" % e.code)
        except (urllib.error.URLError, OSError, ValueError) as e:
            raise FetchError(key, "the FHIR server could not be reached (%s)"
                             % type(e).__name__)
        if len(body) > self.max_bytes:
            raise FetchError(key, "the FHIR server's answer is over %d bytes" % self.max_bytes)
        try:
            data = json.loads(body)
        except ValueError:
            raise FetchError(key, "the FHIR server's answer is not JSON")
        if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
            raise FetchError(key, "the FHIR server's answer is not a FHIR resource")
        return data

    def fetch(self, key: str, server: str, template: str, context: Mapping[str, Any],
              token: str) -> Optional[Dict[str, Any]]:
        """The prefetch value for ``key``: a resource, a searchset Bundle with every page's
        entries (the first page only for a ``_count`` search), or None (a read that found
        nothing)."""
        base = server.rstrip("/") + "/"
        try:
            rel = fill_template(template, context)
        except FetchError as e:
            raise FetchError(key, str(e))
        data = self._get(key, base + rel, token)
        if data is None or data.get("resourceType") != "Bundle":
            return data
        entries = list(data.get("entry") or [])
        page, pages = data, 1
        while not limited(template):
            nxt = next((l.get("url") for l in page.get("link") or []
                        if isinstance(l, dict) and l.get("relation") == "next"), None)
            if not isinstance(nxt, str):
                break
            if not nxt.startswith(base):
                raise FetchError(key, "a next-page link points outside the FHIR server")
            if pages == MAX_PAGES:
                raise FetchError(key, "more than %d pages of results" % MAX_PAGES)
            page = self._get(key, nxt, token) or {}
            pages += 1
            entries += list(page.get("entry") or [])
        data = dict(data)
        data["entry"] = entries
        data.pop("link", None)
        if not entries:
            data.pop("entry")
        return data
