"""A local LanguageTool stand-in that replays recorded answers of a real server.

LanguageTool cannot be installed where the tests run, so the adapter's
contract tests talk HTTP to this server instead: it answers ``/v2/check`` with
the answer a real LanguageTool 4.0 gave for the same text (the fixtures in
``tests/fixtures/languagetool``, and optionally the recordings in
``../shared/data/languagetool`` joined to the corpus texts they were made
from), and ``/v2/languages`` with that server's language list. Fault modes
(HTTP 404/500, slow, garbage, dropped connection) drive the failure tests.

    with LTReplay.from_fixtures() as lt:
        engine = LanguageToolEngine(lt.url, timeout=1)
"""
from __future__ import annotations

import csv
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "languagetool"
SAMPLES = FIXTURES / "languagetool-4.0-samples.jsonl"
LANGUAGES = FIXTURES / "languagetool-4.0-languages.json"
MODES = ("ok", "404", "500", "slow", "garbage", "drop")

#: Recording file stem in shared/data/languagetool → (corpus text file, format).
SHARED_CORPORA = {
    "A.train": ("wi-locness/json/A.train.json", "jsonl"),
    "B.train": ("wi-locness/json/B.train.json", "jsonl"),
    "C.train": ("wi-locness/json/C.train.json", "jsonl"),
    "fce.train": ("fce/json/fce.train.json", "jsonl"),
    "fce.dev": ("fce/json/fce.dev.json", "jsonl"),
    "ellipse_calibration": ("ellipse/ellipse_calibration.csv", "csv"),
}


@dataclass(frozen=True)
class Sample:
    id: str
    task: str
    text: str
    response: dict[str, Any]


def load_samples(path: Path = SAMPLES) -> list[Sample]:
    with open(path, encoding="utf-8") as f:
        return [Sample(d["id"], d["task"], d["text"], d["response"])
                for d in map(json.loads, f)]


def _corpus_texts(shared: Path, stem: str) -> list[tuple[str, str]]:
    rel, fmt = SHARED_CORPORA[stem]
    with open(shared / "data" / rel, encoding="utf-8", newline="") as f:
        if fmt == "csv":
            return [(r["text_id_kaggle"], r["full_text"]) for r in csv.DictReader(f)]
        return [(d["id"], d["text"]) for d in map(json.loads, f)]


def iter_shared_records(shared: Path, stems: tuple[str, ...] | None = None
                        ) -> Iterator[tuple[str, str, str, list[dict[str, Any]]]]:
    """(corpus, id, text, matches) for every recorded text in ``shared``.

    The recordings carry corpus and id but not the text; ids are not unique
    (an FCE script has several answers), so recordings are joined to texts by
    line order and the ids checked to agree.
    """
    for stem in stems or tuple(SHARED_CORPORA):
        recordings = shared / "data" / "languagetool" / f"{stem}.jsonl"
        texts = _corpus_texts(shared, stem)
        with open(recordings, encoding="utf-8") as f:
            for n, line in enumerate(f):
                rec = json.loads(line)
                text_id, text = texts[n]
                if rec["id"] != text_id:
                    raise ValueError(f"{recordings}:{n + 1}: id {rec['id']!r} is not "
                                     f"{text_id!r}; recordings and texts are out of step")
                yield stem, rec["id"], text, rec["matches"]


def shared_recordings(shared: Path, stems: tuple[str, ...] | None = None) -> dict[str, dict]:
    """text → /v2/check answer, from the shared recordings."""
    return {text: {"software": {"name": "LanguageTool", "version": "4.0"},
                   "language": {"code": "en-US"}, "matches": matches}
            for _, _, text, matches in iter_shared_records(shared, stems)}


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # keep test output clean

    def do_GET(self) -> None:
        self._answer(parse_qs(urlsplit(self.path).query))

    def do_POST(self) -> None:
        size = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(size).decode("utf-8")
        self._answer(parse_qs(body, keep_blank_values=True))

    def _answer(self, params: dict[str, list[str]]) -> None:
        replay = self.server.replay
        path = urlsplit(self.path).path
        replay.log.append((path, {k: v[0] for k, v in params.items()}))
        mode = replay.mode
        if mode == "slow" and replay.stopping.wait(replay.delay):
            return
        if mode == "drop":
            self.close_connection = True
            self.connection.close()
            return
        if mode in ("404", "500"):
            return self._send(int(mode), b"replay fault mode", "text/plain")
        if mode == "garbage":
            return self._send(200, b"<html>not json</html>", "text/html")
        self._route(path, params)

    def _route(self, path: str, params: dict[str, list[str]]) -> None:
        replay = self.server.replay
        if path == "/v2/languages":
            return self._json(replay.languages)
        if path == "/v2/healthcheck":
            return self._send(200, b"OK", "text/plain")
        if path != "/v2/check":
            return self._send(404, b"no such endpoint", "text/plain")
        text = params.get("text", [None])[0]
        if text is None or "language" not in params:
            return self._send(400, b"Missing 'text' or 'language' parameter", "text/plain")
        answer = replay.recordings.get(text)
        if answer is None:
            return self._send(404, b"replay has no recording for this text", "text/plain")
        self._json(answer)

    def _json(self, payload: Any) -> None:
        self._send(200, json.dumps(payload).encode("utf-8"), "application/json")

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{ctype}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # A handler sleeping in "slow" mode must not hold up stop().
    block_on_close = False
    replay: "LTReplay"


class LTReplay:
    """The replay server; use as a context manager or call start()/stop()."""

    def __init__(self, recordings: dict[str, dict] | None = None,
                 languages: list[dict] | None = None) -> None:
        self.recordings: dict[str, dict] = dict(recordings or {})
        self.languages = languages if languages is not None else json.loads(
            LANGUAGES.read_text(encoding="utf-8"))
        self.mode = "ok"
        #: Seconds a "slow" answer waits before it is sent.
        self.delay = 5.0
        #: (path, params) of every request received, in order.
        self.log: list[tuple[str, dict[str, str]]] = []
        self.stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def from_fixtures(cls) -> "LTReplay":
        return cls({s.text: s.response for s in load_samples()})

    def add(self, text: str, answer: dict) -> None:
        self.recordings[text] = answer

    def set_mode(self, mode: str, delay: float | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown replay mode {mode!r}; use one of {MODES}")
        self.mode = mode
        if delay is not None:
            self.delay = delay

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("replay server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def checks(self) -> list[dict[str, str]]:
        """Parameters of every /v2/check request received."""
        return [params for path, params in self.log if path == "/v2/check"]

    def start(self, port: int = 0) -> "LTReplay":
        """Listen on 127.0.0.1:``port`` (0 = any free port)."""
        self.stopping.clear()
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.replay = self
        # A short poll interval keeps stop() quick.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="lt-replay", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "LTReplay":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    """Serve the recordings until interrupted, e.g. for trying the service by hand:

        python -m tests.support.lt_replay --shared ../shared --port 8081
        LANGUAGETOOL_URL=http://127.0.0.1:8081 ...
    """
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, help="also serve ../shared recordings")
    parser.add_argument("--port", type=int, default=0, help="default: any free port")
    args = parser.parse_args(argv)
    replay = LTReplay.from_fixtures()
    if args.shared:
        replay.recordings.update(shared_recordings(args.shared))
    replay.start(args.port)
    print(f"LanguageTool replay with {len(replay.recordings)} texts at {replay.url}", flush=True)
    try:
        replay.stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        replay.stop()


if __name__ == "__main__":
    main()
