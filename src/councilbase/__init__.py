"""councilbase: the UN Security Council's meeting records as a structured database."""

__version__ = "0.1.0"
