"""Determiners and nouns: 'this books', 'these book', 'many informations',
'an advice', and a/an chosen by sound ('an hour', 'a university', 'an MBA')."""
from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from ...types import Issue
from .inflect import plural
from .resources import GrammarData, issue, match_case, Tokens

_SINGULAR_DETS = {"this": "these", "that": "those", "each": None, "every": None,
                  "another": None, "a": None, "an": None}
_PLURAL_DETS = {"these": "this", "those": "that", "many": "much", "several": None,
                "both": None, "various": None, "numerous": None}
_NOUN_TAGS = frozenset({"NN", "NNS"})
_VERB_CONTEXT = frozenset({"IN", "PRP", "PRP$", "RB", "TO", "RP"})


def _det_and_noun_clean(det: Token, noun: Token, data: GrammarData) -> bool:
    """The determiner directly qualifies ``noun``, with only adjectives between."""
    if noun.i <= det.i or noun.i - det.i > 3 or noun.dep_ == "compound":
        return False
    nxt = noun.doc[noun.i + 1] if noun.i + 1 < len(noun.doc) else None
    if nxt is not None and (nxt.tag_ in _NOUN_TAGS or nxt.tag_ == "HYPH" or nxt.lower_ == "of"):
        return False
    for tok in det.doc[det.i + 1:noun.i]:
        if tok.tag_ not in ("JJ", "RB") or tok.lower_ in data.not_a_number:
            return False
    return True


def _countable_noun(noun: Token, data: GrammarData) -> bool:
    lower = noun.lower_
    return (noun.is_alpha and noun.is_lower and lower not in data.singular_s
            and lower not in data.not_a_number and noun.lemma_.lower() not in data.uncountable)


def determiner_number(doc: Tokens, data: GrammarData) -> Iterator[Issue]:
    for det in doc:
        lower = det.lower_
        if det.dep_ not in ("det", "amod", "predet") or (lower not in _SINGULAR_DETS and lower not in _PLURAL_DETS):
            continue
        noun = det.head
        if noun.tag_ not in _NOUN_TAGS or not _det_and_noun_clean(det, noun, data):
            continue
        if any(c.dep_ in ("conj", "cc") for c in noun.children) or noun.lower_ == "others":
            continue  # 'both man and nature'; 'each others' is a different slip
        if not _countable_noun(noun, data):
            continue
        after = doc[noun.i + 1] if noun.i + 1 < len(doc) else None
        if lower in ("this", "that") and (det.is_sent_start or after is not None and after.tag_ in _VERB_CONTEXT):
            continue  # 'This results in …': the noun is really a verb
        if lower in _SINGULAR_DETS and noun.tag_ == "NNS" and noun.lower_ != noun.lemma_.lower():
            alt = _SINGULAR_DETS[lower]
            fixes = [f"{det.text} {noun.lemma_}"] + ([f"{match_case(det.text, alt)} {noun.text}"] if alt else [])
            message = f"'{det.text}' goes with a singular noun: '{fixes[0]}'" + (
                f" or '{fixes[1]}'." if alt else ".")
        elif lower in _PLURAL_DETS and noun.tag_ == "NN" and lower != "many" and noun.lower_ == noun.lemma_.lower():
            alt = _PLURAL_DETS[lower]
            fixes = [f"{det.text} {plural(noun.text)}"] + ([f"{match_case(det.text, alt)} {noun.text}"] if alt else [])
            message = f"'{det.text}' goes with a plural noun: '{fixes[0]}'" + (
                f" or '{fixes[1]}'." if alt else ".")
        else:
            continue
        start = det.idx
        yield issue(start, noun.idx + len(noun.text) - start, "grammar", "BUILTIN_DET_NOUN_NUMBER",
                    message, tuple(fixes))


def uncountable_nouns(doc: Tokens, data: GrammarData) -> Iterator[Issue]:
    """'informations', 'an advice', 'many equipment'."""
    for noun in doc:
        lemma = noun.lemma_.lower()
        if noun.tag_ not in _NOUN_TAGS or not noun.is_lower:
            continue
        lower = noun.lower_
        if lower.endswith("s") and lower[:-1] in data.uncountable:
            yield issue(noun.idx, len(noun.text), "grammar", "BUILTIN_UNCOUNTABLE_PLURAL",
                        f"'{lower[:-1]}' has no plural form: write '{lower[:-1]}'.", (lower[:-1],))
            continue
        if lemma not in data.uncountable or lower != lemma or noun.dep_ == "compound":
            continue
        for det in noun.children:
            if det.i < noun.i and det.lower_ in ("a", "an", "many", "several") and \
                    _det_and_noun_clean(det, noun, data):
                fix = "much" if det.lower_ == "many" else "some" if det.lower_ != "several" else "some"
                yield issue(det.idx, len(det.text), "grammar", "BUILTIN_UNCOUNTABLE_DET",
                            f"'{noun.text}' is uncountable: do not use '{det.text}' with it "
                            f"(say '{fix} {noun.text}' or 'a piece of {noun.text}').",
                            (match_case(det.text, fix),))
