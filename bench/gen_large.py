#!/usr/bin/env python3
"""Write a large synthetic rule file for benchmarks: N treatments x 10 criteria x 5 rules each.

Usage: gen_large.py OUT.xml [N]   (default N = 1000)
       gen_large.py OUT.xml --values K
The second form writes a small rule file with K declared values: K/2 <allowed> values of a string
fact and K/2 <level>s of an ordinal criterion (300,000 values make 7.7 MB), for the load time of
long value lists (issue 13: they were de-duplicated pairwise, 114 s to load at that size).
Deterministic (no randomness), valid against rules/schema/knee-rules-1.xsd. The values are made
up: these files measure speed only.
"""
import sys

def values_file(out, k):
    w = ['<?xml version="1.0" encoding="UTF-8"?>\n',
         '<ruleset xmlns="urn:libknee:rules:1" id="bench-values" version="1.0.0" status="draft" '
         'title="Synthetic benchmark: long value lists" evidence-as-of="2025-01-01">\n',
         '<sources><source id="s" title="Synthetic" year="2025" url="https://example.org/bench"/></sources>\n',
         '<facts><fact id="code" type="string">\n']
    for i in range(k // 2):
        w.append(f'<allowed value="code-{i:07d}"/>\n')
    w.append('</fact></facts>\n<criteria>\n'
             '<criterion id="grade" label="Grade" direction="maximize" weight="1">\n')
    for i in range(k - k // 2):
        w.append(f'<level id="grade-{i:07d}"/>\n')
    w.append('</criterion>\n</criteria>\n')
    for t, lv in (("a", 0), ("b", (k - k // 2) - 1)):
        w.append(f'<treatment id="{t}" name="Treatment {t}"><value criterion="grade" level="grade-{lv:07d}" source="s"/>'
                 f'<rule id="{t}-r" when="code = \'code-0000001\'" source="s"><caution text="Synthetic"/></rule>'
                 '</treatment>\n')
    w.append('</ruleset>\n')
    with open(out, "w", encoding="utf-8") as f:
        f.write("".join(w))

def main():
    out = sys.argv[1]
    if len(sys.argv) > 3 and sys.argv[2] == "--values":
        values_file(out, int(sys.argv[3]))
        return
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    w = []
    w.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    w.append('<ruleset xmlns="urn:libknee:rules:1" id="bench-large" version="1.0.0" status="draft" '
             'title="Synthetic benchmark rules" evidence-as-of="2025-01-01">\n')
    w.append('<sources><source id="s" title="Synthetic" year="2025" url="https://example.org/bench"/></sources>\n')
    w.append('<facts><fact id="age" type="number" min="0" max="120"/><fact id="kl_grade" type="integer" min="0" max="4"/>'
             '<fact id="bmi" type="number" min="10" max="100"/><fact id="diabetes" type="boolean"/>'
             '<fact id="payer" type="string"/><fact id="prior" type="set"/></facts>\n<criteria>\n')
    for c in range(10):
        if c % 2:
            w.append(f'<criterion id="c{c}" label="Criterion {c}" direction="maximize" weight="{c + 1}">'
                     '<level id="l0"/><level id="l1"/><level id="l2"/><level id="l3"/></criterion>\n')
        else:
            w.append(f'<criterion id="c{c}" label="Criterion {c}" direction="minimize" unit="days" weight="{c + 1}">'
                     '<scale worst="1000" best="0"/></criterion>\n')
    w.append('</criteria>\n')
    conds = ["age &gt;= {a}", "kl_grade &lt;= {k}", "bmi &gt; {b} and diabetes",
             "payer ~ '^(medicare|mcr)'", "'p{p}' in prior or age &lt; {a}"]
    for t in range(n):
        w.append(f'<treatment id="t{t}" name="Treatment {t}">\n')
        for c in range(10):
            if c % 2:
                w.append(f'<value criterion="c{c}" level="l{(t + c) % 4}" source="s"/>\n')
            else:
                v = (t * 37 + c * 11) % 900
                w.append(f'<value criterion="c{c}" low="{v}" typical="{v + 20}" high="{v + 60}" source="s"/>\n')
        for r in range(5):
            cond = conds[r].format(a=40 + (t + r) % 50, k=(t + r) % 5, b=25 + (t % 15), p=t % 7)
            crit = (r * 2) % 10
            if r == 0:
                act = f'<adjust criterion="c{crit}" by="{10 + t % 30}"/>'
            elif r == 1:
                act = f'<exclude reason="Synthetic exclusion {t}"/>' if t % 10 == 0 else f'<caution text="Synthetic caution {t}"/>'
            elif r == 2:
                act = f'<set criterion="c{crit + 1}" level="l{t % 4}"/>'
            else:
                act = f'<caution text="Synthetic caution {t}.{r}"/>'
            w.append(f'<rule id="t{t}-r{r}" when="{cond}" source="s">{act}</rule>\n')
        w.append('</treatment>\n')
    w.append('</ruleset>\n')
    with open(out, "w", encoding="utf-8") as f:
        f.write("".join(w))

if __name__ == "__main__":
    main()
