"""`assessor calibrate` on rated answers: reports agreement before replacing anything."""
import csv
import json
import shutil
from pathlib import Path

import pytest

from assessor.cli import main
from assessor.scoring.levelmodel import DEFAULT_MODEL

SHARED = Path(__file__).resolve().parents[3] / "shared"
WI = SHARED / "data" / "wi-locness" / "json" / "B.train.json"


def _rated(path: Path, n: int, shift: str | None = None) -> None:
    """Rated answers drawn from W&I at test time (never stored in the repo)."""
    rows = [json.loads(line) for line in WI.read_text().splitlines()[:n]]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "cefr"])
        for r in rows:
            w.writerow([r["id"], r["text"], r["cefr"]])


@pytest.mark.shared
@pytest.mark.slow
def test_calibrate_writes_a_model_and_card_or_says_why_not(tmp_path, capsys, monkeypatch):
    if not WI.exists():
        pytest.skip("../shared data is absent")
    model = tmp_path / "base.json"
    shutil.copy(DEFAULT_MODEL, model)
    monkeypatch.setenv("ASSESSOR_MODEL_PATH", str(model))
    monkeypatch.setenv("ASSESSOR_ENGINE", "builtin")
    rated = tmp_path / "rated.csv"
    _rated(rated, 60)
    out = tmp_path / "calibrated.json"
    code = main(["calibrate", str(rated), "--out", str(out), "--force"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "QWK" in printed and "RMSE" in printed
    data = json.loads(out.read_text())
    assert "+cal-" in data["version"]
    card = out.with_suffix(".md").read_text()
    assert "| overall |" in card and "cross-validated" in card


@pytest.mark.parametrize("content, message", [
    ("id,text\n1,hello\n", "lacks the column"),
    ("id,text,cefr\n1,hello,B2\n", "at least 30"),
    ("id,text,cefr\n1,hello,Z9\n", "not a CEFR level"),
    ("id,text,cefr\n1,hello,\n", "cefr column is empty"),
])
def test_calibrate_rejects_bad_files(tmp_path, capsys, content, message):
    rated = tmp_path / "rated.csv"
    rated.write_text(content)
    assert main(["calibrate", str(rated)]) == 1
    assert message in capsys.readouterr().err
