"""Where the sample records are, and a small synthetic record for machines without them.

The synthetic record is written by this module in the Council's format (a text record
with form feeds between pages). It is marked SYNTHETIC on its cover and in its speeches:
it is not a real meeting.
"""

from __future__ import annotations

import os
from pathlib import Path

SYNTHETIC_RECORD = """\
United Nations S/PV.9999
Security Council
SYNTHETIC SAMPLE - NOT A REAL RECORD
Eightieth year
9999th meeting
Monday, 5 January 2026, 10 a.m.
New York
President: Mr. Example. . . . . . . . . . . . . . . . . . (Denmark)
Members: China. . . . . . . . . . . . . . . . . . . . . Mr. Sample
France. . . . . . . . . . . . . . . . . . . . . Ms. Placeholder
Russian Federation. . . . . . . . . . . . . . . . Mr. Specimen
United Kingdom of Great Britain and Northern Ireland . . Ms. Model
United States of America. . . . . . . . . . . . . . Mr. Instance
Agenda
The situation in the synthetic region
Report of the Secretary-General on the synthetic region (S/2026/1)
This record contains the text of speeches delivered in English and of the translation of
speeches delivered in other languages.
26-00001 (E)
*2600001*
\fS/PV.9999 The situation in the synthetic region 05/01/2026
The meeting was called to order at 10.05 a.m.
Adoption of the agenda
The agenda was adopted.
The situation in the synthetic region
The President: This is a synthetic record written by councilbase to show its format.
In accordance with rule 39 of the Council's provisional rules of procedure, I invite
Ms. Jane Doe, Special Representative of the Secretary-General for the synthetic region,
to participate in this meeting.
Ms. Doe: I thank the Council. This synthetic briefing mentions resolution 2504 (2020)
and the cross-border mechanism, for the demonstration only.
Mr. Sample (China) (spoke in Chinese): China supports the synthetic draft resolution
before the Council.
The President: I shall now put the draft resolution to the vote.
A vote was taken by show of hands.
In favour:
China, Denmark, France, Russian Federation, United Kingdom of Great Britain and
Northern Ireland, United States of America
Against:
None
Abstaining:
None
The President: The draft resolution received 6 votes in favour. The draft resolution
has been adopted.
The meeting rose at 10.40 a.m.
26-00001 2/2
"""


SYNTHETIC_RESOLUTION = """\
Resolution 9999 (2026)
SYNTHETIC SAMPLE - NOT A REAL RESOLUTION
Adopted by the Security Council at its 9999th meeting, on 5 January 2026
The Security Council,
Recalling its resolutions 2504 (2020) and 2254 (2015), written here by councilbase to show
the format only,
Acting under Chapter VII of the Charter of the United Nations,
1. Decides that this synthetic resolution shows how councilbase reads a resolution;
2. Requests the synthetic region to report on:
(a) the cross-border mechanism;
(b) the synthetic briefing;
3. Decides to remain seized of the matter.
"""


def records_dir() -> Path | None:
    """The real records: ``$COUNCILBASE_RECORDS``, else ``../shared/records`` from the
    project root or the working folder; None when neither exists.
    """
    env = os.environ.get("COUNCILBASE_RECORDS")
    if env:
        return Path(env) if Path(env).is_dir() else None
    candidates = [
        Path.cwd() / ".." / "shared" / "records",
        Path(__file__).resolve().parents[2] / ".." / "shared" / "records",
    ]
    return next((c.resolve() for c in candidates if c.is_dir()), None)


def write_synthetic(folder: Path) -> Path:
    """Write the synthetic sample record into a folder and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "SYNTHETIC_S_PV.9999.txt"
    path.write_text(SYNTHETIC_RECORD, encoding="utf-8")
    return path


def demo_inputs() -> tuple[list[str], str]:
    """What `make demo` ingests: the real sample records (PDFs and speech-level files, and
    the General Assembly's records beside them in ``eras``) when present, else the synthetic
    record; and a line saying which."""
    folder = records_dir()
    if folder is not None and (folder / "pdf").is_dir():
        inputs = [str(folder / name) for name in ("pdf", "speeches") if (folder / name).is_dir()]
        assembly = sorted((folder.parent / "eras").glob("A_*.pdf"))
        inputs += [str(path) for path in assembly]
        more = f" and {len(assembly)} of the General Assembly's" if assembly else ""
        return inputs, f"Sample records from {folder}{more}"
    import tempfile

    path = write_synthetic(Path(tempfile.mkdtemp(prefix="councilbase-sample-")))
    return [str(path)], f"No records found; using the SYNTHETIC sample {path}"


def demo_outcomes() -> Path | None:
    """The UN library's outcome tables among the sample records, when present."""
    folder = records_dir()
    if folder is not None and (folder / "outcomes").is_dir():
        return folder / "outcomes"
    return None


def resolutions_dir() -> Path | None:
    """The real resolution texts: ``../shared/resolutions`` beside the records folder (or
    from the project root or the working folder); None when absent."""
    folder = records_dir()
    candidates = [folder.parent / "resolutions"] if folder is not None else []
    candidates += [
        Path.cwd() / ".." / "shared" / "resolutions",
        Path(__file__).resolve().parents[2] / ".." / "shared" / "resolutions",
    ]
    return next((c.resolve() for c in candidates if c.is_dir()), None)


def demo_resolutions() -> tuple[list[str], str]:
    """The resolution texts `make demo` imports: the real ones when present, else the
    synthetic one; and a line saying which."""
    folder = resolutions_dir()
    if folder is not None:
        return [str(folder)], f"Resolution texts from {folder}"
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="councilbase-sample-")) / "SYNTHETIC_S-RES-9999(2026).txt"
    path.write_text(SYNTHETIC_RESOLUTION, encoding="utf-8")
    return [str(path)], f"No resolution texts found; using the SYNTHETIC sample {path}"
