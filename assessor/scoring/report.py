"""A plain-text rendering of a result for the terminal."""
from __future__ import annotations

from .types import Result

_OUTCOME = {"pass": "PASS", "trainable": "TRAINABLE", "not_yet": "NOT YET", None: "no decision"}


def _line_col(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{line}:{col}"


def render_text(result: Result, original: str) -> str:
    out = []
    if result.status == "scored":
        out.append(f"Overall   {result.cefr}  {result.score:5.1f}/100  "
                   f"(confidence {result.confidence:.0%}, ±{result.uncertainty:.2f} level)")
        out.append(f"Grammar   {result.grammar.cefr}  {result.grammar.score:5.1f}/100")
        out.append(f"Vocabulary {result.vocabulary.cefr} {result.vocabulary.score:5.1f}/100")
    else:
        out.append(f"Not rated: {result.status.replace('_', ' ')}")
    if result.decision:
        out.append(f"Decision  {_OUTCOME[result.decision.outcome]} ({result.decision.profile})")
        out.extend(f"  - {r}" for r in result.decision.reasons)
    out.append(f"Words {result.word_count}; engine {result.engine}; model {result.model_version}")
    for w in result.warnings:
        out.append(f"Warning: {w.message}")
    if result.issues:
        out.append(f"\n{len(result.issues)} issue(s):")
    for issue in result.issues:
        found = original[issue.offset:issue.offset + issue.length]
        fix = f" → {', '.join(issue.suggestions[:3])}" if issue.suggestions else ""
        out.append(f"  {_line_col(original, issue.offset):>6}  [{issue.category}] "
                   f"“{found}”{fix}: {issue.message}")
    return "\n".join(out)
