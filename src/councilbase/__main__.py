"""``python -m councilbase``: the ``councilbase`` command."""

from councilbase.cli import main

main()
