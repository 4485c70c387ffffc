"""Model cards written next to calibrated models."""
from __future__ import annotations

from datetime import date
from pathlib import Path


def write_calibration_card(model_path: Path, rated: Path, report: dict, base_version: str) -> Path:
    lines = [f"# Calibrated level model `{model_path.name}`", "",
             f"- Base model: `{base_version}` (see `models/level-model.md`).",
             f"- Calibrated on: `{rated.name}` (the employer's own rated answers), {date.today()}.",
             "- Method: per head, a linear re-mapping of the base model's level onto the employer's raters,"
             " fitted on all rows; figures below are 5-fold cross-validated.", "",
             "| head | n | QWK before | QWK after | RMSE before | RMSE after | exact after | within one after | applied |",
             "|---|---|---|---|---|---|---|---|---|"]
    for head, r in report.items():
        b, a = r["before"], r["after"]
        lines.append(f"| {head} | {r['n']} | {b['qwk']:.3f} | {a['qwk']:.3f} | {b['rmse']:.3f} | "
                     f"{a['rmse']:.3f} | {a['exact']:.1%} | {a['within_one']:.1%} | {r['applied']} |")
    lines += ["", "The rated answers stay with the employer; only the two numbers per head are stored."]
    card = model_path.with_suffix(".md")
    card.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return card
