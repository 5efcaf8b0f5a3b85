"""HTTP(S) sources: polite GET with timeouts, a size cap, conditional requests and retries."""

from __future__ import annotations

import logging
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests

from calendar_agg import __version__
from calendar_agg.config import SourceSettings
from calendar_agg.errors import SourceError
from calendar_agg.models import Document
from calendar_agg.sources import MAX_DOCUMENT_BYTES, FetchResult, HttpState
from calendar_agg.sources.decode import decode_document

log = logging.getLogger(__name__)

USER_AGENT = f"calendar-agg/{__version__} (community event aggregator; +https://github.com/)"
RETRIES = 2  # extra attempts inside one run for transient failures
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_WAIT = 30.0  # a longer Retry-After is left to a later run
MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0


def new_session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.max_redirects = MAX_REDIRECTS
    return session


def fetch_url(source: SourceSettings, session: requests.Session | None,
              state: HttpState | None) -> FetchResult:
    """GET the source's URL; a 304 gives ``not_modified`` and no documents.

    A session passed in gets our redirect limit and, unless it names itself, our
    User-Agent.
    """
    session = session or new_session()
    session.max_redirects = min(session.max_redirects, MAX_REDIRECTS)
    url = source.url
    assert url is not None
    headers = _conditional_headers(state)
    if session.headers.get("User-Agent", "").startswith("python-requests"):
        headers["User-Agent"] = USER_AGENT
    response = _get_with_retries(source, session, headers)
    if response.status_code == 304:
        return FetchResult(not_modified=True, http_state=state)
    data = _read_body(source, response)
    content_type = response.headers.get("Content-Type", "")
    text = decode_document(data, source.name, _document_name(url), response.encoding
                           if "charset" in content_type.lower() else None)
    document = Document(source=source.name, name=_document_name(url), text=text,
                        location=url, format=source.format, timezone=source.timezone,
                        content_type=content_type.split(";")[0].strip() or None)
    new_state = HttpState(etag=response.headers.get("ETag"),
                          last_modified=response.headers.get("Last-Modified"))
    return FetchResult(documents=[document], http_state=new_state)


def _conditional_headers(state: HttpState | None) -> dict[str, str]:
    headers = {}
    if state and state.etag:
        headers["If-None-Match"] = state.etag
    if state and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def _get_with_retries(source: SourceSettings, session: requests.Session,
                      headers: dict[str, str]) -> requests.Response:
    delay = 1.0
    for attempt in range(RETRIES + 1):
        last = attempt == RETRIES
        try:
            response = session.get(source.url, headers=headers, stream=True,
                                   timeout=(min(CONNECT_TIMEOUT, source.timeout), source.timeout))
        except requests.TooManyRedirects:
            raise SourceError(source.name, f"more than {MAX_REDIRECTS} redirects") from None
        except requests.ConnectionError as exc:
            if last or "resolve" in str(exc):  # no DNS: no network, retrying will not help
                raise SourceError(source.name, f"cannot connect: {_short(exc)}") from None
        except requests.Timeout:
            if last:
                raise SourceError(source.name, f"no answer within {source.timeout:g} s") from None
        except requests.RequestException as exc:
            raise SourceError(source.name, f"request failed: {_short(exc)}") from None
        else:
            if response.status_code < 400 or response.status_code == 304:
                return response
            wait = _retry_after(response)
            response.close()
            if response.status_code not in RETRY_STATUSES or last or (wait or 0) > MAX_RETRY_WAIT:
                reason = f"HTTP {response.status_code} {response.reason or ''}".strip()
                if wait:
                    reason += f" (Retry-After {wait:g} s)"
                raise SourceError(source.name, reason)
            delay = max(delay, wait or 0)
        log.info("%s: attempt %d failed, retrying in %g s", source.name, attempt + 1, delay)
        time.sleep(delay)
        delay *= 2
    raise AssertionError("unreachable")


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _read_body(source: SourceSettings, response: requests.Response) -> bytes:
    chunks, size = [], 0
    deadline = time.monotonic() + max(60.0, source.timeout * 2)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_DOCUMENT_BYTES:
        response.close()
        raise SourceError(source.name, f"response of {declared} bytes is over the "
                                       f"{MAX_DOCUMENT_BYTES} byte limit")
    try:
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_DOCUMENT_BYTES:
                raise SourceError(source.name, f"response larger than {MAX_DOCUMENT_BYTES} bytes")
            if time.monotonic() > deadline:
                raise SourceError(source.name, "response took too long to arrive")
            chunks.append(chunk)
    except requests.RequestException as exc:
        raise SourceError(source.name, f"response cut off: {_short(exc)}") from None
    finally:
        response.close()
    return b"".join(chunks)


def _document_name(url: str) -> str:
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    return segments[-1] if segments else parts.netloc


def _short(exc: Exception) -> str:
    text = str(exc)
    if "NameResolutionError" in text or "Failed to resolve" in text:
        return "host name could not be resolved (no network?)"
    if "Connection refused" in text:
        return "connection refused"
    return text.splitlines()[0][:200] if text else type(exc).__name__
