"""`assessor score` and `assessor batch` as a user runs them."""
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from assessor.batch import OUTPUT_COLUMNS, run_batch
from assessor.cli import main
from assessor.errors import InputError
from assessor.scoring import ScoringSettings

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample-answer.txt"
PROMPT = ROOT / "examples" / "sample-prompt.txt"
BUILTIN = ScoringSettings(engine="builtin")
REQUIRED = {"cefr", "score", "grammar", "vocabulary", "issues", "decision", "engine", "warnings",
            "model_version"}


def test_score_json_has_the_public_fields(capsys):
    assert main(["score", str(SAMPLE), "--prompt", str(PROMPT), "--profile", "voice"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert REQUIRED <= set(out)
    assert {"cefr", "score"} <= set(out["grammar"]) and {"cefr", "score"} <= set(out["vocabulary"])
    assert out["decision"]["profile"] == "voice"


def test_score_text_format(capsys):
    assert main(["score", str(SAMPLE), "--format", "text", "--profile", "chat"]) == 0
    out = capsys.readouterr().out
    assert "Overall" in out and "Decision" in out and "engine" in out


def test_score_reads_standard_input():
    proc = subprocess.run([sys.executable, "-m", "assessor", "score", "-"], input=SAMPLE.read_text(),
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "scored"


@pytest.mark.parametrize("argv, message", [
    (["score", "/nonexistent/answer.txt"], "cannot read"),
    (["score", str(SAMPLE), "--profile", "astronaut"], "no role profile"),
])
def test_score_errors_are_clear(argv, message, capsys):
    assert main(argv) == 1
    assert message in capsys.readouterr().err


def test_empty_answer_is_a_clear_error(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    assert main(["score", str(empty)]) == 1
    assert "empty" in capsys.readouterr().err


def _write(path, rows, header=("id", "text", "prompt")):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_batch_keeps_every_row_and_reports_bad_ones(tmp_path):
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    good = SAMPLE.read_text()
    _write(src, [("a1", good, PROMPT.read_text()), ("a2", "", ""), ("", good, ""),
                 ("a4", "Too short.", ""), ("a5", good, "")])
    summary = run_batch(src, dst, profile="voice", jobs=2, settings=BUILTIN, progress=False)
    rows = list(csv.DictReader(dst.open(encoding="utf-8")))
    assert tuple(rows[0]) == OUTPUT_COLUMNS
    assert [r["id"] for r in rows] == ["a1", "a2", "", "a4", "a5"]
    assert (summary.total, summary.scored, summary.failed) == (5, 3, 2)
    by_id = {r["id"]: r for r in rows}
    assert by_id["a1"]["cefr"] and by_id["a1"]["decision"] in ("pass", "trainable", "not_yet")
    assert "empty" in by_id["a2"]["error"] and "row 2" in by_id["a2"]["error"]
    assert by_id["a4"]["status"] == "insufficient_text" and by_id["a4"]["cefr"] == ""


def test_batch_rejects_a_csv_without_the_columns(tmp_path):
    src = tmp_path / "in.csv"
    _write(src, [("x",)], header=("answer",))
    with pytest.raises(InputError, match="id, text"):
        run_batch(src, tmp_path / "out.csv", jobs=1, settings=BUILTIN, progress=False)


def test_batch_command_exit_code_signals_failed_rows(tmp_path):
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(src, [("a1", SAMPLE.read_text(), ""), ("a2", "", "")])
    assert main(["batch", str(src), "-o", str(dst), "--jobs", "1", "--no-progress"]) == 3
    assert len(list(csv.DictReader(dst.open()))) == 2


def test_batch_reads_an_optional_target_words_column(tmp_path):
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    good = SAMPLE.read_text()
    _write(src, [("t1", good, "", "120"), ("t2", good, "", ""), ("t3", good, "", "sixty"),
                 ("t4", good, "", "0")], header=("id", "text", "prompt", "target_words"))
    summary = run_batch(src, dst, jobs=1, settings=BUILTIN, progress=False)
    by_id = {r["id"]: r for r in csv.DictReader(dst.open(encoding="utf-8"))}
    assert (summary.scored, summary.failed) == (2, 2)
    assert by_id["t1"]["cefr"] and by_id["t2"]["cefr"]
    assert "not a whole number" in by_id["t3"]["error"]
    assert "target_words" in by_id["t4"]["error"]


def test_score_command_takes_a_target(tmp_path, capsys):
    assert main(["score", str(SAMPLE), "--target-words", "80"]) == 0
    assert json.loads(capsys.readouterr().out)["details"]["target_words"] == 80
