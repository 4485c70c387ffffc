"""Role profiles: the entry bar of a role, as data.

Built-in profiles live in ``assessor/data/profiles/*.json``; an organisation's
own profiles (custom thresholds per client account) are built with
:meth:`RoleProfile.from_dict`.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import DataError, InputError, NotFound
from .resources import shared
from .types import CEFR_LEVELS, cefr_to_level


@dataclass(frozen=True)
class RoleProfile:
    name: str
    label: str
    min_overall: str
    min_grammar: str
    min_vocabulary: str
    #: How far below a bar (in CEFR levels, 1.0 = one whole level) still counts
    #: as trainable rather than "not yet".
    trainable_margin: float = 0.5
    #: How far above a bar (in levels) a level must be to pass outright: a
    #: guard band against the model's error, because a false pass costs the
    #: client more than a second look. Levels inside it are "trainable" and go
    #: to human review. ``bench/validity.py`` reports what each width trades
    #: (at 0.25 on W&I: false passes 18.5% → 12.4%, agreement unchanged).
    pass_margin: float = 0.25
    #: Most grammar errors (grammar category) per 100 words; ``None`` = no limit.
    max_grammar_errors_per_100: float | None = None
    #: Most spelling errors per 100 words; ``None`` = no limit.
    max_spelling_errors_per_100: float | None = None
    #: Results whose level is closer than this to a bar (in levels) or whose
    #: confidence is lower than ``min_confidence`` are marked for human review.
    review_band: float = 0.25
    min_confidence: float = 0.5
    description: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RoleProfile":
        try:
            profile = cls(**{k: data[k] for k in data if k in cls.__dataclass_fields__})
        except TypeError as exc:
            raise InputError(f"role profile is incomplete: {exc}") from exc
        profile.validate()
        return profile

    def validate(self) -> None:
        for field in ("min_overall", "min_grammar", "min_vocabulary"):
            value = getattr(self, field)
            if not isinstance(value, str) or value.upper() not in CEFR_LEVELS:
                raise InputError(f"{field} must be one of {', '.join(CEFR_LEVELS)}, not {value!r}")
        if not 0 <= float(self.trainable_margin) <= 2:
            raise InputError("trainable_margin must be between 0 and 2 levels")
        if not 0 <= float(self.pass_margin) <= 1:
            raise InputError("pass_margin must be between 0 and 1 level")
        for field in ("max_grammar_errors_per_100", "max_spelling_errors_per_100"):
            value = getattr(self, field)
            if value is not None and not 0 <= float(value) <= 100:
                raise InputError(f"{field} must be between 0 and 100")
        if not self.name or not isinstance(self.name, str):
            raise InputError("a role profile needs a name")

    def bar(self, trait: str) -> float:
        """The lowest continuous level that passes ``trait`` (overall, grammar, vocabulary).

        A level is continuous with B2 = 4.0 at the centre of the band, so the
        band starts at 3.5.
        """
        return cefr_to_level(getattr(self, f"min_{trait}")) - 0.5

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _load_builtin() -> dict[str, RoleProfile]:
    profiles: dict[str, RoleProfile] = {}
    folder = resources.files("assessor") / "data" / "profiles"
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            profiles.update(_parse_file(entry.name, entry.read_text(encoding="utf-8")))
    return profiles


def _parse_file(name: str, raw: str) -> dict[str, RoleProfile]:
    try:
        data = json.loads(raw)
        items = data if isinstance(data, list) else [data]
        return {p.name: p for p in (RoleProfile.from_dict(item) for item in items)}
    except (ValueError, InputError) as exc:
        raise DataError(f"role profile file {name} is malformed: {exc}") from exc


def builtin_profiles() -> dict[str, RoleProfile]:
    return dict(shared.get("profiles", _load_builtin))


def available_profiles(extra_dir: Path | None = None) -> dict[str, RoleProfile]:
    profiles = builtin_profiles()
    if extra_dir is not None:
        for path in sorted(Path(extra_dir).glob("*.json")):
            profiles.update(_parse_file(path.name, path.read_text(encoding="utf-8")))
    return profiles


def get_profile(profile: "str | RoleProfile | dict | None",
                extra_dir: Path | None = None) -> RoleProfile | None:
    """Resolve a profile given by name, as a dict or as a :class:`RoleProfile`."""
    if profile is None or isinstance(profile, RoleProfile):
        return profile
    if isinstance(profile, dict):
        return RoleProfile.from_dict(profile)
    profiles = available_profiles(extra_dir)
    if profile not in profiles:
        raise NotFound(f"no role profile named {profile!r}; known: {', '.join(sorted(profiles))}")
    return profiles[profile]
