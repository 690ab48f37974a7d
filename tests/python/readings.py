"""The shared table of value readings (tests/data/value-readings.json), read by the Python
binding's test (test_values.py) and the knee command's (tests/cli/value_readings.py): what
each input is read as, observed the same way on both sides, in the report's "facts used"."""

import html
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")
TABLE = os.path.join(DATA, "value-readings.json")
RULES = os.path.join(DATA, "values.xml")

# The CSV output's error code for each status (docs/population.md).
CSV_CODES = {"EPARSE": "bad-value", "ETYPE": "wrong-type", "ERANGE": "out-of-range",
             "ELIMIT": "too-long", "EUNKNOWN": "unknown-fact"}

_FACT_ROW = re.compile(r'<tr><th scope="row">([^<]*)</th><td>([^<]*)</td></tr>')


def readings():
    with open(TABLE, encoding="utf-8") as f:
        return json.load(f)["readings"]


def facts_used(page):
    """{fact id: text} from a report's table of the facts given (an empty text shows as
    "(none)" there)."""
    if 'id="facts-caption"' not in page:     # no fact given
        return {}
    start = page.index('id="facts-caption"')
    end = page.index("</table>", start)
    out = {}
    for fact, text in _FACT_ROW.findall(page[start:end]):
        text = html.unescape(text)
        out[html.unescape(fact)] = "" if text == "(none)" else text
    return out


def outcome_text(expect):
    """A reading's expected outcome in words, for messages."""
    if expect is None:
        return "unknown"
    if isinstance(expect, dict):
        return "error %s" % expect["error"]
    return repr(expect)
