"""Write the Assembly's labels into bench/eras_labels.json: the drafts of
bench/label_assembly.py (poppler's reading) with what reading the pages set right (the
corrections below, each a piece of poppler's reading and what the page prints), checked:
every list counts to its printed tally. Method: bench/eras_labels.md.

    python bench/make_assembly_labels.py
"""

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from assembly_truth import column_lines
from councilbase.reference import resolve_state
from eval_eras import eras_dir
from label_assembly import decisions as read_decisions
from label_assembly import recorded_votes, speaker_lines


def code(head):
    if re.match(r"The (Acting |Temporary )?(PRESIDENT|President)", head):
        return "P"
    if head.startswith("The Secretary-General"):
        return "SG"
    m = re.search(r"\(([^()]+)\)", head)
    return resolve_state(m.group(1)) if m else None


covers = {
    "A/48/PV.46": (
        "A_48_PV.46",
        {
            "symbol": "A/48/PV.46",
            "date": "1993-11-01",
            "time": "15:00",
            "president": "GUY",
            "president_name": "Mr. Insanally",
        },
    ),
    "A/60/PV.25": (
        "A_60_PV.25",
        {
            "symbol": "A/60/PV.25",
            "date": "2005-09-29",
            "time": "15:00",
            "president": "SWE",
            "president_name": "Mr. Eliasson",
        },
    ),
    "A/61/PV.107": (
        "A_61_PV.107",
        {
            "symbol": "A/61/PV.107",
            "date": "2007-09-13",
            "time": "10:00",
            "president": "BHR",
            "president_name": "Ms. Al-Khalifa",
        },
    ),
    "A/65/PV.71": (
        "A_65_PV.71",
        {
            "symbol": "A/65/PV.71",
            "date": "2010-12-21",
            "time": "15:00",
            "president": "CHE",
            "president_name": "Mr. Deiss",
        },
    ),
}
fixes = {  # read on the page: (vote, list) -> what the draft's unreadable pieces are
    ("A_48_PV.46", 0, "in_favour"): {"?General Assembly - Myanmar": ["MMR"]},
    ("A_48_PV.46", 4, "in_favour"): {
        "?ay": [],
        "?1 November 1993 Japan": ["JPN"],
        "?United KingdomofGreatBritainand Northern Ireland": ["GBR"],
    },
    ("A_48_PV.46", 4, "abstaining"): {
        "?Viet Nam Draft resolution A/48/L.13 and Corr.1": ["VNM"],
        "?as a whole": [],
        "?was adopted by 140 votes to 1": [],
        "?with 9 abstentions (resolution 48/14)": [],
    },
    ("A_61_PV.107", 0, "abstaining"): {
        "?Ukraine Draft resolution A/61/L.67 was adopted by 143 votes to 4": ["UKR"],
        "?with 11 abstentions (resolution 61/295)": [],
    },
    ("A_65_PV.71", 1, "against"): {"?America. Palau": ["PLW"], "?United States of": ["USA"]},
    ("A_65_PV.71", 5, "abstaining"): {
        "?Viet Nam. The amendment contained in document A/65/L.53 was adopted by 93 votes to 55": [
            "VNM"
        ],
        "?with 27 abstentions": [],
    },
    ("A_65_PV.71", 11, "in_favour"): {"?Zambia Zimbabwe": ["ZMB", "ZWE"]},
}
extra_lines = {"A_61_PV.107": (42, "Mr. Briz Gutiérrez: (Guatemala) (spoke in Spanish)")}
manual_decisions = {
    "A_61_PV.107": [
        {
            "what": "Draft resolution A/61/L.68",
            "outcome": "adopted",
            "tally": None,
            "resolution": "61/293",
        },
        {
            "what": "Draft resolution A/61/L.66",
            "outcome": "adopted",
            "tally": None,
            "resolution": "61/294",
        },
        {"what": "The draft decision", "outcome": "adopted", "tally": None, "symbol": None},
        {
            "what": "Draft resolution A/61/L.67",
            "outcome": "adopted",
            "tally": "143-4-11",
            "resolution": "61/295",
        },
    ]
}
LABELS = Path(__file__).with_name("eras_labels.json")
labels = json.loads(LABELS.read_text("utf-8"))
for symbol, (name, cover) in covers.items():
    lines_read = column_lines(eras_dir() / f"{name}_E.pdf")
    draft = {
        "speaker_lines": speaker_lines(lines_read),
        "votes": recorded_votes(lines_read),
        "decisions": read_decisions(lines_read),
    }
    lines = draft["speaker_lines"]
    if name in extra_lines:
        at, line = extra_lines[name]
        lines.insert(at, line)
    decisions = manual_decisions.get(name, draft["decisions"])
    recorded = [d for d in decisions if d["tally"]]
    assert len(recorded) == len(draft["votes"]), (name, len(recorded), len(draft["votes"]))
    votes = []
    for number, (vote, decision) in enumerate(zip(draft["votes"], recorded, strict=True)):
        out = {}
        for key in ("in_favour", "against", "abstaining"):
            codes = []
            for c in vote[key]:
                if c.startswith("?"):
                    codes += fixes[(name, number, key)][c]
                else:
                    codes.append(c)
            out[key] = codes
        counted = "-".join(str(len(out[k])) for k in ("in_favour", "against", "abstaining"))
        assert counted == decision["tally"], (name, number, counted, decision["tally"])
        res = decision.get("resolution")
        votes.append(
            {
                "what": decision["what"],
                "outcome": decision["outcome"],
                "tally": decision["tally"],
                "resolution": f"A/RES/{res}" if res else None,
                **out,
            }
        )
    labels["records"][symbol] = {
        "file": f"{name}_E.pdf",
        "body": "GA",
        "layout": "two-column",
        "cover": cover,
        "speaker_lines": lines,
        "speeches": [code(h) for h in lines],
        "decisions": [
            {
                "what": d["what"],
                "outcome": d["outcome"],
                "tally": d["tally"],
                "resolution": f"A/RES/{d['resolution']}" if d.get("resolution") else None,
                "decision": d.get("decision"),
            }
            for d in decisions
        ],
        "votes": votes,
    }
    print(
        symbol,
        len(lines),
        len(decisions),
        len(votes),
        [c for c in labels["records"][symbol]["speeches"] if c is None],
    )
text = json.dumps(labels, indent=1, ensure_ascii=False)
scalar = r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|null|true|false'


def _collapse(match: re.Match[str]) -> str:
    return "[" + ", ".join(re.findall(rf"\n\s*({scalar}),?", match.group(0))) + "]"


text = re.sub(rf"\[(?:\n\s*(?:{scalar}),?)+\n\s*\]", _collapse, text)  # lists on one line
LABELS.write_text(text + "\n", "utf-8")
