"""Subject-verb agreement and 'there is/are' on the dependency parse.

Only subjects whose number is certain are checked: personal pronouns, common
nouns tagged singular or plural, and 'who/that' right after such a noun.
Compound subjects (John and Mary), 'which', collective and quantity nouns are
skipped, because the parse or the grammar leaves their number open.
"""
from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from ...types import Issue
from .inflect import third_singular
from .resources import GrammarData, issue, match_case, Tokens

_SINGULAR_PRONOUNS = frozenset({
    "he", "she", "it", "everyone", "everybody", "someone", "somebody", "nobody",
    "anyone", "anybody", "everything", "something", "nothing", "anything"})
_PLURAL_PRONOUNS = frozenset({"we", "they", "these", "those"})
_FINITE = frozenset({"VBZ", "VBP"})
# "which" is left out: learners often point it at a whole clause ("…, which makes it hard").
_RELATIVES = frozenset({"who", "that"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_SUBJUNCTIVE_CUES = frozenset({"if", "wish", "though", "suppose", "imagine", "whether"})
_NEGATIONS = frozenset({"n't", "not", "never", "\u00b4t", "nt"})
_CAUSATIVES = frozenset({"let", "make", "help", "see", "watch", "hear", "have", "feel", "notice", "suggest",
                         "recommend", "insist", "demand", "require", "request", "propose"})
_PLURAL_BE = {"is": "are", "was": "were", "'s": "'re", "has": "have", "does": "do"}
_SINGULAR_BE = {"are": "is", "were": "was", "'re": "'s", "have": "has", "do": "does", "am": "is"}
_MESSAGE_SG = "The subject '{subj}' is singular, so the verb should be '{fix}'."
_MESSAGE_PL = "The subject '{subj}' is plural, so the verb should be '{fix}'."
_MESSAGE_I = "With 'I', use '{fix}'."


def _subject_number(subj: Token, data: GrammarData) -> str | None:
    """'sg', 'pl', 'I', 'you' or None when unsure."""
    lower = subj.lower_
    if any(c.dep_ in ("conj", "cc") for c in subj.children):
        return None
    # 'that' is left out: as a subject it is mostly a relative pronoun.
    if subj.tag_ == "PRP" or (subj.tag_ == "DT" and lower in ("this", "these", "those")):
        if lower == "i":
            return "I"
        if lower == "you":
            return "you"
        if lower in _SINGULAR_PRONOUNS or lower == "this":
            return "sg"
        if lower in _PLURAL_PRONOUNS:
            return "pl"
        return None
    if subj.tag_ in ("NN", "NNS") and subj.lemma_.lower() not in data.not_a_number \
            and lower not in data.not_a_number and lower not in data.singular_s:
        if any(c.dep_ == "det" and c.lower_ in ("all", "some", "any", "no", "most") for c in subj.children):
            return None
        return "sg" if subj.tag_ == "NN" else "pl"
    return None


def _finite_verb(verb: Token) -> Token | None:
    """The token carrying tense and person for ``verb``'s clause."""
    for child in verb.children:
        if child.dep_ in ("aux", "auxpass") and child.i < verb.i:
            if child.tag_ in _FINITE or child.lower_ in ("was", "were"):
                return child
            return None  # a modal or 'to' governs the form instead
    if verb.tag_ in _FINITE or verb.lower_ in ("was", "were"):
        return verb
    return None


def _fix_for(finite: Token, number: str) -> str | None:
    lower = finite.lower_
    if number == "sg":
        if lower in _SINGULAR_BE:
            return _SINGULAR_BE[lower]
        if finite.tag_ == "VBP" and finite.lemma_.lower() == lower and lower.isalpha():
            return third_singular(lower)
        return None
    if number in ("pl", "you"):
        if lower in _PLURAL_BE:
            return _PLURAL_BE[lower]
        if finite.tag_ == "VBZ" and finite.lemma_.isalpha():
            return finite.lemma_.lower()
        return None
    # 'I'
    if lower in ("is", "are", "'re"):
        return "am" if lower != "'re" else "'m"
    if lower in ("has", "does"):
        return _PLURAL_BE[lower]
    if finite.tag_ == "VBZ" and lower not in ("was", "'s") and finite.lemma_.isalpha():
        return finite.lemma_.lower()
    return None


def _agrees(finite: Token, number: str) -> bool:
    lower, tag = finite.lower_, finite.tag_
    if lower == "was":
        return number in ("sg", "I")
    if lower == "were":
        return number in ("pl", "you")
    if lower in ("am", "'m"):
        return number == "I"
    if number == "sg":
        return tag != "VBP"
    return tag != "VBZ"


def _doubtful(subj: Token, finite: Token) -> bool:
    """Contexts where the parse often picks the wrong subject or verb."""
    doc = subj.doc
    between = doc[subj.i + 1:finite.i]
    if any(t.tag_ in ("MD", "TO") or t.lower_ in _NEGATIONS or "\n" in t.whitespace_ for t in between) \
            or "\n" in subj.whitespace_:
        return True
    if len(subj.text) > 1 and not (subj.text.islower() or subj.text[1:].islower()):
        return True  # 'soI': a typo the tagger cannot read
    before = doc[subj.left_edge.i - 1] if subj.left_edge.i > 0 else None
    if before is not None and ((before.tag_ == "IN" and before.dep_ != "mark")
                               or before.lower_ in (",", "and", "or", "/")):
        return True  # 'a star like you is', 'computers, phones, the Internet have'
    if finite.text[:1].isupper() and not finite.is_sent_start:
        return True  # a name the tagger took for a verb
    clause = finite.head if finite.dep_ in ("aux", "auxpass") else finite
    if finite.tag_ == "VBP" and clause.dep_ not in ("ROOT", "conj", "advcl", "relcl", "ccomp"):
        return True
    return clause.dep_ in ("ccomp", "xcomp") and clause.head.lemma_ in _CAUSATIVES


def _sentence_has(token: Token, words: frozenset[str]) -> bool:
    return any(t.lower_ in words for t in token.sent)


def _antecedent(subj: Token) -> Token | None:
    """The noun a relative 'who/that/which' stands for ('people who live here'),
    unless the clause may agree with something else ('one of the people who …')."""
    clause = subj.head
    if clause.dep_ != "relcl" or subj.tag_ not in ("WP", "WDT"):
        return None
    noun = clause.head
    if noun.i != subj.i - 1 or noun.dep_ == "pobj":
        return None  # 'friends on the plane who were': which noun 'who' means is open
    if any(c.dep_ in _SUBJECT_DEPS and c.i != subj.i for c in clause.children):
        return None  # 'a girl that sometimes I realize': the clause has its own subject
    return noun


def subject_verb(doc: Tokens, data: GrammarData) -> Iterator[Issue]:
    for subj in doc:
        if subj.dep_ not in _SUBJECT_DEPS:
            continue
        finite = _finite_verb(subj.head)
        if finite is None or finite.i <= subj.i or finite.i - subj.i > 4:
            continue
        who = subj
        if subj.lower_ in _RELATIVES:
            who = _antecedent(subj)
            if who is None:
                continue
        number = _subject_number(who, data)
        if number is None or _agrees(finite, number) or _doubtful(subj, finite):
            continue
        if finite.lower_ == "were" and (_sentence_has(finite, _SUBJUNCTIVE_CUES)
                                        or subj.i > 0 and doc[subj.i - 1].lower_ == "as"):
            continue  # 'if it were', 'as it were'
        if any(c.dep_ == "expl" for c in finite.children):
            continue  # 'there is/are' has a rule of its own
        fix = _fix_for(finite, number)
        if fix is None:
            continue
        template = _MESSAGE_I if number == "I" else _MESSAGE_SG if number == "sg" else _MESSAGE_PL
        yield issue(finite.idx, len(finite.text), "grammar", "BUILTIN_SVA",
                    template.format(subj=who.text, fix=fix), (match_case(finite.text, fix),))


def there_is_are(doc: Tokens, data: GrammarData) -> Iterator[Issue]:
    """'There is many shops' / 'There are a problem'."""
    for verb in doc:
        if verb.lemma_ != "be" or verb.lower_ not in ("is", "are", "was", "were", "'s", "'re"):
            continue
        if not any(c.dep_ == "expl" and c.lower_ == "there" and c.i == verb.i - 1 for c in verb.children):
            continue
        attrs = [c for c in verb.children if c.dep_ == "attr" and c.i > verb.i]
        if len(attrs) != 1:
            continue
        noun = attrs[0]
        if noun.tag_ not in ("NN", "NNS") or any(c.dep_ in ("conj", "cc") for c in noun.children):
            continue
        if noun.i + 1 < len(doc) and doc[noun.i + 1].lower_ == "of":
            continue  # 'there are a lot of / a variety of …' 
        if noun.lower_ in data.not_a_number or noun.lemma_.lower() in data.not_a_number \
                or noun.lower_ in data.singular_s or noun.lower_ in data.uncountable:
            continue
        dets = {c.lower_ for c in noun.children if c.dep_ in ("det", "amod", "nummod")}
        singular_verb = verb.lower_ in ("is", "was", "'s")
        if singular_verb and noun.tag_ == "NNS" and not dets & {"a", "an", "one", "every", "each"}:
            fix = {"is": "are", "was": "were", "'s": " are"}[verb.lower_]
            what = "plural"
        elif not singular_verb and noun.tag_ == "NN" and dets & {"a", "an", "one", "another"}:
            fix = {"are": "is", "were": "was", "'re": "'s"}[verb.lower_]
            what = "singular"
        else:
            continue
        yield issue(verb.idx, len(verb.text), "grammar", "BUILTIN_THERE_IS_ARE",
                    f"'{noun.text}' is {what}, so write 'there {fix.strip()}'.",
                    (fix if fix.startswith(" ") else match_case(verb.text, fix),))
