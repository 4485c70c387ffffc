import pytest

from assessor.config import Config
from assessor.errors import ConfigError


@pytest.mark.parametrize("value, expected", [(None, 14), ("1", 1), ("30", 30), ("365", 365)])
def test_invitation_days(value, expected):
    env = {} if value is None else {"ASSESSOR_INVITATION_DAYS": value}
    assert Config(env).INVITATION_DAYS == expected


@pytest.mark.parametrize("value", ["0", "366", "-3"])
def test_invitation_days_outside_a_year_are_config_errors(value):
    with pytest.raises(ConfigError, match="ASSESSOR_INVITATION_DAYS must be 1–365"):
        Config({"ASSESSOR_INVITATION_DAYS": value})
