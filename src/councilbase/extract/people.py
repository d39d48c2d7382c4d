"""People: one person for each real speaker across meetings.

Evidence, strongest first:

* the cover page ties a representative's name to a member state at a date;
* "The President" is the President the cover page names, for the presiding member;
* a speaker line gives a name and, most often, a state or an organisation.

Names are compared within one affiliation (a state's code, an organisation's code, or the
affiliation as written when the reference data knows neither), never across two: the same
name for two states is two people, and that refusal is recorded. Within an affiliation two
forms are one person when they are the same name once case, honorific and accents are set
aside ("Mr. Nebenzia", "NEBENZIA"), when one is the other's short form ("Mr. Zhang" and
"Mr. Zhang Jun", if no other person of that affiliation also fits), or when they differ the
way OCR misreads letters ("Jiirgenson" for "Jürgenson"): a merge that is recorded as unsure.
Every merge and refusal is kept with its rule and evidence (``councilbase people explain``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

TITLES = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|Baroness|Archbishop|Sheikh|Prince|His|Her|"
    r"Excellency|Ambassador|H\.E)\.?\s+)+",
    re.IGNORECASE,
)
OCR_FOLDS = (
    ("ii", "u"),
    ("rn", "m"),
    ("vv", "w"),
    ("cl", "d"),
    ("1", "l"),
    ("0", "o"),
    ("li", "h"),
)


def plain(name: str) -> str:
    """A name for comparison: no honorific, no accents, letters only, lower case."""
    name = TITLES.sub("", name.strip())
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_name.lower()))


def ocr_fold(name: str) -> str:
    """A name with the letter groups OCR confuses folded together."""
    folded = name.replace(" ", "")
    for wrong, right in OCR_FOLDS:
        folded = folded.replace(wrong, right)
    return folded


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@dataclass
class Sighting:
    """One appearance of a name: as printed, with its affiliation, where it was seen."""

    name: str
    affiliation: str
    source: str  # speech | cover page | president
    meeting: str
    date: str | None
    speech_id: int | None = None


@dataclass
class Decision:
    """Why two forms are, or are not, one person."""

    name: str
    other: str
    decision: str  # merged | refused
    rule: str
    evidence: str
    unsure: bool = False


@dataclass
class Person:
    """A person and everything seen of them."""

    key: str
    name: str
    affiliation: str
    sightings: list[Sighting] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    @property
    def speeches(self) -> list[int]:
        """Ids of the speeches this person made."""
        return [s.speech_id for s in self.sightings if s.speech_id is not None]


def _short_form(short: str, long: str) -> bool:
    a, b = short.split(), long.split()
    return len(a) < len(b) and (b[: len(a)] == a or b[-len(a) :] == a)


def resolve_people(sightings: Iterable[Sighting]) -> tuple[list[Person], list[Decision]]:
    """Group sightings into people; the people, and the refusals between affiliations."""
    by_affiliation: dict[str, dict[str, list[Sighting]]] = defaultdict(lambda: defaultdict(list))
    for sighting in sightings:
        key = plain(sighting.name)
        if key:
            by_affiliation[sighting.affiliation][key].append(sighting)
    people: list[Person] = []
    for affiliation, forms in sorted(by_affiliation.items()):
        groups = _Groups(list(forms))
        find, merge, decisions = groups.find, groups.merge, groups.decisions

        ordered = sorted(forms, key=lambda f: (-len(f), f))
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if ocr_fold(a) == ocr_fold(b) or (
                    min(len(a), len(b)) >= 7
                    and edit_distance(a.replace(" ", ""), b.replace(" ", "")) == 1
                ):
                    merge(
                        a,
                        b,
                        "ocr variant",
                        f"same affiliation {affiliation}; {b!r} differs from {a!r} as OCR misreads letters",
                        unsure=True,
                    )
        for short in sorted(forms, key=len):
            longer = [f for f in forms if _short_form(short, f)]
            owners = {find(f) for f in longer}
            if len(owners) == 1:
                merge(
                    longer[0],
                    short,
                    "short form",
                    f"same affiliation {affiliation}; {short!r} is a short form of {longer[0]!r} "
                    "and of no other name there",
                )
            elif len(owners) > 1:
                decisions[short].append(
                    Decision(
                        short,
                        ", ".join(sorted(longer)),
                        "refused",
                        "ambiguous short form",
                        f"{short!r} could be any of {sorted(longer)} in {affiliation}",
                    )
                )
        members_of: dict[str, list[str]] = defaultdict(list)
        for form in forms:
            members_of[find(form)].append(form)
        for _, members in sorted(members_of.items()):
            seen = [s for m in members for s in forms[m]]
            printed = Counter(s.name for s in seen)
            on_cover = {s.name for s in seen if s.source in ("cover page", "president")}
            name = max(printed, key=lambda n: (n in on_cover, len(plain(n)), printed[n], n))
            key = f"{plain(name).replace(' ', '-')}@{affiliation}"
            person = Person(key, name, affiliation, seen)
            person.decisions = [d for m in members for d in decisions.get(m, [])]
            for source in sorted({s.source for s in seen if s.source.startswith("speech, as ")}):
                person.decisions.append(
                    Decision(
                        name,
                        source.removeprefix("speech, as "),
                        "merged",
                        "home state",
                        f"speaks also for {source.removeprefix('speech, as ')}, in an affiliation that "
                        f"names the speaker the Permanent Representative of {affiliation}",
                    )
                )
            if len(printed) > 1:
                person.decisions.insert(
                    0,
                    Decision(
                        name,
                        ", ".join(sorted(set(printed) - {name})),
                        "merged",
                        "same name",
                        f"same affiliation {affiliation}; the forms differ only in case, "
                        "honorific or accents",
                    )
                    if len(members) == 1
                    else Decision(name, "", "merged", "group", f"{len(members)} forms joined"),
                )
            people.append(person)
    refusals = _refusals(people)
    for person in people:
        person.decisions += [r for r in refusals if r.name in (person.key,)]
    return people, refusals


class _Groups:
    """Union-find over the name forms of one affiliation, with the merges it made."""

    def __init__(self, forms: list[str]) -> None:
        self.parent = {form: form for form in forms}
        self.decisions: dict[str, list[Decision]] = defaultdict(list)

    def find(self, form: str) -> str:
        while self.parent[form] != form:
            self.parent[form] = self.parent[self.parent[form]]
            form = self.parent[form]
        return form

    def merge(self, a: str, b: str, rule: str, evidence: str, unsure: bool = False) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        self.parent[rb] = ra
        self.decisions[a].append(Decision(a, b, "merged", rule, evidence, unsure))


def _refusals(people: list[Person]) -> list[Decision]:
    """Two people with the same name and different affiliations are kept apart."""
    by_name: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        by_name[person.key.split("@")[0]].append(person)
    out: list[Decision] = []
    for name, group in sorted(by_name.items()):
        if len(group) < 2 or name in ("the-president", "the-secretary-general"):
            continue
        for person in group:
            others = [p for p in group if p is not person]
            out.append(
                Decision(
                    person.key,
                    ", ".join(p.key for p in others),
                    "refused",
                    "different affiliations",
                    f"{name!r} speaks for {person.affiliation} and for "
                    f"{', '.join(p.affiliation for p in others)}: kept as different people",
                )
            )
    return out
