"""Determiners and nouns: 'this books', 'these book', 'many informations',
'an advice', and a/an chosen by sound ('an hour', 'a university', 'an MBA')."""
from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from ...types import Issue
from .articles import wants_an
from .inflect import plural
from .resources import GrammarData, issue, match_case, Tokens

_SINGULAR_DETS = {"this": "these", "that": "those", "each": None, "every": None,
                  "another": None, "a": None, "an": None}
_PLURAL_DETS = {"these": "this", "those": "that", "many": None, "several": None,
                "both": None, "various": None, "numerous": None, "few": None}
_NUMBER_WORDS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                           "eleven", "twelve", "twenty", "thirty", "fifty", "hundred", "thousand"})
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


def _fix_number(det: Token, noun: Token) -> tuple[tuple[str, ...], str] | None:
    """Suggestions and message when ``det`` and ``noun`` disagree in number."""
    lower = det.lower_
    if lower in _SINGULAR_DETS and noun.tag_ == "NNS" and noun.lower_ != noun.lemma_.lower():
        alt, fixes = _SINGULAR_DETS[lower], [f"{det.text} {noun.lemma_}"]
        kind = "singular"
    elif (lower in _PLURAL_DETS or lower in _NUMBER_WORDS) and noun.tag_ == "NN" \
            and noun.lower_ == noun.lemma_.lower():
        alt, fixes = _PLURAL_DETS.get(lower), [f"{det.text} {plural(noun.text)}"]
        kind = "plural"
    else:
        return None
    if alt:
        fixes.append(f"{match_case(det.text, alt)} {noun.text}")
    message = f"'{det.text}' goes with a {kind} noun: '{fixes[0]}'" + (
        f" or '{fixes[1]}'." if alt else ".")
    return tuple(fixes), message


def determiner_number(doc: Tokens, data: GrammarData) -> Iterator[Issue]:
    for det in doc:
        lower = det.lower_
        if not ((det.dep_ in ("det", "amod", "predet") and (lower in _SINGULAR_DETS or lower in _PLURAL_DETS))
                or (det.dep_ == "nummod" and lower in _NUMBER_WORDS)):
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
        found = _fix_number(det, noun)
        if found is not None:
            yield issue(det.idx, noun.idx + len(noun.text) - det.idx, "grammar", "BUILTIN_DET_NOUN_NUMBER",
                        found[1], found[0])


def one_of_the(doc: Tokens, data: GrammarData) -> Iterator[Issue]:
    """'one of the best place' → 'one of the best places'."""
    for tok in doc:
        if tok.lower_ != "one" or tok.i + 3 >= len(doc) or doc[tok.i + 1].lower_ != "of":
            continue
        det = doc[tok.i + 2]
        if det.lower_ not in ("the", "my", "our", "your", "his", "her", "their", "its", "these", "those"):
            continue
        noun = next((t for t in doc[det.i + 1:det.i + 4] if t.tag_ not in ("JJ", "JJS", "RBS", "RB")), None)
        if noun is None or noun.tag_ != "NN" or noun.head.i != tok.i + 1 and noun.head.i != noun.i:
            continue
        nxt = doc[noun.i + 1] if noun.i + 1 < len(doc) else None
        if nxt is not None and nxt.tag_ in (*_NOUN_TAGS, "HYPH", "POS"):
            continue
        if not _countable_noun(noun, data) or noun.lower_ != noun.lemma_.lower():
            continue
        fix = plural(noun.text)
        yield issue(noun.idx, len(noun.text), "grammar", "BUILTIN_ONE_OF_PLURAL",
                    f"After 'one of the', use a plural noun: '{fix}'.", (fix,))


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


_INTENSIFIERS = frozenset({"very", "really", "quite", "extremely", "pretty", "truly"})
_NO_ARTICLE_NEEDED = frozenset({"det", "poss", "nummod", "predet", "quantmod"})


def missing_article(doc: Tokens, data: GrammarData) -> Iterator[Issue]:
    """'I am student' → 'I am a student' (people and jobs after be/become)."""
    for noun in doc:
        if noun.dep_ != "attr" or noun.tag_ != "NN" or noun.lower_ not in data.person_nouns:
            continue
        verb = noun.head
        if verb.lemma_ not in ("be", "become") or noun.i < verb.i:
            continue
        if any(c.dep_ in _NO_ARTICLE_NEEDED or c.dep_ in ("conj", "cc") for c in noun.children):
            continue
        start = noun.left_edge
        if start.i <= verb.i or any(t.dep_ in _NO_ARTICLE_NEEDED for t in doc[start.i:noun.i]):
            continue
        if not all(t.is_lower and t.is_alpha for t in doc[start.i:noun.i + 1]):
            continue  # 'He is President Smith': names and titles
        if not all(t.tag_ in ("JJ", "NN") or t.lower_ in _INTENSIFIERS for t in doc[start.i:noun.i]):
            continue  # 'just one more guitar player': more than adjectives in front
        nxt = doc[noun.i + 1] if noun.i + 1 < len(doc) else None
        if nxt is not None and nxt.lower_ in ("of", "for", "and", "or"):
            continue  # 'head of sales', 'captain for a day' often go without an article
        article = "an" if wants_an(start.text, data) else "a"
        phrase = " ".join(t.text for t in doc[start.i:noun.i + 1])
        yield issue(start.idx, noun.idx + len(noun.text) - start.idx, "grammar", "BUILTIN_MISSING_ARTICLE",
                    f"Use an article before a singular noun: '{article} {phrase}'.", (f"{article} {phrase}",))
