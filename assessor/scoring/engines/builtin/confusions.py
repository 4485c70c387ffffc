"""Commonly confused words (their/there, its/it's, then/than …), driven by
``assessor/data/grammar/confusions.json``."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator


from ...types import Issue
from .resources import Confusion, GrammarData, issue, match_case, Tokens

_index_cache: dict[int, dict[str, list[Confusion]]] = {}


def _norm(text: str) -> str:
    return text.lower().replace("\u2019", "'")


def _by_first_word(data: GrammarData) -> dict[str, list[Confusion]]:
    key = id(data.confusions)
    index = _index_cache.get(key)
    if index is None:
        grouped: dict[str, list[Confusion]] = defaultdict(list)
        for rule in data.confusions:
            grouped[rule.words[0]].append(rule)
        index = _index_cache[key] = dict(grouped)
    return index


def _holds(rule: Confusion, doc: Tokens, start: int, end: int) -> bool:
    cond = rule.conditions
    prev = doc[start - 1] if start > 0 else None
    nxt = doc[end] if end < len(doc) else None
    nxt2 = doc[end + 1] if end + 1 < len(doc) else None
    checks = (
        ("prev", prev, lambda t, s: t is not None and _norm(t.text) in s),
        ("not_prev", prev, lambda t, s: t is None or _norm(t.text) not in s),
        ("prev_tag", prev, lambda t, s: t is not None and t.tag_ in s),
        ("next", nxt, lambda t, s: t is not None and _norm(t.text) in s),
        ("not_next", nxt, lambda t, s: t is None or _norm(t.text) not in s),
        ("next_tag", nxt, lambda t, s: t is not None and t.tag_ in s),
        ("next2_tag", nxt2, lambda t, s: t is not None and t.tag_ in s),
        ("tag", doc[start], lambda t, s: t.tag_ in s),
    )
    return all(test(tok, cond[name]) for name, tok, test in checks if name in cond)


def confusions(doc: Tokens, data: GrammarData) -> Iterator[Issue]:
    index = _by_first_word(data)
    for tok in doc:
        rules = index.get(_norm(tok.text))
        if not rules:
            continue
        for rule in rules:
            end = tok.i + len(rule.words)
            if end > len(doc) or any(_norm(doc[tok.i + k].text) != w for k, w in enumerate(rule.words)):
                continue
            if any(w[0] == "'" and doc[tok.i + k - 1].whitespace_ for k, w in enumerate(rule.words) if k):
                continue  # "it 's" must be written as one word to be the contraction
            if not _holds(rule, doc, tok.i, end):
                continue
            suggestion = rule.suggest
            if "{next}" in suggestion:
                if end >= len(doc):
                    continue
                # 'more better' → 'better': the span takes in the word kept
                suggestion = suggestion.replace("{next}", doc[end].text)
                end += 1
            span_end = doc[end - 1].idx + len(doc[end - 1].text)
            yield issue(tok.idx, span_end - tok.idx, rule.category, rule.rule_id, rule.message,
                        (match_case(tok.text, suggestion),))
            break
