"""LIEUX_FEED_PAST_DAYS: how far back feeds keep what already happened."""

import pytest

from lieux.settings import SettingsError, from_env


def test_default_and_value():
    assert from_env({}).feed_past_days == 30
    assert from_env({"LIEUX_FEED_PAST_DAYS": "7"}).feed_past_days == 7


@pytest.mark.parametrize("value", ["-1", "a week", "99999", ""])
def test_bad_values_name_the_variable(value):
    with pytest.raises(SettingsError, match="LIEUX_FEED_PAST_DAYS"):
        from_env({"LIEUX_FEED_PAST_DAYS": value})
