"""Score a CSV of answers on every core, row by row, losing none.

Each row is scored independently: a row that fails (empty text, too long,
unreadable) gets its error in the ``error`` column and the batch goes on.
Output rows keep the input order and are written as they finish, so an
interrupted batch keeps what it scored.
"""
from __future__ import annotations

import csv
import multiprocessing as mp
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .errors import AssessorError, InputError
from .scoring.settings import ScoringSettings

OUTPUT_COLUMNS = ("id", "status", "cefr", "score", "grammar_cefr", "grammar_score",
                  "vocabulary_cefr", "vocabulary_score", "decision", "needs_review",
                  "engine", "warnings", "error")

_scorer = None


@dataclass
class Summary:
    total: int = 0
    scored: int = 0
    failed: int = 0
    seconds: float = 0.0


def _init(settings: ScoringSettings) -> None:
    global _scorer
    from .scoring import Scorer
    _scorer = Scorer(settings)


def score_row(job: tuple[int, dict[str, str], str | None]) -> dict[str, str]:
    number, row, profile = job
    out = {"id": row.get("id") or ""}
    try:
        if not out["id"]:
            raise InputError("the id column is empty")
        result = _scorer.score(row.get("text") or "", prompt=row.get("prompt") or None,
                               profile=profile, target_words=_target(row.get("target_words")))
    except AssessorError as exc:
        out.update(status="error", error=f"row {number}: {exc}")
        return out
    except Exception as exc:  # noqa: BLE001 — one bad row must not lose the batch
        out.update(status="error", error=f"row {number}: internal error: {type(exc).__name__}: {exc}")
        return out
    d = result.to_dict()
    decision = d["decision"] or {}
    out.update(
        status=d["status"], cefr=d["cefr"] or "", score=_num(d["score"]),
        grammar_cefr=d["grammar"]["cefr"] or "", grammar_score=_num(d["grammar"]["score"]),
        vocabulary_cefr=d["vocabulary"]["cefr"] or "",
        vocabulary_score=_num(d["vocabulary"]["score"]),
        decision=decision.get("outcome") or "", needs_review=str(decision.get("needs_review", "")),
        engine=d["engine"], warnings="; ".join(w["code"] for w in d["warnings"]), error="")
    return out


def _target(value: str | None) -> int | None:
    if not (value or "").strip():
        return None
    try:
        return int(value.strip())
    except ValueError as exc:
        raise InputError(f"target_words {value!r} is not a whole number") from exc


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _rows(path: Path, profile: str | None) -> Iterator[tuple[int, dict[str, str], str | None]]:
    csv.field_size_limit(sys.maxsize)
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    with fh:
        reader = csv.DictReader(fh)
        missing = {"id", "text"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(f"{path} lacks the column(s) {', '.join(sorted(missing))}; "
                             "expected id,text and optionally prompt, target_words")
        try:
            for number, row in enumerate(reader, start=1):
                yield number, row, profile
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"{path} line {reader.line_num}: {exc}") from exc


def _count_rows(path: Path) -> int | None:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return max(sum(1 for _ in csv.reader(fh)) - 1, 0)
    except (OSError, csv.Error, UnicodeDecodeError):
        return None


def run_batch(input_path: Path, output_path: Path, profile: str | None = None, jobs: int = 0,
              settings: ScoringSettings | None = None, progress: bool = True) -> Summary:
    from tqdm import tqdm

    from .scoring.profiles import get_profile
    settings = settings or ScoringSettings()
    get_profile(profile, settings.profiles_path)  # an unknown profile fails before any work
    jobs = jobs or os.cpu_count() or 1
    summary, start = Summary(), time.perf_counter()
    rows = _rows(Path(input_path), profile)
    bar = tqdm(total=_count_rows(Path(input_path)), disable=not progress, unit="answer",
               file=sys.stderr)
    with Path(output_path).open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, OUTPUT_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for result in _map(rows, jobs, settings):
            writer.writerow(result)
            out.flush()
            summary.total += 1
            if result.get("status") == "error":
                summary.failed += 1
            else:
                summary.scored += 1
            bar.update(1)
    bar.close()
    summary.seconds = time.perf_counter() - start
    return summary


def _map(rows, jobs: int, settings: ScoringSettings):
    if jobs == 1:
        _init(settings)
        yield from map(score_row, rows)
        return
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ctx.Pool(jobs, initializer=_init, initargs=(settings,)) as pool:
        yield from pool.imap(score_row, rows, chunksize=4)
