"""CDS Hooks 2.0 cards from a libknee comparison (docs/cds-hooks.md, "Cards").

patient-view: one card about this patient's options; order-select: one card per selected
draft order that maps to an option; a patient recorded as deceased gets one warning card and
no comparison. The summary names the leading options and the one thing that most changes
this patient's picture (picture.py); the detail lists every caution that fired, in the
clinician's words, the values this patient's data changed, the facts read (rounded for
reading, dated, flagged when older than the service accepts) and what could not be read.
Every text from the rule file or the record is escaped (markdown.escape); card UUIDs are
derived from the hookInstance, so the same call gives the same cards (feedback, audit).
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from .markdown import escape
from .picture import KeyChange

SUMMARY_MAX = 139          # the spec: "<140-character summary"
MAX_LINKS = 8
LEADING = 3                # options named in the summary (more when tied)
# Data problems worth the clinician's attention: the card becomes a warning.
WARNING_REPORT_CODES = frozenset({"conflicting-values", "deceased", "operation-outcome"})
WARNING_IGNORED_CODES = frozenset({"modifier-extension"})
OVERRIDE_SYSTEM = "https://libknee.org/cds-hooks/override-reason"
# Offered with cards that warn (CDS Hooks 2.0 "Reasons for rejecting a card"): the feedback
# endpoint records which one the clinician chose.
OVERRIDE_REASONS = (
    ("patient-informed-choice", "Discussed with the patient; their informed choice"),
    ("clinical-judgement", "Clinical judgement: does not apply to this patient"),
    ("record-incorrect", "The record is incorrect or out of date"),
)
_NS = uuid.UUID("6f1c7c2e-3d0a-5b8e-9a51-4b6e1f0c9d21")
_DECIMAL = re.compile(r"^-?\d+\.\d{2,}$")


@dataclass
class Baseline:
    """What the rule file says with no facts at all: the rules that fire for everyone (so a
    rule is "for this patient" when it fires here and not there) and each option's rank."""

    fired: Dict[str, Set[str]]
    rank: Dict[str, Optional[int]]

    @classmethod
    def of(cls, result: Mapping[str, Any]) -> "Baseline":
        return cls({o["id"]: set(o["rules_fired"]) for o in result["options"]},
                   {o["id"]: o["rank"] for o in result["options"]})

    def specific(self, option: str, rule: str) -> bool:
        return rule not in self.fired.get(option, set())


@dataclass
class RulesetInfo:
    """What cards say about the rule file and how the service reads it: id, version, hash,
    cited sources, criteria and facts (labels), the baseline, the age beyond which a fact is
    flagged (days, per fact id), and the prefetch templates (to name what could not be read)."""

    id: str
    version: str
    sha256: str
    title: str
    sources: Mapping[str, Any]                       # id -> SourceInfo (title, url)
    source_url: Optional[str] = None
    criteria: Mapping[str, Any] = field(default_factory=dict)   # id -> CriterionInfo
    facts: Mapping[str, Any] = field(default_factory=dict)      # id -> FactInfo
    baseline: Optional[Baseline] = None
    max_age_days: Mapping[str, int] = field(default_factory=dict)
    templates: Mapping[str, str] = field(default_factory=dict)

    def source(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"label": "libknee %s %s (sha256 %s)" % (self.id, self.version,
                                                                       self.sha256[:12])}
        if self.source_url:
            out["url"] = self.source_url
        return out


@dataclass
class Evaluation:
    """One call's comparison: the result and FHIR report (JSON contracts), the hookInstance,
    the as-of date, the prefetch keys that could not be read, wholly or in part (key -> why),
    and what most changes the picture (picture.py)."""

    result: Mapping[str, Any]
    report: Mapping[str, Any]
    hook_instance: str
    as_of: str
    unread: Mapping[str, str] = field(default_factory=dict)
    change: Optional[KeyChange] = None


# ---- small readers ----------------------------------------------------------------------------

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


def clinician(note: Mapping[str, Any]) -> str:
    """A reason's or caution's text for the clinician: ``clinician`` where the rule file
    gives two audiences, else its one ``text``."""
    text = note.get("clinician")
    return text if isinstance(text, str) and text else str(note.get("text", ""))


def readable(value: Any) -> str:
    """A fact value as a person reads it: decimals to one place (BMI 27.497053341157756 is
    27.5), everything else as it is."""
    text = str(value)
    if _DECIMAL.match(text):
        return "%.1f" % float(text)
    return text


def _last_day(date: str) -> Optional[datetime.date]:
    """The last day a FHIR date or dateTime may mean (2019 -> 2019-12-31)."""
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", date or "")
    if not m:
        return None
    try:
        y = int(m.group(1))
        if m.group(3):
            return datetime.date(y, int(m.group(2)), int(m.group(3)))
        if m.group(2):
            mo = int(m.group(2))
            return datetime.date(y + mo // 12, mo % 12 + 1, 1) - datetime.timedelta(days=1)
        return datetime.date(y, 12, 31)
    except ValueError:
        return None


def _age_words(days: int) -> str:
    if days >= 730:
        return "%d years" % (days // 365)
    if days >= 365:
        return "1 year"
    months = max(1, days // 30)
    return "%d month%s" % (months, "" if months == 1 else "s")


def stale(fact: Mapping[str, Any], as_of: str, max_age_days: Mapping[str, int]) -> Optional[int]:
    """How many days old the fact's date is at ``as_of``, when that is more than the service
    accepts for this fact (None otherwise, and for facts without a date or a limit)."""
    limit = max_age_days.get(fact.get("fact", ""))
    when = _last_day(fact.get("date") or "")
    if limit is None or when is None:
        return None
    days = (datetime.date.fromisoformat(as_of) - when).days
    return days if days > limit else None


def _indicator(report: Mapping[str, Any], unread: Mapping[str, str],
               extra_warning: bool = False) -> str:
    if extra_warning or unread:
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
        for one in (sid or "").split():
            if one in seen or one not in info.sources:
                continue
            seen.add(one)
            src = info.sources[one]
            if src.url and src.url.lower().startswith("https://"):
                out.append({"label": shorten(src.title, 100), "url": src.url,
                            "type": "absolute"})
            if len(out) == MAX_LINKS:
                return out
    return out


def _note_line(note: Mapping[str, Any]) -> str:
    line = escape(clinician(note))
    sid = note.get("source")
    if sid:
        line += " (%s)" % escape(sid)
    return line


def _ranked(result: Mapping[str, Any]) -> List[Mapping[str, Any]]:
    return sorted((o for o in result["options"] if not o["excluded"]),
                  key=lambda o: (o["rank"], o["name"]))


def _level_label(info: RulesetInfo, criterion: str, c: Mapping[str, Any]) -> str:
    crit = info.criteria.get(criterion)
    if c.get("level"):
        for lv in getattr(crit, "levels", ()) or ():
            if lv.id == c["level"]:
                return lv.label
        return str(c["level"])
    if c.get("value") is not None:
        unit = getattr(crit, "unit", None)
        return readable(c["value"]) + (" " + unit if unit else "")
    return "unknown"


def _criterion_label(info: RulesetInfo, criterion: str) -> str:
    crit = info.criteria.get(criterion)
    return crit.label if crit is not None else criterion


def _fact_label(info: RulesetInfo, fact: str) -> str:
    f = info.facts.get(fact)
    label = getattr(f, "label", None)
    return "%s (%s)" % (label, fact) if label and label != fact else fact


# ---- what is specific to this patient -------------------------------------------------------

def _specific(info: RulesetInfo, option: str, rule: str) -> bool:
    return info.baseline is None or info.baseline.specific(option, rule)


def value_changes(info: RulesetInfo, result: Mapping[str, Any]
                  ) -> List[Tuple[Mapping[str, Any], str, Mapping[str, Any], List[str]]]:
    """(option, criterion id, its value, rules) for each value this patient's data changed:
    a rule that fired for this patient, not for everyone, set or adjusted it (a coverage rule
    for this payer, a harm for this comorbidity)."""
    out = []
    for o in _ranked(result):
        for c in o["criteria"]:
            rules = [r for r in c.get("rules", []) if _specific(info, o["id"], r)]
            if rules:
                out.append((o, c["id"], c, rules))
    return out


def _fact_name(info: RulesetInfo, fact: str) -> str:
    """A fact as a short name for a summary: its label when short, else its id."""
    label = getattr(info.facts.get(fact), "label", None)
    return label if label and len(label) <= 24 else fact


def change_texts(info: RulesetInfo, result: Mapping[str, Any],
                 change: Optional[KeyChange]) -> Optional[Tuple[str, List[str]]]:
    """The key change as (summary phrase, detail lines): "BMI 42.8: caution for Weight loss,
    Total knee arthroplasty", then one line per effect. Without one, the facts not known."""
    if change is None or not change.effects and not change.moved:
        missing = list(result.get("missing_facts", []))
        if not missing:
            return None
        return "Not known: %s" % ", ".join(missing), \
            ["Not known: %s (ask the patient)." % escape(", ".join(missing))]
    head = "%s %s" % (_fact_name(info, change.fact), readable(change.value))
    kinds = [k for k in ("excluded", "caution", "value")
             if any(e.kind == k for e in change.effects)]
    if kinds:
        first = [e for e in change.effects if e.kind == kinds[0]]
        names = ", ".join(e.option for e in first[:2]) + \
            (" (+%d)" % (len(first) - 2) if len(first) > 2 else "")
        phrase = {"excluded": "%s not suitable" % names,
                  "caution": "caution for %s" % names,
                  "value": "%s, %s" % (first[0].option, first[0].text)}[kinds[0]]
    else:
        phrase = "moves the ranks %d places" % change.moved
    date = " (%s)" % escape(change.date[:10]) if change.date else ""
    name = _fact_name(info, change.fact)
    lines = ["**What most changes the picture for this patient: %s = %s**%s. With it:"
             % (escape(name if name == change.fact else "%s (%s)" % (name, change.fact)),
                escape(readable(change.value)), date), ""]
    for e in change.effects:
        src = " (%s)" % escape(e.source) if e.source else ""
        lines.append({"excluded": "- %s is not suitable: %s%s",
                      "caution": "- %s gets a caution: %s%s",
                      "value": "- %s: %s%s"}[e.kind] % (escape(e.option), escape(e.text), src))
    if change.moved:
        lines.append("- the options move %d rank place%s in all" % (
            change.moved, "" if change.moved == 1 else "s"))
    return head + ": " + phrase, lines


def _leading(ranked: Sequence[Mapping[str, Any]]) -> Tuple[List[str], int]:
    """The names of the leading options (rank <= LEADING; ties share a rank), at most LEADING
    of them, and how many more tie with those named."""
    lead = [o for o in ranked if o["rank"] is not None and o["rank"] <= LEADING]
    if len(lead) < LEADING:
        lead = list(ranked[:LEADING])
    return [o["name"] for o in lead[:LEADING]], max(0, len(lead) - LEADING)


def summary_text(ranked: Sequence[Mapping[str, Any]], change: Optional[str]) -> str:
    """"Knee OA, leading: A, B, C (+1 more). <change>", under 140 characters: two names
    when three leave too little room, the change shortened to fit."""
    if not ranked:
        return shorten("Knee OA: no option suits this patient under the rule file. " +
                       (change or ""))
    names, more = _leading(ranked)
    head = ""
    for n in (len(names), 2, 1):
        shown, extra = names[:n], more + len(names) - min(n, len(names))
        head = "Knee OA, leading: %s%s." % (", ".join(shown),
                                            " (+%d more)" % extra if extra else "")
        if len(head) <= SUMMARY_MAX - 45:
            break
    if not change:
        return shorten(head)
    room = SUMMARY_MAX - len(head) - 1
    return head + " " + shorten(change, room) if room >= 20 else shorten(head)


# ---- detail sections ------------------------------------------------------------------------

def _cautions_section(info: RulesetInfo, ranked: Sequence[Mapping[str, Any]],
                      cited: List[Optional[str]]) -> List[str]:
    """Every caution that fired, in the clinician's words: those for this patient first, then
    those the rule file gives everyone considering the option."""
    mine: List[str] = []
    everyone: List[str] = []
    for o in ranked:
        for c in o["cautions"]:
            line = "- **%s**: %s" % (escape(o["name"]), _note_line(c))
            (mine if _specific(info, o["id"], c["rule"]) else everyone).append(line)
            cited.append(c.get("source"))
    out: List[str] = []
    if mine:
        out += ["", "**Cautions for this patient:**", ""] + mine
    if everyone:
        out += ["", "**Cautions for anyone considering these options:**", ""] + everyone
    return out


def _changes_section(info: RulesetInfo, result: Mapping[str, Any]) -> List[str]:
    changes = value_changes(info, result)
    if not changes:
        return []
    lines = ["", "**Values this patient's data changed:**", ""]
    for o, cid, c, rules in changes:
        lines.append("- %s: %s %s (%s)" % (
            escape(o["name"]), escape(_criterion_label(info, cid).lower()),
            escape(_level_label(info, cid, c)), escape(", ".join(rules))))
    return lines


def _unread_section(info: RulesetInfo, unread: Mapping[str, str]) -> List[str]:
    if not unread:
        return []
    lines = ["", "**Could not be read from the EHR** (the facts they give are not known, or "
                 "known from the part read):", ""]
    for key, why in sorted(unread.items()):
        what = info.templates.get(key, "").split("?")[0].split("/")[0] or key
        lines.append("- %s (%s): %s" % (escape(what), escape(key), escape(why)))
    return lines


def _data_section(info: RulesetInfo, ev: Evaluation) -> List[str]:
    report, result = ev.report, ev.result
    lines = ["", "**From the record:**", ""]
    old: List[str] = []
    for f in report.get("facts", []):
        where = "%s/%s" % (f.get("resource_type") or "?", f.get("resource_id") or "?")
        line = "- %s = %s (%s, %s%s)" % (
            escape(f["fact"]), escape(readable(f["value"])), escape(where),
            escape(f.get("element") or ""),
            ", " + escape(f["date"]) if f.get("date") else "")
        days = stale(f, ev.as_of, info.max_age_days)
        if days is not None:
            line += " \u2014 **%s old**" % _age_words(days)
            old.append("%s of %s (%s old; this service flags %s older than %d days)" % (
                escape(f["fact"]), escape((f.get("date") or "")[:10]), _age_words(days),
                escape(f["fact"]), info.max_age_days[f["fact"]]))
        lines.append(line)
    if not report.get("facts"):
        lines.append("- nothing the rule file maps")
    if old:
        lines += ["", "**Old data, check it is still true:** " + "; ".join(old)]
    lines += _unread_section(info, ev.unread)
    why = {m.get("fact"): m.get("reason") for m in report.get("missing", [])}
    missing = list(result.get("missing_facts", []))
    missing += [f for f in why if f not in missing]   # e.g. knee_oa, which gates the card
    if missing:
        lines += ["", "**Not known (ask the patient):**", ""]
        for m in missing:
            lines.append("- %s%s" % (escape(_fact_label(info, m)),
                                     ": " + escape(why[m]) if why.get(m) else ""))
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
        lines += ["", "**Warnings:** " + "; ".join(escape(w.get("message", ""))
                                                   for w in warnings)]
    return lines


def _provenance(info: RulesetInfo, result: Mapping[str, Any], as_of: str) -> str:
    return ("Rule file %s %s (sha256 %s), evidence as of %s; %s; evaluated at %s. "
            "A comparison, not an order: the clinician and patient decide."
            % (escape(info.id), escape(info.version), escape(info.sha256[:12]),
               escape(result["ruleset"].get("evidence_as_of", "")),
               escape(result.get("method", "")), escape(as_of)))


def _override_reasons() -> List[Dict[str, str]]:
    return [{"code": c, "system": OVERRIDE_SYSTEM, "display": d} for c, d in OVERRIDE_REASONS]


def _card(info: RulesetInfo, ev: Evaluation, uuid_: str, summary: str, indicator: str,
          lines: List[str], cited: List[Optional[str]],
          app_links: Sequence[Mapping[str, Any]] = ()) -> Dict[str, Any]:
    """A card from its detail lines: the data section and provenance appended, the app links
    and links to the sources cited; override reasons when it warns."""
    lines = lines + _data_section(info, ev) + ["", _provenance(info, ev.result, ev.as_of)]
    card: Dict[str, Any] = {"uuid": uuid_, "summary": summary, "indicator": indicator,
                            "detail": "\n".join(lines), "source": info.source()}
    links = [dict(link) for link in app_links] + _links(info, cited)
    if links:
        card["links"] = links
    if indicator == "warning":
        card["overrideReasons"] = _override_reasons()
    return card


def _rank(o: Mapping[str, Any]) -> str:
    """The rank as shown: "1=" when the option shares it (a tie)."""
    return "%d%s" % (o["rank"], "=" if o.get("tied_with") else "")


def _score(o: Mapping[str, Any]) -> str:
    """The score, with its range where unknown values give it one: "0.80 (0.60-1.00)"."""
    text, r = "%.2f" % o["score"], o.get("score_range")
    if r and "%.2f" % r["low"] != "%.2f" % r["high"]:
        text += " (%.2f\u2013%.2f)" % (r["low"], r["high"])
    return text


# ---- the cards ------------------------------------------------------------------------------

def deceased(report: Mapping[str, Any], patient: Any, as_of: str) -> Optional[str]:
    """The date (or "" when none is given) the patient is recorded as having died by
    ``as_of``, else None: libknee's "deceased" warning (Patient.deceasedDateTime) or
    Patient.deceasedBoolean true."""
    for w in report.get("warnings", []):
        if w.get("code") == "deceased":
            m = re.search(r"died on (\S+),", w.get("message", ""))
            return m.group(1) if m else ""
    if isinstance(patient, dict) and patient.get("deceasedBoolean") is True:
        return ""
    return None


def deceased_card(info: RulesetInfo, ev: Evaluation, hook: str, when: str) -> Dict[str, Any]:
    """The only card for a patient recorded as deceased: no comparison, no recommendation."""
    on = " on %s" % when[:10] if when else ""
    summary = shorten("Patient recorded as deceased%s: no treatment comparison is shown" % on)
    lines = ["The record says this patient died%s (Patient.deceased%s). No knee-OA treatment "
             "options are compared or ranked. If the record is wrong, correct it and open the "
             "chart again." % (escape(on), "DateTime" if when else "Boolean")]
    return _card(info, ev, card_uuid(ev.hook_instance, hook, "deceased"), summary, "warning",
                 lines, [])


def patient_view_card(info: RulesetInfo, ev: Evaluation,
                      app_links: Sequence[Mapping[str, Any]] = ()) -> Dict[str, Any]:
    """The options card: the summary (leading options and the key change), the options in a
    table, the key change, the cautions that fired, the values this patient's data changed,
    the options not suitable and why, the data read, links to the decision aid and the
    sources cited."""
    result = ev.result
    ranked = _ranked(result)
    excluded = [o for o in result["options"] if o["excluded"]]
    change = change_texts(info, result, ev.change)
    summary = summary_text(ranked, change[0] if change else None)
    lines = ["**Treatment options for this patient**, ranked on the rule file's criteria "
             "with its default weights:", "",
             "| Rank | Option | Score | Cautions |", "|---:|---|---:|---:|"]
    for o in ranked:
        lines.append("| %s | %s | %s | %d |" % (_rank(o), escape(o["name"]), _score(o),
                                                 len(o["cautions"])))
    if any(o.get("tied_with") for o in ranked) or any("(" in _score(o) for o in ranked):
        lines += ["", "A rank with = is shared (equal scores). A score's range in brackets is "
                      "where it may lie once the values no source gives are known."]
    if change:
        lines += [""] + change[1]
    cited: List[Optional[str]] = []
    lines += _cautions_section(info, ranked, cited)
    lines += _changes_section(info, result)
    if excluded:
        lines += ["", "**Not suitable for this patient:**", ""]
        for o in excluded:
            reasons = "; ".join(_note_line(r) for r in o["reasons"])
            lines.append("- %s: %s" % (escape(o["name"]), reasons))
            cited += [r.get("source") for r in o["reasons"]]
    return _card(info, ev, card_uuid(ev.hook_instance, "patient-view"), summary,
                 _indicator(ev.report, ev.unread), lines, cited, app_links)


def order_card(info: RulesetInfo, ev: Evaluation, order_ref: str,
               option_id: str) -> Dict[str, Any]:
    """A card about one selected order that maps to option ``option_id``: its rank among the
    options, or why it is excluded, its cautions, and the better-ranked alternatives.
    Warning (with override reasons) when the option is excluded or has cautions."""
    result = ev.result
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
            lines.append("- " + _note_line(r))
            cited.append(r.get("source"))
    else:
        lines += ["", "Rank %s of %d, score %s." % (_rank(opt), len(ranked), _score(opt))]
    if opt["cautions"]:
        lines += ["", "**Cautions:**", ""]
        for c in opt["cautions"]:
            lines.append("- " + _note_line(c))
            cited.append(c.get("source"))
    better = [o for o in ranked if opt["excluded"] or o["rank"] < opt["rank"]][:3]
    if better:
        lines += ["", "**Ranked higher for this patient:** " +
                  ", ".join("%s (%s)" % (escape(o["name"]), _rank(o)) for o in better)]
    return _card(info, ev, card_uuid(ev.hook_instance, "order-select", order_ref, option_id),
                 shorten(summary),
                 _indicator(ev.report, ev.unread, opt["excluded"] or bool(opt["cautions"])),
                 lines, cited)


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
