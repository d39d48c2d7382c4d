"""Draft labels for an Assembly record of ../shared/eras, read with poppler (not with
councilbase's reader or parser), for a person to check against the page and then keep in
bench/eras_labels.json (method: bench/eras_labels.md).

    python bench/label_assembly.py ../shared/eras/A_65_PV.71_E.pdf

Prints, in order, every speaker line (the start of a column line in a speaker's form,
joined when it runs over two lines) and every recorded vote: its three lists as printed,
each name turned into a code by the reference data's names, and the result line with its
tally, marked where the lists do not count to it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from assembly_truth import PROCEDURAL, column_lines
from councilbase.reference import resolve_state

_SPEAKER = re.compile(
    r"^(?:The (?:Acting |Temporary )?(?:PRESIDENT|President)|The Secretary-General|"
    r"(?:Mr|Mrs|Ms|Dr)\.(?= )|Miss|Sir|Dame|Sheikh|Archbishop|Prince|Baroness)(?=[ .:(]|$)"
)
_RESULT = re.compile(r"\s(?=(?:Draft (?:resolution|decision)|The amendment|The draft)\b)")
_FURNITURE_IN_LIST = re.compile(
    r"General Assembly - [\w-]+ session|\d+(?:st|nd|rd|th) meeting - \w+day, \d+ \w+ \d{4}"
)
_TALLY = re.compile(r"by (\d+) votes? to (\d+)(?:, with (\d+) abstentions?)?")


def speaker_lines(lines: list[str]) -> list[str]:
    out = []
    for index, line in enumerate(lines):
        if not _SPEAKER.match(line):
            continue
        joined = line
        ahead = index
        while ":" not in joined and ahead < index + 2 and ahead + 1 < len(lines):
            ahead += 1
            joined += " " + lines[ahead]
        head = joined.split(":")[0]
        if ":" in joined and len(head) < 200 and ("(" in head or head.startswith("The ")):
            out.append(head)
    return out


def _letters(text: str) -> str:
    """``K i n g d o m`` (letter-spaced by a justified line) -> ``Kingdom``."""
    return re.sub(r"\b(?:\w )+\w\b", lambda m: m.group().replace(" ", ""), text)


def _known(name: str) -> str | None:
    return resolve_state(name) or resolve_state(re.sub(r"([a-z])([A-Z])", r"\1-\2", name))


def _names(text: str) -> list[str]:
    pieces = [_letters(p).strip() for p in text.rstrip(". ").split(",") if p.strip()]
    names: list[str] = []
    for piece in pieces:
        if names and not _known(names[-1]) and _known(f"{names[-1]} {piece}"):
            names[-1] = f"{names[-1]} {piece}"
        else:
            names.append(piece)
    return names


def recorded_votes(lines: list[str]) -> list[dict[str, object]]:
    votes = []
    for index, line in enumerate(lines):
        if not line.startswith("A recorded vote was taken"):
            continue
        lists: dict[str, str] = {"in_favour": "", "against": "", "abstaining": ""}
        current = None
        result = ""
        for follow in lines[index + 1 :]:
            follow = _FURNITURE_IN_LIST.sub("", follow)
            label = re.match(r"^(In favour|Against|Abstaining|Abstentions)\s*:\s*(.*)$", follow)
            if label:
                current = (
                    label.group(1).lower().replace(" ", "_").replace("abstentions", "abstaining")
                )
                lists[current] += " " + label.group(2)
                continue
            run_on = _RESULT.search(follow)
            if run_on and current:  # the result printed on the list's last line
                lists[current] += " " + follow[: run_on.start()]
                follow = follow[run_on.start() :]
            if PROCEDURAL.match(follow) or _SPEAKER.match(follow):
                at = next(i for i in range(index + 1, len(lines)) if follow in lines[i])
                result = " ".join([follow, *lines[at + 1 : at + 3]])
                break
            inner = re.search(r"\s(Against|Abstaining|Abstentions)\s*:\s*(.*)$", follow)
            if inner and current:
                lists[current] += " " + follow[: inner.start()]
                current = inner.group(1).lower().replace("abstentions", "abstaining")
                lists[current] += " " + inner.group(2)
                continue
            if current:
                lists[current] += " " + follow
        codes = {}
        unknown = []
        for key, text in lists.items():
            names = _names(re.sub(r"\s+", " ", text))
            codes[key] = [_known(n) or f"?{n}" for n in names]
            unknown += [n for n in names if not _known(n)]
        tally = _TALLY.search(result)
        counted = [len(codes[k]) for k in ("in_favour", "against", "abstaining")]
        announced = [int(g or 0) for g in tally.groups()] if tally else None
        votes.append(
            {
                "result": result[:160],
                "tally": "-".join(map(str, announced)) if announced else None,
                "counted": "-".join(map(str, counted)),
                "check": "ok" if announced == counted and not unknown else "CHECK",
                **codes,
            }
        )
    return votes


_DECISION = re.compile(
    r"(?P<what>Draft (?:resolution|decision)(?: [IVXL]+| A/[\w./-]+(?: and Corr\.\d+)?)?|"
    r"The draft (?:resolution|decision)|The amendment(?: contained in document A/[\w./-]+)?|"
    r"The \w+ preambular paragraph|Operative paragraph \d+|The motion)"
    r"(?:, as (?:a whole|amended|orally (?:revised|corrected)|revised|corrected),)? (?:was|were) "
    r"(?P<verb>adopted|rejected|retained|deleted)(?P<rest>[^.]*)"
)


def decisions(lines: list[str]) -> list[dict[str, object]]:
    """Each decision the record prints, in order: what, the verb, the tally, the
    resolution or decision number."""
    text = " ".join(lines)
    out = []
    for match in _DECISION.finditer(text):
        rest = match.group("rest")
        tally = _TALLY.search(rest)
        number = re.search(r"\((resolution|decision) (\d+/\d+)\)", rest)
        out.append(
            {
                "what": match.group("what")[:60],
                "outcome": "not_adopted" if match.group("verb") in ("rejected", "deleted")
                else "adopted",
                "tally": "-".join(g or "0" for g in tally.groups()) if tally else None,
                number.group(1) if number else "symbol": number.group(2) if number else None,
            }
        )  # fmt: skip
    return out


def main() -> int:
    pdf = Path(sys.argv[1])
    lines = column_lines(pdf)
    json.dump(
        {
            "speaker_lines": speaker_lines(lines),
            "votes": recorded_votes(lines),
            "decisions": decisions(lines),
        },
        sys.stdout,
        indent=1,
        ensure_ascii=False,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
