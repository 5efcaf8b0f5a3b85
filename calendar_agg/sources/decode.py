"""Bytes -> text for documents whose encoding nobody promised."""

from __future__ import annotations

import codecs
import re

from calendar_agg.errors import DocumentError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# The start of a web page: what an error page or a login wall looks like.
_HTML_START = re.compile(
    r"\A\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL
)
_TITLE = re.compile(r"<title[^>]*>([^<]{1,120})", re.IGNORECASE)
# Formats that are never an HTML page, and URL endings that promise one of them.
_NOT_HTML = {"feed": "a feed", "ics": "a calendar", "markdown": "markdown", "post": "markdown"}
_PROMISED = {".xml": "feed", ".atom": "feed", ".rss": "feed", ".ics": "ics", ".md": "markdown"}


def decode_document(data: bytes, source: str, name: str, charset: str | None = None) -> str:
    """Text of ``data``: BOM first, then the declared charset, UTF-8, finally Latin-1.

    Binary data (NUL bytes without a UTF-16 BOM) and empty documents raise
    DocumentError. Line endings are normalised to ``\\n`` so that line numbers mean
    the same everywhere.
    """
    text = _decode(data, charset)
    if text is None:
        raise DocumentError(source, name, "binary data, not a text document")
    if not text.strip():
        raise DocumentError(source, name, "empty document (no text at all)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, charset: str | None) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if b"\x00" in data[:8192]:
        return None
    for encoding in filter(None, (charset, "utf-8")):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return _mostly_utf8(data) or data.decode("latin-1")


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a bad paste), the broken ones replaced; else None.

    Latin-1 text almost never holds valid multi-byte UTF-8 sequences, so a document
    whose valid non-ASCII characters outnumber its broken bytes is UTF-8.
    """
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = sum(1 for char in text if char > "\x7f" and char != "\ufffd")
    return text if valid > broken else None


def kind_mismatch(text: str, forced: str | None, url: str) -> str | None:
    """Why a fetched document is not what was asked for (an HTML error page or login wall
    where a feed, calendar or markdown file was expected); None when it may be."""
    expected = forced or _PROMISED.get(_suffix(url))
    if expected not in _NOT_HTML:
        return None
    if not _HTML_START.match(text[:4096]):  # the body decides: servers mislabel feeds
        return None
    title = _TITLE.search(text[:8192])
    said = f" titled {' '.join(title.group(1).split())!r}" if title else ""
    return f"expected {_NOT_HTML[expected]} but got an HTML page{said}"


def _suffix(url: str) -> str:
    path = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    last = path.rsplit("/", 1)[-1]
    return "." + last.rsplit(".", 1)[-1].lower() if "." in last else ""
