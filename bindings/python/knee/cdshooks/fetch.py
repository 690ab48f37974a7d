"""Reading from the EHR's FHIR server what the CDS client did not send, with the access token
it passed (CDS Hooks 2.0 "FHIR Resource Access"), so that a slow or failing server costs one
fact, never the card.

Every search runs at once (a thread each, from a pool this process shares) under one overall
deadline; searchset ``next`` pages are followed on the same server up to a cap (not for a
search that asks for a number of results: ``_count`` means its first page is the answer).
Each key comes back read, read in part (pages left unread: the data read is used, the card
says so) or not read (an HTTP error, 404 included, no answer in time, not FHIR JSON: the facts
it gives are missing, the card says so). Query strings are percent-encoded. Nothing fetched is
logged.
"""

from __future__ import annotations

import concurrent.futures
import json
import threading
import time
import urllib.parse
from typing import Any, Dict, Mapping, NamedTuple, Optional, Tuple

from . import httpclient

MAX_PAGES = 20
DEADLINE = 0.3     # seconds for all the searches of one call: CDS Hooks asks ~500 ms in all
# Characters left as they are in a query value: RFC 3986 unreserved ones, the separators FHIR
# search syntax uses (, : /), and % (an escape already made stays one).
_QUERY_SAFE = "-._~,:/%"


class FetchError(Exception):
    """A template that cannot be filled from the context (never patient data)."""


class Read(NamedTuple):
    """What one prefetch key gave: ``value`` (a resource or searchset Bundle; None when not
    read) and ``problem`` (why it was not read, or what was left unread; None when whole)."""

    value: Optional[Dict[str, Any]]
    problem: Optional[str]


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
            raise FetchError("prefetch token %s has no value in the context" % name)
        out.append(head)
        out.append(urllib.parse.quote(value, safe=""))
    out.append(rest)
    return "".join(out)


def encode(relative: str) -> str:
    """A relative FHIR URL with every character a URL may not carry percent-encoded (``|``
    between a code's system and value, ``\\`` of FHIR search escapes, spaces, non-ASCII),
    escapes already made kept: ``Condition?code=http://snomed.info/sct|239873007`` is sent as
    ``Condition?code=http://snomed.info/sct%7C239873007``."""
    path, sep, query = relative.partition("?")
    path = urllib.parse.quote(path, safe="/%-._~$")
    if not sep:
        return path
    params = []
    for part in query.split("&"):
        name, eq, value = part.partition("=")
        params.append(urllib.parse.quote(name, safe=_QUERY_SAFE) + eq +
                      urllib.parse.quote(value, safe=_QUERY_SAFE))
    return path + "?" + "&".join(params)


def next_link(bundle: Mapping[str, Any]) -> Optional[str]:
    links = bundle.get("link")
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict) and link.get("relation") == "next" and \
                isinstance(link.get("url"), str):
            return link["url"]
    return None


class Fetcher:
    """Reads prefetch keys from a FHIR server with a bearer token. ``deadline``: seconds for
    all the keys of one call; ``max_pages``: searchset pages read per key; ``max_bytes`` per
    answer; ``workers``: the threads this process shares for it."""

    def __init__(self, deadline: float = DEADLINE, max_pages: int = MAX_PAGES,
                 max_bytes: int = httpclient.MAX_BYTES, workers: int = 32) -> None:
        self.deadline, self.max_pages, self.max_bytes = deadline, max_pages, max_bytes
        self._workers = workers
        self._pool: Optional[concurrent.futures.ThreadPoolExecutor] = None
        self._pool_lock = threading.Lock()

    def _executor(self) -> concurrent.futures.ThreadPoolExecutor:
        # Made on first use, so a gunicorn worker that imported the service never inherits
        # the parent's threads.
        with self._pool_lock:
            if self._pool is None:
                self._pool = concurrent.futures.ThreadPoolExecutor(
                    max_workers=self._workers, thread_name_prefix="knee-fhir")
            return self._pool

    def read_all(self, server: str, wanted: Mapping[str, Tuple[str, Optional[Dict[str, Any]]]],
                 context: Mapping[str, Any], token: str,
                 deadline: Optional[float] = None) -> Dict[str, Read]:
        """Each key of ``wanted`` -> (template, first page or None) read from ``server``: a
        key without a page is searched from its template; a key with one (a prefetched
        searchset the client paginated) has its next pages read. All at once, within
        ``deadline`` seconds (default: the fetcher's) in all."""
        seconds = self.deadline if deadline is None else deadline
        late = "no answer within %d ms" % round(1000 * seconds)
        end = time.monotonic() + seconds
        base = server.rstrip("/") + "/"
        futures = {key: self._executor().submit(self._read, base, template, page, context,
                                                token, end, late)
                   for key, (template, page) in wanted.items()}
        concurrent.futures.wait(list(futures.values()), timeout=max(0.0, end - time.monotonic()))
        out = {}
        for key, fut in futures.items():
            if fut.done():
                out[key] = fut.result()
            else:
                # Its socket's timeout is the same deadline: the thread ends a moment later.
                fut.cancel()
                out[key] = Read(None, late)
        return out

    def _get(self, url: str, token: str, end: float,
             late: str) -> Tuple[Optional[Dict[str, Any]], str]:
        """(resource, "") or (None, why not)."""
        try:
            resp = httpclient.request("GET", url, end, {"Authorization": "Bearer " + token,
                                                        "Accept": "application/fhir+json"},
                                      max_bytes=self.max_bytes)
        except httpclient.ClientError as e:
            return None, late if e.timeout else "the FHIR server: %s" % e
        if resp.status != 200:
            return None, "the FHIR server answered HTTP %d" % resp.status
        try:
            data = json.loads(resp.body)
        except (ValueError, RecursionError):
            return None, "the FHIR server's answer is not JSON"
        if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
            return None, "the FHIR server's answer is not a FHIR resource"
        return data, ""

    def _read(self, base: str, template: str, page: Optional[Dict[str, Any]],
              context: Mapping[str, Any], token: str, end: float, late: str) -> Read:
        if page is None:
            try:
                url = base + encode(fill_template(template, context))
            except FetchError as e:
                return Read(None, str(e))
            page, why = self._get(url, token, end, late)
            if page is None:
                return Read(None, why)
        if page.get("resourceType") != "Bundle" or limited(template):
            return Read(page, None)
        entries = list(page.get("entry") or [])
        first, pages, problem = page, 1, None
        while True:
            nxt = next_link(page)
            if nxt is None:
                break
            if not nxt.startswith(base):
                problem = "a next-page link points outside the FHIR server: not followed"
                break
            if pages == self.max_pages:
                problem = "more than %d pages of results: the rest was not read" % pages
                break
            if time.monotonic() >= end:
                problem = "%d page%s read before the time limit, more exist" % (
                    pages, "" if pages == 1 else "s")
                break
            page, why = self._get(nxt, token, end, late)
            if page is None:
                problem = "page %d: %s" % (pages + 1, why)
                break
            pages += 1
            entries += list(page.get("entry") or [])
        merged = dict(first)
        merged.pop("link", None)
        merged["entry"] = entries
        if not entries:
            merged.pop("entry")
        return Read(merged, problem)
