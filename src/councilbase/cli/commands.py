"""The ``councilbase`` command's Typer app: one thin function per command over the library,
a module per group of commands (``records``, ``index``, ``resolutions``, ``analysis``,
``web``). :mod:`councilbase.cli` answers ``version`` and ``--help`` without it, and builds it
with the one module a command needs.

Every error a user can make ends with one line, ``error: ...``, saying what is wrong and
what is accepted, and exit status 2 (1 when something asked for is not there or failed);
never a traceback. ``COUNCILBASE_DEBUG=1`` shows the traceback of an internal error.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from councilbase import __version__
from councilbase.cli import HELP


class OneLineErrors(TyperGroup):
    """The command group, with usage errors and internal errors printed in one line."""

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.TyperException as exc:
            _usage_error(exc)
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # the reader went away (| head): not an error
                sys.stderr.close()
                os._exit(0)
            _internal_error(exc)
        except Exception as exc:
            _internal_error(exc)
        sys.exit(result if isinstance(result, int) else 0)


def _usage_error(exc: Exception) -> None:
    """Print a usage error in one line (or the help, for a group called bare); exit."""
    from councilbase.cli.common import note, printable

    context = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and context is not None:
        sys.stdout.write(context.get_help() + "\n")
        sys.exit(0)
    format_message = getattr(exc, "format_message", None)
    if format_message is None:  # Abort
        note("aborted")
        sys.exit(1)
    message = " ".join(str(format_message()).split())
    message = message[0].lower() + message[1:] if message else "bad usage"
    where = f" (see `{context.command_path} --help`)" if context is not None else ""
    note(f"error: {printable(message)}{where}")
    sys.exit(getattr(exc, "exit_code", 2))


def _internal_error(exc: Exception) -> None:
    """A bug of ours: one line saying so, the traceback only when asked for."""
    from councilbase.cli.common import note, printable

    if os.environ.get("COUNCILBASE_DEBUG"):
        raise exc
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f" at {os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}" if tb else ""
    note(
        f"error: internal error {type(exc).__name__}: {printable(exc)}{where}; "
        "please report it (COUNCILBASE_DEBUG=1 shows the traceback)"
    )
    sys.exit(1)


MODULES = ("records", "index", "resolutions", "analysis", "web")


def build(modules: tuple[str, ...] = MODULES) -> typer.Typer:
    """The app with ``version`` and the commands of the given modules of ``councilbase.cli``."""
    import importlib

    built = typer.Typer(
        cls=OneLineErrors,
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    built.command()(version)
    for name in modules:
        importlib.import_module(f"councilbase.cli.{name}").register(built)
    return built


def version() -> None:
    """Print the version of councilbase."""
    sys.stdout.write(__version__ + "\n")


app = build()
