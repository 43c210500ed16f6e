"""Pages from the web for ``carbon docs add URL``.

Government sites serve their documents as HTML (gov.cn and the ministries), now and
then as PDF or DOCX attachments. A page is fetched with httpx (imported only here,
only for a URL: it costs a tenth of a second), within bounds a user can rely on:

- ``http`` and ``https`` only; at most ``MAX_REDIRECTS`` redirects;
- at most ``MAX_BYTES`` (the size limit of a file), read as a stream and cut off
  there, so a huge or endless response cannot fill memory;
- ``TIMEOUT`` seconds to connect and between bytes, ``DEADLINE`` for the whole
  download;
- a status other than 200, a type that is not a document (an image, a zip …), a
  timeout or a refused connection is one line naming the URL and what happened.

The charset a server declares (``Content-Type: text/html; charset=GBK``) is kept, so
the reader can honour it before the page's own ``<meta>``, as a browser does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .model import CarbonError
from .readers import MAX_BYTES

MAX_REDIRECTS = 5
TIMEOUT = 20.0  # seconds to connect, and between two reads
DEADLINE = 120.0  # seconds for the whole download
_SUFFIXES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
_USER_AGENT = "carbon (Chinese policy documents; https://pypi.org/project/carbon-cli/)"


@dataclass(frozen=True)
class Download:
    """What a URL gave: the bytes, and what is known of them."""

    url: str  # as given
    final_url: str  # after redirects
    data: bytes
    suffix: str  # the file type the reader is to read it as: .html, .pdf …
    charset: str | None  # declared by the server, if any

    @property
    def name(self) -> str:
        """A file name for the page: the last part of its path, else its host."""
        parts = urlsplit(self.final_url)
        last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
        stem = last.rsplit(".", 1)[0] if "." in last else last
        return (stem or parts.hostname or "page") + self.suffix


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def _short(url: str) -> str:
    return url if len(url) <= 100 else url[:97] + "…"


def _suffix(content_type: str, url: str) -> str:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind in _SUFFIXES:
        return _SUFFIXES[kind]
    path = urlsplit(url).path.lower()
    if kind in ("", "application/octet-stream"):  # a server that does not say: trust the name
        for suffix in (".pdf", ".docx", ".html", ".htm", ".txt", ".md"):
            if path.endswith(suffix):
                return ".html" if suffix == ".htm" else suffix
    raise CarbonError(f"{_short(url)}: not a document ({kind or 'no content type'})")


def _charset(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip("\"'"):
            return value.strip().strip("\"'")
    return None


def fetch(url: str, *, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT, deadline: float = DEADLINE) -> Download:
    """Download one page, or raise ``CarbonError`` with one line saying why not."""
    if not is_url(url):
        raise CarbonError(f"{_short(url)}: not an http or https address")
    import httpx

    started = time.monotonic()
    try:
        with httpx.Client(
            follow_redirects=True, max_redirects=MAX_REDIRECTS, timeout=timeout, headers={"User-Agent": _USER_AGENT}
        ) as client, client.stream("GET", url) as response:
            if response.status_code != 200:
                raise CarbonError(f"{_short(url)}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
            content_type = response.headers.get("content-type", "")
            suffix = _suffix(content_type, str(response.url))
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise CarbonError(f"{_short(url)}: {int(declared):,} bytes is over the {max_bytes:,}-byte limit")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise CarbonError(f"{_short(url)}: over the {max_bytes:,}-byte limit")
                if time.monotonic() - started > deadline:
                    raise CarbonError(f"{_short(url)}: not downloaded within {deadline:.0f} s")
                chunks.append(chunk)
            return Download(url, str(response.url), b"".join(chunks), suffix, _charset(content_type))
    except httpx.TooManyRedirects:
        raise CarbonError(f"{_short(url)}: more than {MAX_REDIRECTS} redirects") from None
    except httpx.TimeoutException:
        raise CarbonError(f"{_short(url)}: no answer within {timeout:.0f} s") from None
    except httpx.InvalidURL as error:
        raise CarbonError(f"{_short(url)}: not a valid address ({error})") from None
    except httpx.HTTPError as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise CarbonError(f"{_short(url)}: cannot be fetched ({reason[:150]})") from None
