"""Rule data of the built-in engine, read once from ``assessor/data/grammar``.

Every file is read on first use and kept for the life of the process, so
``check()`` never touches the disk.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from collections.abc import Sequence
from typing import Any

from spacy.tokens import Token

from ....errors import DataError
from ...resources import shared
from ...types import CATEGORIES, Issue

ENGINE_NAME = "builtin"
#: The parse as a list: iterating a Doc builds new Token objects on every pass.
Tokens = Sequence[Token]


def _read_text(name: str) -> str:
    try:
        return (resources.files("assessor") / "data" / "grammar" / name).read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError) as exc:
        raise DataError(f"grammar data file {name!r} cannot be read") from exc


def _read_json(name: str) -> dict[str, Any]:
    try:
        return json.loads(_read_text(name))
    except json.JSONDecodeError as exc:
        raise DataError(f"grammar data file {name!r} is not valid JSON") from exc


@dataclass(frozen=True)
class IrregularVerbs:
    #: every past-tense form → its base form
    past_to_base: dict[str, str]
    #: base form → past participles (first one is suggested)
    participles: dict[str, tuple[str, ...]]


def _load_irregular() -> IrregularVerbs:
    past_to_base: dict[str, str] = {}
    participles: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(_read_text("irregular_verbs.tsv").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise DataError(f"irregular_verbs.tsv line {number}: expected 3 tab-separated columns")
        base, past, participle = parts
        for form in past.split("|"):
            past_to_base.setdefault(form, base)
        participles[base] = tuple(participle.split("|"))
    return IrregularVerbs(past_to_base, participles)


@dataclass(frozen=True)
class Confusion:
    rule_id: str
    words: tuple[str, ...]
    suggest: str
    message: str
    category: str
    conditions: dict[str, frozenset[str]]


_CONDITION_KEYS = ("prev", "next", "not_prev", "not_next", "prev_tag", "next_tag", "next2_tag", "tag")


def _load_confusions() -> tuple[Confusion, ...]:
    rules = []
    for raw in _read_json("confusions.json")["rules"]:
        try:
            category = raw.get("category", "grammar")
            if category not in CATEGORIES:
                raise DataError(f"confusions.json: unknown category {category!r}")
            conditions = {k: frozenset(raw[k]) for k in _CONDITION_KEYS if k in raw}
            unknown = set(raw) - set(_CONDITION_KEYS) - {"id", "words", "suggest", "message", "category"}
            if unknown:
                raise DataError(f"confusions.json: unknown keys {sorted(unknown)} in {raw.get('id')}")
            rules.append(Confusion(raw["id"], tuple(raw["words"].split()), raw["suggest"],
                                   raw["message"], category, conditions))
        except KeyError as exc:
            raise DataError(f"confusions.json: rule {raw.get('id')!r} lacks {exc}") from exc
    return tuple(rules)


@dataclass(frozen=True)
class GrammarData:
    irregular: IrregularVerbs
    confusions: tuple[Confusion, ...]
    articles: dict[str, Any]
    uncountable: frozenset[str]
    singular_s: frozenset[str]
    not_a_number: frozenset[str]
    person_nouns: frozenset[str]
    always_capital: dict[str, str]
    abbreviations: frozenset[str]
    allowed_repeats: frozenset[str]
    contractions: dict[str, str]
    openers: tuple[str, ...]
    not_after_opener: frozenset[str]


def _load() -> GrammarData:
    nouns = _read_json("nouns.json")
    caps = _read_json("capitalisation.json")
    intro = _read_json("introductory.json")
    capital: dict[str, str] = {}
    for key in ("days", "months", "languages"):
        for word in caps[key]:
            capital[word] = word.capitalize()
    return GrammarData(
        irregular=_load_irregular(),
        confusions=_load_confusions(),
        articles=_read_json("articles.json"),
        uncountable=frozenset(nouns["uncountable"]),
        singular_s=frozenset(nouns["singular_s"]),
        not_a_number=frozenset(nouns["not_a_number"]),
        person_nouns=frozenset(nouns["person_nouns"]),
        always_capital=capital,
        abbreviations=frozenset(caps["abbreviations"]),
        allowed_repeats=frozenset(_read_json("repeats.json")["allowed"]),
        contractions=dict(_read_json("contractions.json")["missing_apostrophe"]),
        openers=tuple(intro["openers"]),
        not_after_opener=frozenset(intro["not_before"]),
    )


def grammar_data() -> GrammarData:
    return shared.get("grammar_data", _load)


def issue(offset: int, length: int, category: str, rule_id: str, message: str,
          suggestions: tuple[str, ...] | list[str] = ()) -> Issue:
    return Issue(offset, length, category, rule_id, message, tuple(suggestions), ENGINE_NAME)


def match_case(template: str, word: str) -> str:
    """Give ``word`` the capitalisation of ``template`` (Their → There)."""
    if template[:1].isupper() and not word[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
