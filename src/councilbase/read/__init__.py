"""The read stage: files to positioned lines (PDF) or plain lines (text, corpus files)."""

from councilbase.read.lines import Line, Page

__all__ = ["Line", "Page"]
