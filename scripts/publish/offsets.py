"""Where html.parser is in the text it reads, as an absolute offset: the build steps that insert
into a built page (printqr, search, headers) parse it with the standard HTML parser, then splice
the text at the offsets it gave."""

from __future__ import annotations

from html.parser import HTMLParser


def line_starts(text: str) -> list[int]:
    """Offset of each line's start, lines counted on "\\n" as html.parser counts them
    (index 0 unused, so that line numbers from getpos() index it directly)."""
    starts = [0, 0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


class OffsetParser(HTMLParser):
    """An HTMLParser that knows the absolute offset of its position (``position()``); subclasses
    set their own state, then call ``read(text)``."""

    def read(self, text: str) -> None:
        self._starts = line_starts(text)
        self.feed(text)
        self.close()

    def position(self) -> int:
        line, col = self.getpos()
        return self._starts[line] + col
