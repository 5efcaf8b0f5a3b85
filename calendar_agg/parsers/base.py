"""What every parser is: a pure function from a Document to a ParseResult.

Parsers do no I/O: no network, no clock, no config. They never raise on bad
input; lines they cannot read become Problems in the result.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from calendar_agg.models import Document, ParseResult


class Parser(ABC):
    """Base class of the parsers named in ``calendar_agg.parsers.PARSERS``."""

    #: the format name users write as ``format = "..."`` in a source
    name: str = ""

    @abstractmethod
    def detect(self, document: Document) -> int:
        """How sure this parser is that it reads ``document``: 0 (not mine) to 100."""

    @abstractmethod
    def parse(self, document: Document) -> ParseResult:
        """Every event in ``document``; never raises on bad input."""
