"""Safe text for a card's ``detail`` (GitHub Flavored Markdown, which CDS clients may render
with raw HTML enabled, as the CDS Hooks sandbox does). Every text that comes from the rule file
or the patient's record goes through :func:`escape` before it is placed in Markdown."""

from __future__ import annotations

# ASCII punctuation GFM lets a backslash escape; &, <, >, " become HTML entities instead, so
# neither raw HTML nor an entity can be formed from the text.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_PUNCT = set("!#$%'()*+,-./:;=?@[\\]^_`{|}~")
# U+2060 WORD JOINER: invisible, but it stops GFM's extended autolinks (www. and scheme://),
# which are recognised after escapes are resolved, from turning text into a link.
_JOINER = "\u2060"


# One translation table (str.translate runs in C): the characters above, each to its escape.
_TABLE = {ord(c): e for c, e in _ENTITIES.items()}
_TABLE.update({ord(c): "\\" + c for c in _PUNCT})
_TABLE.update({c: " " for c in list(range(0x20)) + [0x7f, 0x85, 0x2028, 0x2029]})


def escape(text: object) -> str:
    """``text`` as literal Markdown inline text: no HTML, no entity, no link, image, emphasis,
    code, heading, list, table cell break or line break can come out of it. Control
    characters and line breaks become spaces."""
    md = str(text).translate(_TABLE)
    # Autolink triggers: "www." and "://" (escaped forms, as produced above).
    md = md.replace("\\:\\/\\/", "\\:" + _JOINER + "\\/\\/")
    return _break_www(md)


def _break_www(md: str) -> str:
    low = md.lower()
    i = low.find("www\\.")
    if i < 0:
        return md
    out, start = [], 0
    while i >= 0:
        out.append(md[start:i + 3])
        out.append(_JOINER)
        start = i + 3
        i = low.find("www\\.", start)
    out.append(md[start:])
    return "".join(out)
