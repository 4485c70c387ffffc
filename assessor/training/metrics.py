"""Agreement measures used by training, calibration and the benchmarks."""
from __future__ import annotations

import math

import numpy as np
from scipy.stats import pearsonr, spearmanr


def qwk(a: np.ndarray, b: np.ndarray, n: int = 6) -> float:
    """Quadratic weighted kappa of two integer ratings in 1..n."""
    a = np.asarray(a, dtype=int) - 1
    b = np.asarray(b, dtype=int) - 1
    observed = np.zeros((n, n))
    for x, y in zip(a, b):
        observed[x, y] += 1
    weights = np.array([[(i - j) ** 2 for j in range(n)] for i in range(n)]) / (n - 1) ** 2
    expected = np.outer(observed.sum(1), observed.sum(0)) / max(observed.sum(), 1)
    denom = (weights * expected).sum()
    return 1.0 - (weights * observed).sum() / denom if denom else 0.0


def band(levels: np.ndarray) -> np.ndarray:
    """Continuous level → CEFR band number 1..6 (A1..C2), as the result reports it."""
    return np.clip(np.floor(np.asarray(levels) + 0.5), 1, 6).astype(int)


def regression_report(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    y, p = np.asarray(y, float), np.asarray(p, float)
    return {
        "n": int(len(y)),
        "rmse": float(math.sqrt(np.mean((y - p) ** 2))),
        "mae": float(np.mean(np.abs(y - p))),
        "pearson": float(pearsonr(y, p)[0]),
        "spearman": float(spearmanr(y, p)[0]),
        "rmse_of_mean": float(np.std(y)),
    }


def cefr_report(y_level: np.ndarray, p_level: np.ndarray, bar: float = 3.5) -> dict[str, float]:
    """Agreement on CEFR bands, plus the pass/not-pass agreement at a bar (B2 = 3.5)."""
    yb, pb = band(y_level), band(p_level)
    human_pass, model_pass = np.asarray(y_level) >= bar, np.asarray(p_level) >= bar
    below = ~human_pass
    return {
        **regression_report(y_level, p_level),
        "qwk": float(qwk(yb, pb)),
        "exact": float(np.mean(yb == pb)),
        "within_one": float(np.mean(np.abs(yb - pb) <= 1)),
        "bar_agreement": float(np.mean(human_pass == model_pass)),
        "false_pass_rate": float(np.mean(model_pass[below])) if below.any() else 0.0,
    }
