"""Bytes -> text for documents whose encoding nobody promised."""

from __future__ import annotations

import codecs

from calendar_agg.errors import DocumentError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_document(data: bytes, source: str, name: str, charset: str | None = None) -> str:
    """Text of ``data``: BOM first, then the declared charset, UTF-8, finally Latin-1.

    Binary data (NUL bytes without a UTF-16 BOM) raises DocumentError. Line
    endings are normalised to ``\\n`` so that line numbers mean the same everywhere.
    """
    text = _decode(data, charset)
    if text is None:
        raise DocumentError(source, name, "binary data, not a text document")
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
    return data.decode("latin-1")
