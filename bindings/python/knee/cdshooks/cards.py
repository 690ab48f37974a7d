"""CDS Hooks 2.0 cards from a libknee comparison (docs/cds-hooks.md, "Cards").

patient-view: one card comparing the options for the patient. order-select: one card per
selected draft order that maps to an option of the rule file. Every text from the rule file or
the record is escaped (markdown.escape); card UUIDs are derived from the hookInstance, so the
same call gives the same cards (for feedback and audit correlation).
"""

from __future__ import annotations

import uuid
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from .markdown import escape

SUMMARY_MAX = 139          # the spec: "<140-character summary"
MAX_LINKS = 8
# Data problems worth the clinician's attention: the card becomes a warning.
WARNING_REPORT_CODES = frozenset({"conflicting-values", "deceased", "operation-outcome"})
WARNING_IGNORED_CODES = frozenset({"modifier-extension"})
_NS = uuid.UUID("6f1c7c2e-3d0a-5b8e-9a51-4b6e1f0c9d21")


class RulesetInfo:
    """What a card says about the rule file: id, version, hash and cited sources."""

    def __init__(self, rid: str, version: str, sha256: str, title: str,
                 sources: Mapping[str, Any], source_url: Optional[str] = None) -> None:
        self.id, self.version, self.sha256, self.title = rid, version, sha256, title
        self.sources = dict(sources)   # id -> SourceInfo (title, url)
        self.source_url = source_url

    def source(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"label": "libknee %s %s (sha256 %s)" % (self.id, self.version,
                                                                       self.sha256[:12])}
        if self.source_url:
            out["url"] = self.source_url
        return out


def card_uuid(hook_instance: str, *parts: str) -> str:
    return str(uuid.uuid5(_NS, "\x1f".join((hook_instance,) + parts)))


def shorten(text: str, limit: int = SUMMARY_MAX) -> str:
    """text cut to at most ``limit`` characters, at a word, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "\u2026"


def _indicator(report: Mapping[str, Any], extra_warning: bool = False) -> str:
    if extra_warning:
        return "warning"
    if any(w.get("code") in WARNING_REPORT_CODES for w in report.get("warnings", [])):
        return "warning"
    if any(i.get("code") in WARNING_IGNORED_CODES for i in report.get("ignored", [])):
        return "warning"
    return "info"


def _links(info: RulesetInfo, source_ids: Iterable[Optional[str]]) -> List[Dict[str, Any]]:
    """absolute links to the cited sources that have an https URL, first cited first."""
    out, seen = [], set()
    for sid in source_ids:
        if not sid or sid in seen or sid not in info.sources:
            continue
        seen.add(sid)
        src = info.sources[sid]
        if src.url and src.url.lower().startswith("https://"):
            out.append({"label": shorten(src.title, 100), "url": src.url, "type": "absolute"})
        if len(out) == MAX_LINKS:
            break
    return out


def _note_line(note: Mapping[str, Any], info: RulesetInfo) -> str:
    line = escape(note["text"])
    sid = note.get("source")
    if sid:
        line += " (%s)" % escape(sid)
    return line


def _provenance(info: RulesetInfo, result: Mapping[str, Any], as_of: str) -> str:
    return ("Rule file %s %s (sha256 %s), evidence as of %s; %s; evaluated at %s. "
            "A comparison, not an order: the clinician and patient decide."
            % (escape(info.id), escape(info.version), escape(info.sha256[:12]),
               escape(result["ruleset"].get("evidence_as_of", "")),
               escape(result.get("method", "")), escape(as_of)))


def _data_section(report: Mapping[str, Any], result: Mapping[str, Any]) -> List[str]:
    lines = ["", "**From the record:**", ""]
    for f in report.get("facts", []):
        where = "%s/%s" % (f.get("resource_type") or "?", f.get("resource_id") or "?")
        lines.append("- %s = %s (%s, %s%s)" % (
            escape(f["fact"]), escape(f["value"]), escape(where), escape(f.get("element") or ""),
            ", " + escape(f["date"]) if f.get("date") else ""))
    if not report.get("facts"):
        lines.append("- nothing the rule file maps")
    missing = list(result.get("missing_facts", []))
    if missing:
        lines += ["", "**Not known (ask the patient):** " + ", ".join(escape(m) for m in missing)]
    ignored = report.get("ignored", [])
    if ignored:
        lines += ["", "**Not used from the record:**", ""]
        for i in ignored[:10]:
            lines.append("- %s/%s: %s" % (escape(i.get("resource_type") or "?"),
                                          escape(i.get("resource_id") or "-"),
                                          escape(i.get("reason") or i.get("code") or "")))
        if len(ignored) > 10:
            lines.append("- and %d more" % (len(ignored) - 10))
    warnings = report.get("warnings", [])
    if warnings:
        lines += ["", "**Warnings:** " + "; ".join(escape(w.get("message", "")) for w in warnings)]
    return lines


def _ranked(result: Mapping[str, Any]) -> List[Mapping[str, Any]]:
    return [o for o in result["options"] if not o["excluded"]]


def _rank(o: Mapping[str, Any]) -> str:
    """The rank as shown: "1=" when the option shares it (a tie)."""
    return "%d%s" % (o["rank"], "=" if o.get("tied_with") else "")


def _score(o: Mapping[str, Any]) -> str:
    """The score, with its range where unknown values give it one: "0.80 (0.60-1.00)"."""
    text, r = "%.2f" % o["score"], o.get("score_range")
    if r and "%.2f" % r["low"] != "%.2f" % r["high"]:
        text += " (%.2f\u2013%.2f)" % (r["low"], r["high"])
    return text


def patient_view_card(info: RulesetInfo, result: Mapping[str, Any], report: Mapping[str, Any],
                      hook_instance: str, as_of: str, top: int = 3) -> Dict[str, Any]:
    """The options card: ranked options in a table, cautions of the top ones, exclusions,
    the data read, and links to the sources cited."""
    ranked = _ranked(result)
    excluded = [o for o in result["options"] if o["excluded"]]
    names = ", ".join(o["name"] for o in ranked[:top])
    summary = shorten("Knee OA: %d options compared for this patient; closest fit: %s"
                      % (len(ranked), names) if ranked else
                      "Knee OA: no option suits this patient under the rule file")
    lines = ["**Treatment options for this patient**, ranked on the rule file's criteria "
             "with its default weights:", "",
             "| Rank | Option | Score | Cautions |", "|---:|---|---:|---:|"]
    for o in ranked:
        lines.append("| %s | %s | %s | %d |" % (_rank(o), escape(o["name"]), _score(o),
                                                 len(o["cautions"])))
    if any(o.get("tied_with") for o in ranked) or any("(" in _score(o) for o in ranked):
        lines += ["", "A rank with = is shared (equal scores). A score's range in brackets is "
                      "where it may lie once the values no source gives are known."]
    cited: List[Optional[str]] = []
    for o in ranked[:top]:
        if o["cautions"]:
            lines += ["", "**%s, cautions:**" % escape(o["name"]), ""]
            for c in o["cautions"]:
                lines.append("- " + _note_line(c, info))
                cited.append(c.get("source"))
    if excluded:
        lines += ["", "**Not suitable for this patient:**", ""]
        for o in excluded:
            reasons = "; ".join(_note_line(r, info) for r in o["reasons"])
            lines.append("- %s: %s" % (escape(o["name"]), reasons))
            cited += [r.get("source") for r in o["reasons"]]
    return _card(info, result, report, as_of, card_uuid(hook_instance, "patient-view"), summary,
                 _indicator(report), lines, cited)


def _card(info: RulesetInfo, result: Mapping[str, Any], report: Mapping[str, Any], as_of: str,
          uuid: str, summary: str, indicator: str, lines: List[str],
          cited: List[Optional[str]]) -> Dict[str, Any]:
    """A card from its detail lines: the data section and provenance appended, links to the
    sources cited."""
    lines = lines + _data_section(report, result) + ["", _provenance(info, result, as_of)]
    card: Dict[str, Any] = {"uuid": uuid, "summary": summary, "indicator": indicator,
                            "detail": "\n".join(lines), "source": info.source()}
    links = _links(info, cited)
    if links:
        card["links"] = links
    return card


def order_card(info: RulesetInfo, result: Mapping[str, Any], report: Mapping[str, Any],
               hook_instance: str, as_of: str, order_ref: str, option_id: str) -> Dict[str, Any]:
    """A card about one selected order that maps to option ``option_id``: its rank among the
    options, or why it is excluded, its cautions, and the better-ranked alternatives.
    Warning when the option is excluded or has cautions for this patient."""
    opt = next(o for o in result["options"] if o["id"] == option_id)
    ranked = _ranked(result)
    if opt["excluded"]:
        summary = "%s: not suitable for this patient under the rule file" % opt["name"]
    else:
        summary = "%s: ranked %s of %d options for this patient" % (opt["name"], _rank(opt),
                                                                    len(ranked))
        if opt["cautions"]:
            summary += " (%d caution%s)" % (len(opt["cautions"]),
                                            "" if len(opt["cautions"]) == 1 else "s")
    lines = ["**Selected order** %s maps to the option **%s**." % (escape(order_ref),
                                                                   escape(opt["name"]))]
    cited: List[Optional[str]] = []
    if opt["excluded"]:
        lines += ["", "**Why it is not suitable:**", ""]
        for r in opt["reasons"]:
            lines.append("- " + _note_line(r, info))
            cited.append(r.get("source"))
    else:
        lines += ["", "Rank %s of %d, score %s." % (_rank(opt), len(ranked), _score(opt))]
    if opt["cautions"]:
        lines += ["", "**Cautions:**", ""]
        for c in opt["cautions"]:
            lines.append("- " + _note_line(c, info))
            cited.append(c.get("source"))
    better = [o for o in ranked if opt["excluded"] or o["rank"] < opt["rank"]][:3]
    if better:
        lines += ["", "**Ranked higher for this patient:** " +
                  ", ".join("%s (%s)" % (escape(o["name"]), _rank(o)) for o in better)]
    return _card(info, result, report, as_of,
                 card_uuid(hook_instance, "order-select", order_ref, option_id), shorten(summary),
                 _indicator(report, opt["excluded"] or bool(opt["cautions"])), lines, cited)


def has_condition_fact(report: Mapping[str, Any]) -> bool:
    """True when a mapped Condition gave a fact (e.g. knee OA is on the problem list)."""
    return any(f.get("resource_type") == "Condition" or
               "contained(Condition" in (f.get("element") or "")
               for f in report.get("facts", []))


def order_codes(resource: Mapping[str, Any]) -> Sequence[tuple]:
    """(system, code) pairs of a draft order: ServiceRequest.code,
    MedicationRequest.medicationCodeableConcept, and other *.code elements."""
    out = []
    for key in ("code", "medicationCodeableConcept", "productCodeableConcept"):
        cc = resource.get(key)
        if isinstance(cc, dict):
            for c in cc.get("coding", []) if isinstance(cc.get("coding"), list) else []:
                if isinstance(c, dict) and isinstance(c.get("code"), str):
                    out.append((c.get("system") if isinstance(c.get("system"), str) else "",
                                c["code"]))
    return out
