import json

import pytest

from assessor.errors import InputError, NotFound
from assessor.scoring.profiles import RoleProfile, available_profiles, get_profile


@pytest.mark.parametrize("name, overall", [
    ("voice", "B2"), ("chat", "B2"), ("email", "B1"), ("technical", "C1")])
def test_builtin_profiles(name, overall):
    assert get_profile(name).min_overall == overall


def test_unknown_profile_names_the_known_ones():
    with pytest.raises(NotFound, match="voice"):
        get_profile("astronaut")


@pytest.mark.parametrize("field, value", [
    ("min_overall", "B3"), ("min_grammar", None), ("trainable_margin", 5),
    ("max_grammar_errors_per_100", -1), ("name", "")])
def test_bad_custom_profiles_are_rejected(field, value):
    data = get_profile("voice").to_dict() | {field: value}
    with pytest.raises(InputError):
        RoleProfile.from_dict(data)


def test_custom_profile_folder(tmp_path):
    custom = get_profile("voice").to_dict() | {"name": "acme-voice", "min_overall": "C1"}
    (tmp_path / "acme.json").write_text(json.dumps(custom))
    assert available_profiles(tmp_path)["acme-voice"].min_overall == "C1"
    assert get_profile("acme-voice", tmp_path).bar("overall") == 4.5


@pytest.mark.parametrize("cefr, bar", [("A1", 0.5), ("B1", 2.5), ("B2", 3.5), ("C2", 5.5)])
def test_bar_is_the_bottom_of_the_band(cefr, bar):
    p = RoleProfile("x", "X", cefr, cefr, cefr)
    assert p.bar("overall") == bar
