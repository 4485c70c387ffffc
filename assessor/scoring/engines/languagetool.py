"""The LanguageTool adapter: the one module that talks to LanguageTool.

Every LanguageTool answer becomes :class:`~assessor.scoring.types.Issue` here,
at the boundary, so nothing else in assessor depends on LanguageTool's JSON,
its rule ids (which change between releases) or its UTF-16 offsets.

Two ways to reach LanguageTool:

* a server URL: we call ``/v2/check`` with ``requests`` ourselves, because
  language_tool_python waits up to 300 s per request and we need a deadline;
* a local install folder: language_tool_python starts the Java server (never
  downloading anything: a missing install fails fast), and then we talk to that
  server exactly as to a remote one.
"""
from __future__ import annotations

import json
import re
import subprocess
import threading
import time
from bisect import bisect_left
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Mapping

import requests
from spacy.tokens import Doc

from ...errors import DataError, EngineError, EngineUnavailable
from ..settings import ScoringSettings
from ..types import CATEGORIES, Issue, Warning_

ENGINE_NAME = "languagetool"
INCOMPLETE_WARNING = "engine_incomplete"
_JARS = ("languagetool-server.jar", "languagetool.jar")
_VERSION = re.compile(r"^LanguageTool-(\d+\.\d+|\d{8})$")


def read_data(name: str) -> dict[str, Any]:
    """A JSON file of ``assessor/data/languagetool``."""
    resource = resources.files("assessor") / "data" / "languagetool" / name
    try:
        return json.loads(resource.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read assessor/data/languagetool/{name}: {exc}") from exc


@dataclass(frozen=True)
class CategoryMap:
    """LanguageTool category id / issue type → assessor issue category."""

    by_category: Mapping[str, str]
    by_issue_type: Mapping[str, str]
    default: str

    @classmethod
    def load(cls) -> "CategoryMap":
        data = read_data("categories.json")
        try:
            mapping = cls(dict(data["by_category"]), dict(data["by_issue_type"]),
                          data["default"])
        except (KeyError, TypeError) as exc:
            raise DataError(f"categories.json is malformed: {exc}") from exc
        unknown = {v for v in (*mapping.by_category.values(),
                               *mapping.by_issue_type.values(), mapping.default)
                   if v not in CATEGORIES}
        if unknown:
            raise DataError(f"categories.json maps to unknown categories {sorted(unknown)}")
        return mapping

    def category(self, category_id: str | None, issue_type: str | None) -> str:
        # The category id is the more specific signal (CASING and PUNCTUATION
        # rules are both issueType "typographical"); vague ids such as MISC are
        # deliberately absent so the issue type decides.
        if category_id and category_id.upper() in self.by_category:
            return self.by_category[category_id.upper()]
        if issue_type and issue_type.lower() in self.by_issue_type:
            return self.by_issue_type[issue_type.lower()]
        return self.default


def utf16_to_index(text: str) -> Callable[[int], int]:
    """Return a function mapping UTF-16 code-unit offsets to ``str`` indices.

    LanguageTool is Java: its offsets count UTF-16 code units, so every
    character outside the Basic Multilingual Plane (emoji) counts twice.
    """
    if text.isascii() or all(ord(ch) <= 0xFFFF for ch in text):
        return lambda unit: unit
    starts: list[int] = []  # starts[i] = UTF-16 offset of text[i]
    unit = 0
    for ch in text:
        starts.append(unit)
        unit += 2 if ord(ch) > 0xFFFF else 1
    starts.append(unit)

    def convert(u: int) -> int:
        # An offset inside a surrogate pair snaps to the end of that character
        # rather than splitting it.
        return bisect_left(starts, u)

    return convert


def convert_matches(text: str, matches: Any, categories: CategoryMap,
                    max_suggestions: int = 5) -> list[Issue]:
    """LanguageTool ``matches`` (JSON) for ``text`` → issues with ``str`` offsets.

    Raises :class:`EngineError` for an answer that cannot belong to ``text``
    (offsets outside it, missing fields): a wrong answer must not be scored.
    """
    if not isinstance(matches, list):
        raise EngineError("LanguageTool answer has no list of matches")
    to_index = utf16_to_index(text)
    issues = [_convert_one(text, m, categories, max_suggestions, to_index)
              for m in matches]
    issues.sort(key=lambda i: (i.offset, i.length))
    return issues


def _convert_one(text: str, match: Any, categories: CategoryMap,
                 max_suggestions: int, to_index) -> Issue:
    try:
        start_u, length_u = int(match["offset"]), int(match["length"])
        rule = match["rule"]
        category = rule.get("category") or {}
        message = str(match.get("message") or match.get("shortMessage") or "")
        replacements = match.get("replacements") or []
        suggestions = tuple(str(r["value"]) for r in replacements[:max_suggestions]
                            if isinstance(r, dict) and r.get("value") is not None)
        rule_id = str(rule["id"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise EngineError(f"LanguageTool match is malformed: {exc!r}") from exc
    start, end = to_index(start_u), to_index(start_u + length_u)
    if start_u < 0 or length_u < 0 or end > len(text):
        raise EngineError(
            f"LanguageTool match {rule_id} at {start_u}+{length_u} lies outside the "
            f"{len(text)}-character text; the answer is not for this text")
    return Issue(offset=start, length=end - start,
                 category=categories.category(category.get("id"), rule.get("issueType")),
                 rule_id=rule_id, message=message, suggestions=suggestions,
                 engine=ENGINE_NAME)


def find_install(path: str | Path) -> Path:
    """The LanguageTool folder (with the server jar) at or inside ``path``.

    ``path`` is either a ``LanguageTool-X.Y`` folder or a download folder
    holding some (what ``LTP_PATH`` points at). Raises
    :class:`EngineUnavailable` when there is none: we never download one.
    """
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise EngineUnavailable(f"LanguageTool folder {folder} does not exist")
    candidates = [folder] if _VERSION.match(folder.name) else sorted(
        (p for p in folder.glob("LanguageTool-*") if _VERSION.match(p.name)),
        key=lambda p: [int(x) for x in _VERSION.match(p.name).group(1).split(".")],
        reverse=True)
    for candidate in candidates:
        if any((candidate / jar).is_file() for jar in _JARS):
            return candidate
    raise EngineUnavailable(
        f"no LanguageTool install (LanguageTool-X.Y folder with {_JARS[0]}) in {folder}")


def start_local_server(path: str | Path, language: str) -> tuple[Any, str]:
    """Start a local LanguageTool with language_tool_python; return (tool, base URL).

    language_tool_python finds installs only in its download folder (the
    ``LTP_PATH`` environment variable, which :class:`assessor.config.Config`
    also reads), and downloads when the version it wants is absent there. So
    before starting it we check that it will find exactly our install.
    """
    install = find_install(path)
    version = _VERSION.match(install.name).group(1)
    try:
        import language_tool_python
        from language_tool_python.download_lt import LocalLanguageTool
        found = LocalLanguageTool.from_version_name(version).get_directory_path()
    except (ImportError, OSError, ValueError) as exc:
        raise EngineUnavailable(
            f"language_tool_python cannot find {install}; set LTP_PATH to {install.parent}"
        ) from exc
    if found.resolve() != install.resolve():
        raise EngineUnavailable(
            f"language_tool_python would use {found}, not {install}; set LTP_PATH to {install.parent}")
    try:
        tool = language_tool_python.LanguageTool(
            language, language_tool_download_version=version)
    except (language_tool_python.LanguageToolError, requests.RequestException, OSError,
            subprocess.SubprocessError, SystemError, ModuleNotFoundError, ValueError,
            SystemExit) as exc:
        # SystemExit too: language_tool_python exits when it cannot parse
        # `java -version`, which must not stop the whole service.
        raise EngineUnavailable(f"local LanguageTool in {install} did not start: {exc}") from exc
    base = tool.url[: -len("v2/")] if tool.url.endswith("v2/") else tool.url
    return tool, base


class LanguageToolEngine:
    """A :class:`~assessor.scoring.engines.base.GrammarEngine` backed by LanguageTool."""

    name = ENGINE_NAME

    def __init__(self, url: str | None = None, path: str | Path | None = None, *,
                 language: str = "en-US", timeout: float = 5.0,
                 categories: CategoryMap | None = None,
                 max_suggestions: int | None = None,
                 ping_timeout: float | None = None) -> None:
        if not url and not path:
            raise EngineUnavailable("LanguageTool needs a server URL or an install folder")
        if timeout <= 0:
            raise EngineError(f"LanguageTool timeout must be positive, not {timeout}")
        adapter = read_data("adapter.json")
        self.language = language
        self.timeout = float(timeout)
        self.categories = categories or CategoryMap.load()
        self.max_suggestions = int(max_suggestions if max_suggestions is not None
                                   else adapter.get("max_suggestions", 5))
        self.ping_timeout = min(self.timeout, float(
            ping_timeout if ping_timeout is not None else adapter.get("ping_timeout_seconds", 2)))
        # Accept the server root or its API root (".../v2"), as people write both.
        self._url = re.sub(r"/v2$", "", url.rstrip("/")) + "/" if url else None
        self._path = Path(path) if path and not url else None
        self._tool: Any = None  # language_tool_python.LanguageTool of a local install
        self._local_url: str | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: ScoringSettings) -> "LanguageToolEngine":
        return cls(settings.languagetool_url, settings.languagetool_path,
                   language=settings.languagetool_language,
                   timeout=settings.languagetool_timeout)

    @property
    def target(self) -> str:
        """Where LanguageTool is, for messages and readiness reports."""
        return self._url or f"local install in {self._path}"

    def _base_url(self) -> str:
        if self._url:
            return self._url
        with self._lock:
            if self._tool is None:
                self._tool, base = start_local_server(self._path, self.language)
                self._local_url = base
            return self._local_url

    def start(self) -> None:
        """Start a local server now rather than on the first check.

        Starting Java takes seconds (language_tool_python waits up to 15 s),
        longer than a check's timeout; a service calls this once at start-up.
        A server URL needs no start: this does nothing then.
        """
        self._base_url()

    def check(self, text: str, doc: Doc | None = None) -> list[Issue]:
        """Issues in ``text``; ``doc`` is unused (LanguageTool parses itself)."""
        return self.check_with_warnings(text, doc)[0]

    def check_with_warnings(self, text: str, doc: Doc | None = None
                            ) -> tuple[list[Issue], list[Warning_]]:
        """Issues, plus a warning when LanguageTool says it stopped early."""
        answer = self.check_raw(text)
        if not isinstance(answer, dict) or "matches" not in answer:
            raise EngineError(f"LanguageTool at {self.target} answered without matches")
        issues = convert_matches(text, answer["matches"], self.categories, self.max_suggestions)
        flags = answer.get("warnings")
        if isinstance(flags, dict) and flags.get("incompleteResults"):
            return issues, [Warning_(INCOMPLETE_WARNING,
                                     "LanguageTool stopped before the end of the text; "
                                     "some issues may be missing")]
        return issues, []

    def check_raw(self, text: str) -> Any:
        """The decoded JSON answer of ``/v2/check`` for ``text``."""
        data = {"text": text, "language": self.language}
        return self._request("post", "v2/check", data, self.timeout)

    def ping(self) -> None:
        """Raise :class:`EngineError` unless LanguageTool answers quickly."""
        answer = self._request("get", "v2/languages", None, self.ping_timeout)
        if not isinstance(answer, list):
            raise EngineError(f"LanguageTool at {self.target} sent an odd /v2/languages answer")

    def available(self) -> bool:
        """Readiness check: ``True`` when :meth:`ping` succeeds."""
        try:
            self.ping()
        except EngineError:
            return False
        return True

    def close(self) -> None:
        """Stop the local server, if this engine started one."""
        with self._lock:
            tool, self._tool = self._tool, None
        if tool is not None:
            tool.close()

    def _request(self, method: str, endpoint: str, data: dict | None, timeout: float) -> Any:
        try:
            return self._http(method, self._base_url() + endpoint, data, timeout)
        except EngineUnavailable:
            # A local server that stopped answering has probably died: drop it
            # so the next call (after the breaker's pause) starts a new one.
            if self._path is not None:
                self.close()
            raise

    def _http(self, method: str, url: str, data: dict | None, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        try:
            with requests.request(method, url, data=data, timeout=(timeout, timeout),
                                  stream=True) as response:
                body = _read_body(response, deadline)
        except requests.ConnectTimeout as exc:
            raise EngineUnavailable(f"LanguageTool at {url} did not accept a connection "
                                    f"within {timeout:g} s") from exc
        except requests.Timeout as exc:
            raise EngineError(f"LanguageTool at {url} did not answer within {timeout:g} s") from exc
        except requests.ConnectionError as exc:
            raise EngineUnavailable(f"LanguageTool at {url} is unreachable ({_short(exc)})") from exc
        except requests.RequestException as exc:
            raise EngineError(f"LanguageTool request to {url} failed: {exc}") from exc
        if response.status_code != 200:
            snippet = body[:200].decode("utf-8", "replace")
            raise EngineError(f"LanguageTool at {url} answered HTTP "
                              f"{response.status_code}: {snippet}")
        try:
            return json.loads(body)
        except ValueError as exc:
            raise EngineError(f"LanguageTool at {url} answered with invalid JSON") from exc


def _short(exc: Exception) -> str:
    # requests nests urllib3's errors into a long repr; the errno line is what
    # an operator reading a result's warning needs. The full chain stays in
    # the traceback via ``from``.
    found = re.search(r"\[Errno -?\d+\] [^'\")]+", str(exc))
    return found.group(0) if found else str(exc)[:160]


def _read_body(response: requests.Response, deadline: float) -> bytes:
    # requests' read timeout is per socket read; a server trickling bytes could
    # keep us far past it, so the whole body must arrive before the deadline.
    chunks = []
    for chunk in response.iter_content(chunk_size=65536):
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise requests.Timeout("answer still arriving at the deadline")
    return b"".join(chunks)
