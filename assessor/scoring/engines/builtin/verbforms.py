"""The verb form an auxiliary asks for: 'can go' not 'can goes', 'didn't go'
not 'didn't went', 'has gone' not 'has went', 'to go' not 'to went'."""
from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from ...types import Issue
from .inflect import regular_past
from .resources import GrammarData, issue, match_case, Tokens

_MODALS = frozenset({"can", "could", "will", "would", "shall", "should", "may", "might",
                     "must", "'ll", "ca", "wo", "sha"})
# Past forms that are also base forms of other verbs (to found a company).
_ALSO_BASE = frozenset({"found", "saw", "fell", "ground", "wound", "bore", "lay", "felt", "left", "lead"})
_SHORT_ADVERBS = frozenset({"not", "n't", "never", "already", "just", "also", "always", "ever", "still"})
_BETWEEN_OK = frozenset({"RB", "PRP", "NNP", "DT", "NN", "NNS"})
_BASE_AFTER_MODAL = "After '{aux}', use the base form of the verb: '{fix}'."
_BASE_AFTER_DO = "After '{aux}', use the base form of the verb: '{fix}'."
_BASE_AFTER_TO = "After 'to', use the base form of the verb: '{fix}'."
_PARTICIPLE = "After '{aux}', use the past participle: '{fix}'."


def _other_aux_between(aux: Token, verb: Token) -> bool:
    """True when an auxiliary or another verb stands between ``aux`` and ``verb``
    ('will have gone', 'can be done'), or something the parse may have misread."""
    for tok in aux.doc[aux.i + 1:verb.i]:
        if tok.tag_ not in _BETWEEN_OK or tok.lower_ in ("have", "be", "been", "better"):
            return True
    return False


def _base_form(verb: Token, data: GrammarData) -> str | None:
    """The base form when ``verb`` is not one; the tagger often calls 'went'
    after 'to' or 'can' a base form, so irregular past forms are looked up."""
    lower = verb.lower_
    base = data.irregular.past_to_base.get(lower)
    if base is not None and lower not in data.irregular.participles and lower not in _ALSO_BASE:
        return base
    if verb.tag_ not in ("VBZ", "VBD", "VBN"):
        return None
    lemma = verb.lemma_.lower()
    if not lemma.isalpha() or lemma == lower:
        return None
    return lemma


def _participle(verb: Token, data: GrammarData) -> str | None:
    """The past participle when ``verb`` is a simple past that differs from it
    (went → gone) or a bare base form (eat → eaten, finish → finished)."""
    lower = verb.lower_
    base = data.irregular.past_to_base.get(lower)
    if base is not None:
        parts = data.irregular.participles[base]
        return None if lower in parts else parts[0]
    if verb.tag_ in ("VB", "VBP") and verb.lemma_.lower() == lower and lower.isalpha():
        if lower in data.irregular.participles:
            parts = data.irregular.participles[lower]
            return None if lower in parts else parts[0]
        return regular_past(lower)
    return None


def _adjacent(aux: Token, verb: Token) -> bool:
    """Only negation or a short adverb between: 'have you fridge' and 'have
    directly effect' are nouns the tagger read as verbs."""
    return all(t.lower_ in _SHORT_ADVERBS for t in aux.doc[aux.i + 1:verb.i])


def _check_pair(aux: Token, verb: Token, data: GrammarData) -> Issue | None:
    aux_lower = aux.lower_
    if aux.tag_ == "MD" and aux_lower in _MODALS:
        if (fix := _base_form(verb, data)):
            name = {"ca": "can", "wo": "will", "sha": "shall"}.get(aux_lower, aux.text)
            fixes = (match_case(verb.text, fix),)
            if verb.tag_ == "VBN":  # 'should separated': most likely a passive
                fixes = (f"be {verb.text}",) + fixes
            return issue(verb.idx, len(verb.text), "grammar", "BUILTIN_MODAL_VERB_FORM",
                         _BASE_AFTER_MODAL.format(aux=name, fix=fix), fixes)
    elif aux.lemma_ == "do" and aux.tag_ in ("VBD", "VBZ", "VBP"):
        if (fix := _base_form(verb, data)):
            return issue(verb.idx, len(verb.text), "grammar", "BUILTIN_DO_VERB_FORM",
                         _BASE_AFTER_DO.format(aux=aux.text, fix=fix), (match_case(verb.text, fix),))
    elif aux.tag_ == "TO":
        if verb.tag_ != "VBN" and (fix := _base_form(verb, data)):
            return issue(verb.idx, len(verb.text), "grammar", "BUILTIN_TO_VERB_FORM",
                         _BASE_AFTER_TO.format(fix=fix), (match_case(verb.text, fix),))
    elif aux.lemma_ == "have" and aux.lower_ not in ("having",):
        fix = _participle(verb, data)
        if fix and (verb.lower_ in data.irregular.past_to_base or _adjacent(aux, verb)):
            return issue(verb.idx, len(verb.text), "grammar", "BUILTIN_PERFECT_VERB_FORM",
                         _PARTICIPLE.format(aux=aux.text, fix=fix), (match_case(verb.text, fix),))
    return None


def verb_forms(doc: Tokens, data: GrammarData) -> Iterator[Issue]:
    for aux in doc:
        if aux.dep_ != "aux":
            continue
        verb = aux.head
        if verb.i <= aux.i or verb.i - aux.i > 3 or not verb.tag_.startswith("VB"):
            continue
        if _other_aux_between(aux, verb):
            continue
        if aux.i > 0 and aux.doc[aux.i - 1].tag_ in ("DT", "JJ", "PRP$"):
            continue  # 'the young can toads': a noun the tagger took for a modal
        found = _check_pair(aux, verb, data)
        if found is not None:
            yield found
