"""Which harper rules earn a place in the shown feedback: precision per rule.

    python bench/harper_rules.py --shared ../shared [--write]

Every harper rule (all switched on, no de-duplication, American dialect) runs
on the two tuning sets, W&I train (all 3,000 texts) and FCE dev, and on
CoNLL-2014 (held out: never used to choose). A flag is correct when it
overlaps a gold edit (the rule of ``grammar_precision.py``). A rule is kept
when it is not a dialect rule, made at least ``--min-flags`` flags on the two
tuning sets together at precision 0.75 or better, *and* reached 0.75 on each
tuning set separately wherever it made at least ``--min-set-flags`` flags
there: W&I outweighs FCE dev about 20 to 1, so a pooled figure alone can hide
a rule that fails on FCE's learners. ``--write`` writes the kept rules to
``assessor/data/harper/rules.json``. Only figures leave the data.

``run_shown`` is ``grammar_precision.py --harper``: harper's allow-list alone,
and the shown feedback with and without it, on FCE dev and CoNLL-2014.
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

from bench.grammar_precision import (MATCHING_RULE, Sample, evaluate, load_conll, load_fce_dev,  # noqa: E402
                                     load_wi, overlaps)
from bench.runners import BuiltinRunner, HarperRunner, ShownRunner  # noqa: E402

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
#: The tuning sets, judged one by one, and the held-out set; keys of the output.
TUNING = {"wi_train": "W&I train", "fce_dev": "FCE dev"}
HELD_OUT = {"conll2014": "CoNLL"}


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
    return {"texts": len(samples), "gold_edits": sum(len(s.gold) for s in samples), "words": words,
            "seconds": round(seconds, 3), "ms_per_250_words": round(seconds / words * 250e3, 2),
            "rules": {r: {"flagged": n, "correct": correct[r], "precision": round(correct[r] / n, 3),
                          "edits_found": found[r], "kind": kinds[r].most_common(1)[0][0]}
                      for r, n in flagged.most_common()}}


def pooled(tables: list[dict]) -> dict:
    """The tuning sets added up, as if they were one set."""
    rules: dict[str, dict] = {}
    for t in tables:
        for rule, row in t["rules"].items():
            into = rules.setdefault(rule, {"flagged": 0, "correct": 0, "precision": 0.0, "edits_found": 0,
                                           "kind": row["kind"]})
            for key in ("flagged", "correct", "edits_found"):
                into[key] += row[key]
    for row in rules.values():
        row["precision"] = round(row["correct"] / row["flagged"], 3)
    words, seconds = sum(t["words"] for t in tables), sum(t["seconds"] for t in tables)
    return {"texts": sum(t["texts"] for t in tables), "gold_edits": sum(t["gold_edits"] for t in tables),
            "words": words, "seconds": round(seconds, 3), "ms_per_250_words": round(seconds / words * 250e3, 2),
            "rules": dict(sorted(rules.items(), key=lambda item: -item[1]["flagged"]))}


def verdict(rule: str, tuning: dict, sets: dict[str, dict], args) -> str:
    """Why a rule is left out ("" when it is kept). Precision is compared on
    the counts, not the rounded figure."""
    def precise(row: dict) -> bool:
        return row["correct"] >= args.min_precision * row["flagged"]

    row = tuning["rules"][rule]
    if rule in NEVER:
        return "never"
    if row["flagged"] < args.min_flags:
        return "too few flags"
    if not precise(row):
        return "imprecise pooled"
    failed = [TUNING[name] for name, t in sets.items()
              if t["rules"].get(rule, {}).get("flagged", 0) >= args.min_set_flags and not precise(t["rules"][rule])]
    return f"imprecise on {' and '.join(failed)}" if failed else ""


def choose(tuning: dict, sets: dict[str, dict], args) -> list[str]:
    return sorted(r for r in tuning["rules"] if not verdict(r, tuning, sets, args))


def _fig(t: dict, rule: str) -> list:
    row = t["rules"].get(rule)
    return [row["flagged"], row["precision"]] if row else [0, None]


def rules_json(kept: list[str], tuning: dict, sets: dict[str, dict], held: dict, args) -> dict:
    columns = ["tuning flags", "tuning precision"]
    for label in (*TUNING.values(), *HELD_OUT.values()):
        columns += [f"{label} flags", f"{label} precision"]
    return {"harper_py": "0.2.0", "harper_core": "2.13.0", "licence": "Apache-2.0",
            "dialect": "american", "max_suggestions": 3,
            "chosen_by": f"bench/harper_rules.py --min-precision {args.min_precision} --min-flags "
                         f"{args.min_flags} --min-set-flags {args.min_set_flags}",
            "never": NEVER, "categories": CATEGORIES, "default_category": "grammar",
            "rules": kept,
            "figures": {"columns": columns,
                        **{r: [x for t in (tuning, *sets.values(), held) for x in _fig(t, r)] for r in kept}}}


def run_shown(args) -> int:
    """``grammar_precision.py --harper``: harper's column, and the shown
    feedback with and without it, on the sets the shipped detector never saw."""
    conll, fce = load_conll(args.shared, args.limit), load_fce_dev(args.shared)
    harper, builtin = HarperRunner(), BuiltinRunner()
    shown, with_harper = ShownRunner(), ShownRunner(harper)
    sets = [(f"{label} on {name}", samples, runner)
            for name, samples in (("FCE dev", fce), ("CoNLL-2014", conll))
            for label, runner in (("builtin", builtin), ("harper (allow-list)", harper),
                                  ("shown (builtin + neural)", shown),
                                  ("shown (builtin + harper + neural)", with_harper))]
    result = {"matching_rule": MATCHING_RULE, "limit": args.limit,
              "sets": {name: evaluate(name, samples, runner, args.rules) for name, samples, runner in sets}}
    result["harper_ms_per_250_words"] = harper.ms_per_250_words()
    print(f"\nharper check per 250 words: {result['harper_ms_per_250_words']} ms")
    out = args.out.with_name("grammar_precision_harper.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"written: {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--min-precision", type=float, default=0.75)
    parser.add_argument("--min-flags", type=int, default=10, help="flags on the tuning sets together")
    parser.add_argument("--min-set-flags", type=int, default=5,
                        help="flags on one tuning set from which its own precision must reach --min-precision")
    parser.add_argument("--write", action="store_true", help=f"write the kept rules to {RULES_JSON}")
    parser.add_argument("--reuse", action="store_true",
                        help="choose from the figures of the last run (--out) instead of linting again")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "harper_rules.json")
    args = parser.parse_args(argv)
    if args.reuse:
        last = json.loads(args.out.read_text())
        if not set(TUNING) <= set(last):
            print(f"{args.out} has no per-set figures; run without --reuse", file=sys.stderr)
            return 2
        sets, held = {name: last[name] for name in TUNING}, last["conll2014"]
    else:
        sets = {"wi_train": table(load_wi(args.shared, 0)), "fce_dev": table(load_fce_dev(args.shared))}
        held = table(load_conll(args.shared, 0))
    tuning = pooled(list(sets.values()))
    kept = choose(tuning, sets, args)
    heads = ("tune", *(label.split()[0] for label in TUNING.values()), "conll")
    print(f"{'rule':<36}{'kind':<16}" + "".join(f"{h + ' n':>9}{'prec':>7}" for h in heads) + "  kept / why not")
    for rule, row in tuning["rules"].items():
        cells = ""
        for t in (tuning, *sets.values(), held):
            n, p = _fig(t, rule)
            cells += f"{n:>9}{'-' if p is None else f'{p:.3f}':>7}"
        why = verdict(rule, tuning, sets, args)
        print(f"{rule:<36}{row['kind']:<16}{cells}  {why or 'yes'}")
    dropped = [r for r in tuning["rules"] if verdict(r, tuning, sets, args).startswith("imprecise on")]
    print(f"kept {len(kept)}; pooled 0.75+ but left out by a single set: {', '.join(dropped) or 'none'}")
    print(f"ms per 250 words, all rules on: {tuning['ms_per_250_words']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"tuning": tuning, **sets, "conll2014": held, "kept": kept,
                                    "chosen_by": rules_json(kept, tuning, sets, held, args)["chosen_by"]},
                                   indent=1))
    if args.write:
        RULES_JSON.parent.mkdir(parents=True, exist_ok=True)
        RULES_JSON.write_text(json.dumps(rules_json(kept, tuning, sets, held, args), indent=1) + "\n")
        print(f"written: {RULES_JSON}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
