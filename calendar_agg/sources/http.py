"""HTTP(S) sources: polite GET with timeouts, a size cap, conditional requests and retries."""

from __future__ import annotations

import http.client
import logging
import time
from collections.abc import Collection
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
import urllib3

from calendar_agg import __version__
from calendar_agg.config import SourceSettings
from calendar_agg.errors import DocumentError, SourceError
from calendar_agg.models import Document, Problem
from calendar_agg.sources import MAX_DOCUMENT_BYTES, FetchResult, HttpState
from calendar_agg.sources.decode import decode_document, kind_mismatch
from calendar_agg.sources.index import issue_links

log = logging.getLogger(__name__)

USER_AGENT = f"calendar-agg/{__version__} (community event aggregator; +https://github.com/)"
RETRIES = 2  # extra attempts inside one run for transient failures
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_WAIT = 30.0  # a longer Retry-After is left to a later run
MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0
# All attempts at one URL, body included, end within this many times its timeout
# (a minute for the default 30 s): a slow or stalling server cannot hold a run up.
BUDGET_TIMEOUTS = 2
CHUNK_BYTES = 64 * 1024


def new_session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.max_redirects = MAX_REDIRECTS
    return session


def fetch_url(source: SourceSettings, session: requests.Session | None,
              state: HttpState | None, known: Collection[str] = ()) -> FetchResult:
    """GET the source's URL; a 304 gives ``not_modified`` and no documents.

    A page that lists issues instead of being one (``index.issue_links``) gives the newest
    ``source.follow`` issues it links to, oldest first, less the ``known`` ones (read by an
    earlier run); ``FetchResult.followed`` names those read. An issue that cannot be read is
    a problem of the source, not its failure.

    A session passed in gets our redirect limit and, unless it names itself, our
    User-Agent.
    """
    session = session or new_session()
    session.max_redirects = min(session.max_redirects, MAX_REDIRECTS)
    url = source.url
    assert url is not None
    headers = _conditional_headers(state) | _agent(session)
    deadline = time.monotonic() + BUDGET_TIMEOUTS * source.timeout
    response = _get_with_retries(source, session, headers, url, deadline)
    if response.status_code == 304:
        return FetchResult(not_modified=True, http_state=state)
    document = _document(source, response, url, deadline)
    new_state = HttpState(etag=response.headers.get("ETag"),
                          last_modified=response.headers.get("Last-Modified"))
    links = issue_links(document, source.follow) if source.follow else []
    if not links:
        return FetchResult(documents=[document], http_state=new_state)
    new = [link for link in links if link not in known]
    result = _follow(source, session, new, new_state)
    log.info("%s: a page listing issues: the newest %d it links to taken, %d read now, %d read"
             " by earlier runs", source.name, len(links), len(result.followed),
             len(links) - len(new))
    return result


def _document(source: SourceSettings, response: requests.Response, url: str,
              deadline: float) -> Document:
    """The document of a response, its body read by ``deadline``."""
    data = _read_body(source, response, deadline)
    content_type = response.headers.get("Content-Type", "")
    text = decode_document(data, source.name, _document_name(url), response.encoding
                           if "charset" in content_type.lower() else None)
    mismatch = kind_mismatch(text, source.format, url)
    if mismatch:
        raise DocumentError(source.name, _document_name(url), mismatch)
    return Document(source=source.name, name=_document_name(url), text=text,
                    location=url, format=source.format, timezone=source.timezone,
                    content_type=content_type.split(";")[0].strip() or None)


def _follow(source: SourceSettings, session: requests.Session, links: list[str],
            state: HttpState) -> FetchResult:
    """The issues an index page links to, each fetched like the page itself."""
    documents: list[Document] = []
    result = FetchResult(documents=documents, http_state=state)
    headers = _agent(session)
    for link in links:
        try:
            deadline = time.monotonic() + BUDGET_TIMEOUTS * source.timeout
            response = _get_with_retries(source, session, headers, link, deadline)
            documents.append(_document(source, response, link, deadline))
        except SourceError as exc:  # DocumentError too
            result.problems.append(Problem(source.name, link, None, exc.reason))
            continue
        result.followed.append(link)
    return result


def _agent(session: requests.Session) -> dict[str, str]:
    """Our User-Agent header, unless the session names itself."""
    named = not session.headers.get("User-Agent", "").startswith("python-requests")
    return {} if named else {"User-Agent": USER_AGENT}


def _conditional_headers(state: HttpState | None) -> dict[str, str]:
    headers = {}
    if state and state.etag:
        headers["If-None-Match"] = state.etag
    if state and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def _get_with_retries(source: SourceSettings, session: requests.Session,
                      headers: dict[str, str], url: str, deadline: float) -> requests.Response:
    """The first answer below 400; transient failures are tried again while time is left."""
    delay = 1.0
    for attempt in range(RETRIES + 1):
        left = max(0.01, deadline - time.monotonic())
        try:
            response = session.get(url, headers=headers, stream=True, timeout=(
                min(CONNECT_TIMEOUT, source.timeout, left), min(source.timeout, left)))
        except requests.TooManyRedirects:
            raise SourceError(source.name, f"more than {MAX_REDIRECTS} redirects") from None
        except requests.ConnectionError as exc:
            failure = SourceError(source.name, f"cannot connect: {_short(exc)}")
            if "resolve" in str(exc):  # no DNS: no network, retrying will not help
                raise failure from None
        except requests.Timeout:
            failure = SourceError(source.name, f"no answer within {source.timeout:g} s")
        except requests.RequestException as exc:
            raise SourceError(source.name, f"request failed: {_short(exc)}") from None
        else:
            if response.status_code < 400:
                return response
            wait = _retry_after(response)
            response.close()
            reason = f"HTTP {response.status_code} {response.reason or ''}".strip()
            failure = SourceError(source.name, reason + (f" (Retry-After {wait:g} s)"
                                                         if wait else ""), retry_after=wait)
            if response.status_code not in RETRY_STATUSES or (wait or 0) > MAX_RETRY_WAIT:
                raise failure
            delay = max(delay, wait or 0)
        if attempt == RETRIES or time.monotonic() + delay >= deadline:
            raise failure
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


def _read_body(source: SourceSettings, response: requests.Response, deadline: float) -> bytes:
    """The body, read as it arrives: never more than the size cap, never past ``deadline``."""
    body = bytearray()
    declared = response.headers.get("Content-Length", "")
    try:
        if declared.isdigit() and int(declared) > MAX_DOCUMENT_BYTES:
            raise SourceError(source.name, f"response of {declared} bytes is over the "
                                           f"{MAX_DOCUMENT_BYTES} byte limit")
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SourceError(source.name, f"response took more than "
                                               f"{BUDGET_TIMEOUTS * source.timeout:g} s to arrive")
            _wait_at_most(response, min(source.timeout, left))
            chunk = response.raw.read1(CHUNK_BYTES, decode_content=True)
            if not chunk:
                break
            body += chunk
            if len(body) > MAX_DOCUMENT_BYTES:
                raise SourceError(source.name, f"response larger than {MAX_DOCUMENT_BYTES} bytes")
    except (urllib3.exceptions.ReadTimeoutError, TimeoutError):
        if time.monotonic() >= deadline - 0.05:  # the last wait was cut short by the budget
            raise SourceError(source.name, f"response took more than "
                                           f"{BUDGET_TIMEOUTS * source.timeout:g} s to arrive"
                              ) from None
        raise SourceError(source.name, f"response stalled after {len(body)} bytes: nothing "
                                       f"more within {source.timeout:g} s") from None
    except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as exc:
        got = f" after {len(body)}" + (f" of {declared}" if declared.isdigit() else "") + " bytes"
        raise SourceError(source.name, f"response cut off{got}: {_short(exc)}") from None
    finally:
        response.close()
    return bytes(body)


def _wait_at_most(response: requests.Response, seconds: float) -> None:
    """Let the next read of the body wait at most ``seconds`` (the socket's timeout)."""
    sock = getattr(getattr(response.raw, "connection", None), "sock", None)
    if sock is not None:
        sock.settimeout(max(0.01, seconds))


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
    if "IncompleteRead" in text or "Connection broken" in text:
        return "the server closed the connection before the whole body was sent"
    return text.splitlines()[0][:200] if text else type(exc).__name__
