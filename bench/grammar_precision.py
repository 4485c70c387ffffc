"""Precision and recall of the built-in grammar engine against human gold edits.

    python bench/grammar_precision.py --shared ../shared --limit 200

Gold: W&I+LOCNESS train (json ``edits``: character offsets, annotator 0; the
error type of each edit comes from the M2 file aligned to the json text) and
CoNLL-2014 test (M2, both annotators, on the detokenised sentences). The
recorded LanguageTool 4.0 answers on the same W&I texts are scored the same way
as a reference. Nothing from the data is written out except figures.
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.runners import BuiltinRunner, ShownRunner  # noqa: E402

MATCHING_RULE = (
    "a flagged span [s, s+len) is correct if it overlaps a gold edit's span [gs, ge) "
    "(s < ge and gs < s+len); a gold insertion (gs == ge) counts when s-1 <= gs <= s+len "
    "(W&I puts insertions before the space that precedes the next word). "
    "Recall = share of gold edits overlapped by at least one flagged span.")
CATEGORIES = ("grammar", "spelling", "punctuation", "capitalisation", "typography", "style", "other")
_NUCLE_GRAMMAR = {"Vt", "Vm", "V0", "Vform", "SVA", "ArtOrDet", "Nn", "Npos", "Pform", "Pref", "Prep",
                  "Wform", "WOinc", "WOadv", "Trans", "Sfrag", "Ssub", "Smod", "Spar", "Srun"}
_LT_CATEGORIES = {"TYPOS": "spelling", "CASING": "capitalisation", "PUNCTUATION": "punctuation",
                  "TYPOGRAPHY": "typography", "GRAMMAR": "grammar", "CONFUSED_WORDS": "grammar",
                  "COLLOCATIONS": "grammar"}
_NO_SPACE_BEFORE = {".", ",", "!", "?", ";", ":", ")", "]", "}", "%", "'s", "n't", "'re", "'ve", "'ll",
                    "'d", "'m", "'S", "N'T"}
_NO_SPACE_AFTER = {"(", "[", "{", "$"}


@dataclass
class Gold:
    start: int
    end: int
    category: str


@dataclass
class Sample:
    source: str
    text: str
    gold: list[Gold]
    lt: list[tuple[int, int, str]] | None = None


@dataclass
class Tally:
    flagged: Counter = field(default_factory=Counter)
    correct: Counter = field(default_factory=Counter)
    gold: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)


def overlaps(start: int, length: int, gold: Gold) -> bool:
    end = start + max(length, 1)
    if gold.start == gold.end:
        return start - 1 <= gold.start <= end
    return start < gold.end and gold.start < end


def refine(category: str, original: str, correction: str) -> str:
    """Case-only, space-only and punctuation-only edits get those categories
    whatever the annotation scheme called them."""
    if original != correction and original.lower() == correction.lower():
        return "capitalisation"
    if original.replace(" ", "") == correction.replace(" ", "") and original != correction:
        return "typography"
    if original.strip() and correction is not None and all(
            not c.isalnum() for c in original + correction if not c.isspace()):
        return "punctuation"
    return category


def errant_category(etype: str) -> str:
    kind = etype.split(":", 1)[-1]
    if kind == "SPELL":
        return "spelling"
    if kind == "PUNCT":
        return "punctuation"
    if kind == "ORTH":
        return "capitalisation"
    if kind == "CONTR":
        return "spelling"
    if kind in ("OTHER", "UNK"):
        return "other"
    return "grammar"


def nucle_category(etype: str) -> str:
    if etype == "Mec":
        return "spelling"
    return "grammar" if etype in _NUCLE_GRAMMAR else "other"


def read_m2(path: Path) -> list[tuple[list[str], list[tuple[int, int, str, str, int]]]]:
    blocks = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        lines = block.split("\n")
        tokens = lines[0][2:].split(" ")
        edits = []
        for line in lines[1:]:
            span, etype, corr, _, _, annotator = line[2:].split("|||")
            a, b = (int(x) for x in span.split())
            if etype == "noop" or a < 0:
                continue
            edits.append((a, b, etype, corr, int(annotator)))
        blocks.append((tokens, edits))
    return blocks


def _norm_char(ch: str) -> str:
    if ch in "´’‘`′":
        return "'"
    if ch in "“”″«»˝„‟":
        return '"'
    if ch in "–—‐‑−―":
        return "-"
    n = unicodedata.normalize("NFKC", ch)
    return n if len(n) == 1 else ch


def _norm(text: str) -> str:
    return "".join(_norm_char(c) for c in text)


def _skippable(gap: str) -> bool:
    return all(c.isspace() or (not c.isascii() and not c.isalnum()) for c in gap)


def _align_sentence(text: str, cursor: int, tokens: list[str]) -> list[tuple[int, int]] | None:
    spans = []
    for tok in tokens:
        j = text.find(_norm(tok), cursor)
        if j < 0 or not _skippable(text[cursor:j]):
            return None
        spans.append((j, j + len(tok)))
        cursor = j + len(tok)
    return spans


def wi_categories(texts: list[str], blocks) -> list[list[tuple[int, int, str]] | None]:
    """Char spans and categories of each text's M2 edits, by aligning the
    tokenised M2 sentences to the texts in order; None for texts that did not align."""
    out: list[list[tuple[int, int, str]] | None] = [[] for _ in texts]
    ti, cursor, si = 0, 0, 0
    norm = _norm(texts[0]) if texts else ""
    while si < len(blocks) and ti < len(texts):
        tokens, edits = blocks[si]
        spans = _align_sentence(norm, cursor, tokens)
        if spans is None:
            out[ti] = None
            # Resynchronise: skip sentences until one starts the next text.
            nxt = _norm(texts[ti + 1]) if ti + 1 < len(texts) else None
            if nxt is not None and _align_sentence(nxt, 0, tokens) is not None and \
                    _skippable(nxt[:nxt.find(_norm(tokens[0]))]):
                ti, cursor, norm = ti + 1, 0, nxt
            else:
                si += 1
            continue
        for a, b, etype, corr, _ in edits:
            if a < b:
                start, end = spans[a][0], spans[b - 1][1]
            else:
                start = end = spans[a][0] if a < len(spans) else spans[-1][1]
            if out[ti] is not None:
                out[ti].append((start, end, refine(errant_category(etype), texts[ti][start:end], corr)))
        cursor, si = spans[-1][1], si + 1
        if not norm[cursor:].strip():
            ti, cursor = ti + 1, 0
            norm = _norm(texts[ti]) if ti < len(texts) else ""
    return out


def _category_for(start: int, end: int, m2: list[tuple[int, int, str]] | None) -> str:
    if not m2:
        return "other"
    exact = [c for s, e, c in m2 if s == start and e == end]
    if exact:
        return exact[0]
    # Json and M2 put an insertion on either side of a space: allow 1 char of slack.
    near = [c for s, e, c in m2 if s - 1 <= end and start <= e + 1]
    return near[0] if near else "other"


def load_wi(shared: Path, limit: int) -> list[Sample]:
    samples = []
    for level in "ABC":
        rows = [json.loads(line) for line in
                (shared / f"data/wi-locness/json/{level}.train.json").open(encoding="utf-8")]
        blocks = read_m2(shared / f"data/wi-locness/m2/{level}.train.gold.bea19.m2")
        m2 = wi_categories([r["text"] for r in rows], blocks)
        lt = {}
        lt_path = shared / f"data/languagetool/{level}.train.jsonl"
        for line in lt_path.open(encoding="utf-8"):
            item = json.loads(line)
            lt[item["id"]] = [(m["offset"], m["length"], _LT_CATEGORIES.get(
                m["rule"]["category"]["id"], "spelling" if m["rule"].get("issueType") == "misspelling"
                else "style")) for m in item["matches"]]
        step = max(1, len(rows) // limit) if limit else 1
        for index in range(0, len(rows), step)[:limit or None]:
            row = rows[index]
            gold = []
            for start, end, corr in row["edits"][0][1]:
                cat = refine(_category_for(start, end, m2[index]), row["text"][start:end], corr or "")
                gold.append(Gold(start, end, cat))
            samples.append(Sample(f"wi-{level}", row["text"], gold, lt.get(row["id"])))
    return samples


def fce_category(code: str) -> str:
    """CLC error codes: S* spelling, *P punctuation, the rest grammar or word choice."""
    if code.startswith("S"):
        return "spelling"
    if len(code) == 2 and code[1] == "P":
        return "punctuation"
    return "grammar" if code else "other"


def load_fce_dev(shared: Path) -> list[Sample]:
    """FCE dev answers: learner scripts that no shipped model was trained on."""
    samples = []
    for line in (shared / "data/fce/json/fce.dev.json").open(encoding="utf-8"):
        row = json.loads(line)
        gold = [Gold(e[0], e[1], refine(fce_category(e[3] if len(e) > 3 else ""), row["text"][e[0]:e[1]],
                                        e[2] or "")) for e in (row["edits"][0][1] if row["edits"] else [])]
        samples.append(Sample("fce-dev", row["text"], gold))
    return samples


def detokenise(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    parts, spans, pos, quote_open = [], [], 0, False
    for i, tok in enumerate(tokens):
        space = i > 0 and tok not in _NO_SPACE_BEFORE and tokens[i - 1] not in _NO_SPACE_AFTER
        if tok == '"':
            space = i > 0 and not quote_open
            quote_open = not quote_open
        elif i > 0 and tokens[i - 1] == '"' and quote_open:
            space = False
        if space:
            parts.append(" ")
            pos += 1
        spans.append((pos, pos + len(tok)))
        parts.append(tok)
        pos += len(tok)
    return "".join(parts), spans


def load_conll(shared: Path, limit: int, per_chunk: int = 10) -> list[Sample]:
    blocks = read_m2(shared / "data/conll2014/official-2014.combined.m2")
    samples = []
    for first in range(0, len(blocks), per_chunk):
        if limit and len(samples) >= limit:
            break
        text, gold = "", []
        for tokens, edits in blocks[first:first + per_chunk]:
            sentence, spans = detokenise(tokens)
            base = len(text) + (1 if text else 0)
            text = f"{text} {sentence}" if text else sentence
            for a, b, etype, corr, _ in edits:
                if a < b:
                    s, e = spans[a][0], spans[b - 1][1]
                else:
                    s = e = spans[a][0] if a < len(spans) else spans[-1][1]
                cat = refine(nucle_category(etype), sentence[s:e], corr)
                gold.append(Gold(base + s, base + e, cat))
        samples.append(Sample("conll2014", text, gold))
    return samples


def score(samples: list[Sample], flags_of) -> tuple[Tally, Counter, Counter]:
    tally, rule_flagged, rule_correct = Tally(), Counter(), Counter()
    for sample in samples:
        flags = flags_of(sample)
        for g in sample.gold:
            tally.gold[g.category] += 1
            if any(overlaps(s, n, g) for s, n, _, _ in flags):
                tally.found[g.category] += 1
        for s, n, cat, rule in flags:
            ok = any(overlaps(s, n, g) for g in sample.gold)
            tally.flagged[cat] += 1
            tally.correct[cat] += ok
            rule_flagged[rule] += 1
            rule_correct[rule] += ok
    return tally, rule_flagged, rule_correct


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def summary(tally: Tally) -> dict:
    flagged, correct = sum(tally.flagged.values()), sum(tally.correct.values())
    gold, found = sum(tally.gold.values()), sum(tally.found.values())
    out = {"overall": {"flagged": flagged, "precision": _ratio(correct, flagged),
                       "gold_edits": gold, "recall": _ratio(found, gold)}}
    for cat in CATEGORIES:
        if tally.flagged[cat] or tally.gold[cat]:
            out[cat] = {"flagged": tally.flagged[cat], "precision": _ratio(tally.correct[cat], tally.flagged[cat]),
                        "gold_edits": tally.gold[cat], "recall": _ratio(tally.found[cat], tally.gold[cat])}
    return out


def print_table(title: str, table: dict) -> None:
    print(f"\n{title}")
    print(f"  {'category':<15}{'flagged':>8}{'precision':>10}{'gold':>8}{'recall':>8}")
    for cat, row in table.items():
        p = "-" if row["precision"] is None else f"{row['precision']:.3f}"
        r = "-" if row["recall"] is None else f"{row['recall']:.3f}"
        print(f"  {cat:<15}{row['flagged']:>8}{p:>10}{row['gold_edits']:>8}{r:>8}")


def lt_flags(sample: Sample) -> list[tuple[int, int, str, str]]:
    return [(s, n, c, c) for s, n, c in sample.lt or []]


def evaluate(name: str, samples: list[Sample], flags_of, show_rules: bool) -> dict:
    tally, rule_flagged, rule_correct = score(samples, flags_of)
    table = summary(tally)
    print_table(f"{name} ({len(samples)} texts)", table)
    if show_rules:
        for rule, n in rule_flagged.most_common():
            print(f"    {rule:<32}{n:>6}{rule_correct[rule] / n:>8.3f}")
    return {"texts": len(samples), "by_category": table,
            "by_rule": {r: {"flagged": n, "precision": _ratio(rule_correct[r], n)}
                        for r, n in rule_flagged.most_common()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--limit", type=int, default=150,
                        help="texts per W&I level and 10-sentence chunks of CoNLL-2014 (0 = all)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "grammar_precision.json")
    parser.add_argument("--rules", action="store_true", help="also print precision per rule")
    parser.add_argument("--harper", action="store_true",
                        help="only harper's column and the shown feedback with and without it "
                             "(harper_rules.run_shown)")
    args = parser.parse_args(argv)
    if not (args.shared / "data").is_dir():
        print(f"no data at {args.shared}/data; pass --shared", file=sys.stderr)
        return 2
    if args.harper:
        # The comparison lives with harper's rule choice, which imports this
        # module by its package name: let it find this copy, not load another.
        sys.modules.setdefault("bench.grammar_precision", sys.modules[__name__])
        from bench.harper_rules import run_shown
        return run_shown(args)
    wi, conll = load_wi(args.shared, args.limit), load_conll(args.shared, args.limit)
    builtin, shown, fce = BuiltinRunner(), ShownRunner(), load_fce_dev(args.shared)
    result = {"matching_rule": MATCHING_RULE, "limit": args.limit, "sets": {}}
    for name, samples, flags_of in (
            ("builtin on W&I train", wi, builtin),
            ("builtin on CoNLL-2014", conll, builtin),
            ("builtin on both", wi + conll, builtin),
            ("LanguageTool 4.0 (recorded) on W&I train", [s for s in wi if s.lt is not None], lt_flags),
            ("builtin on FCE dev", fce, builtin),
            ("shown (builtin + neural) on CoNLL-2014", conll, shown),
            ("shown (builtin + neural) on FCE dev", fce, shown)):
        result["sets"][name] = evaluate(name, samples, flags_of, args.rules and flags_of is not lt_flags)
    result["timing_ms_per_250_words"] = timing = builtin.timing()
    print(f"\nmatching: {MATCHING_RULE}")
    print(f"time per 250 words: parse {timing['parse']} ms, builtin check {timing['check']} ms")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
