"""Which harper rules earn a place in the shown feedback: precision per rule.

    python bench/harper_rules.py --shared ../shared [--write]

Every harper rule (all switched on, no de-duplication, American dialect) runs
on the tuning set, W&I train (all 3,000 texts) and FCE dev, and on CoNLL-2014
(held out: never used to choose). A flag is correct when it overlaps a gold
edit (the rule of ``grammar_precision.py``). A rule is kept when, on the
tuning set, it made at least ``--min-flags`` flags at precision 0.75 or better
and is not a dialect rule. ``--write`` writes the kept rules to
``assessor/data/harper/rules.json``. Only figures leave the data.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import harper  # noqa: E402

from bench.grammar_precision import Sample, load_conll, load_fce_dev, load_wi, overlaps  # noqa: E402

RULES_JSON = Path(__file__).resolve().parents[1] / "assessor" / "data" / "harper" / "rules.json"
#: Spelling and regional words follow one dialect; the product accepts both
#: US and British English, and the built-in speller already accepts both.
NEVER = {"SpellCheck": "spelling follows one dialect; the built-in speller accepts US and British forms",
         "Regionalisms": "flags British words (lorry, cheque) under the American dialect",
         # Its span is the whole sentence, which overlaps some correction in
         # nearly every learner sentence (precision 0.97 here means nothing),
         # and a long sentence is not an error.
         "LongSentences": "not an error; its sentence-long span overlaps a correction by chance",
         "LookingForwardTo": "writes a debug line to the process's stdout on each flag (harper-core 2.13), "
                             "which would land in the service's logs"}
#: harper lint kinds → the project's issue categories.
CATEGORIES = {"Capitalization": "capitalisation", "Punctuation": "punctuation", "Spelling": "spelling",
              "Typo": "spelling", "Formatting": "typography", "Style": "style", "Readability": "style",
              "Enhancement": "style", "Redundancy": "grammar", "Repetition": "grammar",
              "WordChoice": "grammar", "Agreement": "grammar", "Grammar": "grammar",
              "Miscellaneous": "grammar", "Usage": "grammar", "BoundaryError": "typography",
              "Eggcorn": "grammar", "Malapropism": "grammar", "Nonstandard": "grammar"}


def lint_all(samples: list[Sample]) -> tuple[Counter, Counter, Counter, dict, float, int]:
    linter = harper.Linter(harper.Dialect.AMERICAN)
    linter.set_lint_config({name: True for name in linter.get_default_lint_config()})
    flagged, correct, found, kinds = Counter(), Counter(), Counter(), {}
    seconds, words = 0.0, 0
    for sample in samples:
        t0 = time.perf_counter()
        organized = linter.organized_lints(sample.text, language="plaintext", dedup=False)
        seconds += time.perf_counter() - t0
        words += len(sample.text.split())
        for rule, lints in organized.items():
            hit = set()
            for lint in lints:
                s, n = lint.span.start, lint.span.end - lint.span.start
                flagged[rule] += 1
                matched = [i for i, g in enumerate(sample.gold) if overlaps(s, n, g)]
                correct[rule] += bool(matched)
                hit.update(matched)
                kinds.setdefault(rule, Counter())[str(lint.lint_kind)] += 1
            found[rule] += len(hit)
    return flagged, correct, found, kinds, seconds, words


def table(samples: list[Sample]) -> dict:
    flagged, correct, found, kinds, seconds, words = lint_all(samples)
    gold = sum(len(s.gold) for s in samples)
    return {"texts": len(samples), "gold_edits": gold, "ms_per_250_words": round(seconds / words * 250e3, 2),
            "rules": {r: {"flagged": n, "correct": correct[r], "precision": round(correct[r] / n, 3),
                          "edits_found": found[r], "kind": kinds[r].most_common(1)[0][0]}
                      for r, n in flagged.most_common()}}


def choose(tuning: dict, min_precision: float, min_flags: int) -> list[str]:
    return sorted(r for r, row in tuning["rules"].items()
                  if r not in NEVER and row["flagged"] >= min_flags and row["precision"] >= min_precision)


def rules_json(kept: list[str], tuning: dict, held: dict, args) -> dict:
    def fig(t: dict, rule: str) -> list:
        row = t["rules"].get(rule)
        return [row["flagged"], row["precision"]] if row else [0, None]

    return {"harper_py": "0.2.0", "harper_core": "2.13.0", "licence": "Apache-2.0",
            "dialect": "american", "max_suggestions": 3,
            "chosen_by": f"bench/harper_rules.py --min-precision {args.min_precision} --min-flags {args.min_flags}",
            "never": NEVER, "categories": CATEGORIES, "default_category": "grammar",
            "rules": kept,
            "figures": {"columns": ["tuning flags", "tuning precision", "CoNLL flags", "CoNLL precision"],
                        **{r: fig(tuning, r) + fig(held, r) for r in kept}}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--min-precision", type=float, default=0.75)
    parser.add_argument("--min-flags", type=int, default=10)
    parser.add_argument("--write", action="store_true", help=f"write the kept rules to {RULES_JSON}")
    parser.add_argument("--reuse", action="store_true",
                        help="choose from the figures of the last run (--out) instead of linting again")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "harper_rules.json")
    args = parser.parse_args(argv)
    if args.reuse:
        last = json.loads(args.out.read_text())
        tuning, held = last["tuning"], last["conll2014"]
    else:
        tuning = table(load_wi(args.shared, 0) + load_fce_dev(args.shared))
        held = table(load_conll(args.shared, 0))
    kept = choose(tuning, args.min_precision, args.min_flags)
    print(f"{'rule':<36}{'kind':<16}{'tune n':>7}{'prec':>7}{'conll n':>8}{'prec':>7}  kept")
    for rule, row in tuning["rules"].items():
        h = held["rules"].get(rule, {"flagged": 0, "precision": float("nan")})
        print(f"{rule:<36}{row['kind']:<16}{row['flagged']:>7}{row['precision']:>7.3f}"
              f"{h['flagged']:>8}{h['precision']:>7.3f}  {'yes' if rule in kept else ''}")
    print(f"ms per 250 words, all rules on: {tuning['ms_per_250_words']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"tuning": tuning, "conll2014": held, "kept": kept}, indent=1))
    if args.write:
        RULES_JSON.parent.mkdir(parents=True, exist_ok=True)
        RULES_JSON.write_text(json.dumps(rules_json(kept, tuning, held, args), indent=1) + "\n")
        print(f"written: {RULES_JSON}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
