"""The ``councilbase`` command.

Start-up is kept to what a command needs: ``councilbase version`` and ``councilbase --help``
are answered here, without importing Typer, Rich or any command's module (0.03 s rather than
0.35 s: ``bench/startup.py``); any other command builds the Typer app
(:mod:`councilbase.cli.commands`) with the one module that defines it, and a name that is no
command gets the whole app, for its "no such command" message.
"""

from __future__ import annotations

import sys

from councilbase import __version__

# each command: the module of councilbase.cli that defines it ("" for the app's own), its
# group in the help, and one line on what it does; tests/test_json_and_cli.py checks this
# table against the commands the app has
COMMANDS: dict[str, tuple[str, str, str]] = {
    "parse": ("records", "Records", "Parse records and print them (no database)"),
    "ingest": ("records", "Records", "Add records to the database: PDFs, texts, corpus files"),
    "search": ("records", "Records", "Search the speeches, best matches first"),
    "show": ("records", "Records", "Print a meeting or a resolution"),
    "stats": ("records", "Records", "Count what the database holds"),
    "export": ("records", "Records", "Export tables, records, ParlaMint TEI or Akoma Ntoso"),
    "fetch": ("records", "Records", "Download records and resolutions from the UN"),
    "check": ("records", "Records", "Compare votes with the official index; list problems"),
    "upgrade": ("records", "Records", "Bring an older database to this version's schema"),
    "outcomes": ("index", "Reference data", "The UN library's index of meetings and outcomes"),
    "people": ("index", "Reference data", "People: one person for each real speaker"),
    "resolutions": ("resolutions", "Reference data", "Resolutions: texts, citations, debates"),
    "agreement": ("analysis", "Analysis", "How often members voted the same way"),
    "trend": ("analysis", "Analysis", "How often a word is said, per year or month"),
    "distinctive": ("analysis", "Analysis", "The words that set a state's speeches apart"),
    "embed": ("analysis", "Analysis", "Embed the speeches for search by meaning"),
    "similar": ("analysis", "Analysis", "Speeches alike in meaning; states' positions compared"),
    "scale": ("analysis", "Analysis", "States' positions on a topic (Wordfish)"),
    "serve": ("web", "Web", "Serve the web app and its JSON API"),
    "demo": ("web", "Web", "Build a database from the sample records and serve it"),
    "datasette": ("web", "Web", "Metadata that opens the database in Datasette"),
    "version": ("", "Other", "Print the version of councilbase"),
}
HELP = (
    "councilbase: the verbatim records of the UN Security Council (and the General"
    " Assembly) as a structured, searchable database."
)


def help_text() -> str:
    """``councilbase --help``: the commands by group, one line each."""
    lines = ["Usage: councilbase COMMAND [ARGS]...", "", *_wrapped(HELP), ""]
    width = max(len(name) for name in COMMANDS) + 2
    groups: dict[str, list[str]] = {}
    for name, (_module, group, summary) in COMMANDS.items():
        groups.setdefault(group, []).append(f"  {name.ljust(width)}{summary}")
    for group, rows in groups.items():
        lines += [f"{group}:", *rows, ""]
    lines.append("`councilbase COMMAND --help` gives a command's options and examples.")
    return "\n".join(lines) + "\n"


def _wrapped(text: str, width: int = 79) -> list[str]:
    lines = [""]
    for word in text.split():
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width:
            lines.append("")
        lines[-1] = f"{lines[-1]} {word}".strip()
    return lines


def main() -> None:
    """Run the command line; a bad input ends with a one-line message, never a traceback."""
    args = sys.argv[1:]
    if args == ["version"]:
        sys.stdout.write(__version__ + "\n")
        return
    if args in ([], ["--help"]):
        sys.stdout.write(help_text())
        return
    from councilbase.cli.commands import MODULES, build

    module = COMMANDS.get(args[0], ("",))[0]
    build((module,) if module else MODULES)()


def __getattr__(name: str) -> object:
    """``councilbase.cli.app``: the whole Typer app (for tests and embedding)."""
    if name == "app":
        from councilbase.cli.commands import app

        return app
    raise AttributeError(name)
