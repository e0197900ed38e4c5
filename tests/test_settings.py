import pytest

from lieux.settings import DEFAULT_DB, SettingsError, from_env


def test_defaults():
    settings = from_env({})
    assert settings.db == DEFAULT_DB
    assert settings.tz == "Europe/Brussels"
    assert settings.base_url == "http://127.0.0.1:8000"
    assert len(settings.secret) >= 32
    assert settings.iris_day is True
    assert settings.hours_stale_days == 90


def test_reads_every_variable():
    settings = from_env(
        {
            "LIEUX_DB": "data/x.sqlite3",
            "LIEUX_SECRET": "k" * 32,
            "LIEUX_BASE_URL": "https://lieux.example.org/",
            "LIEUX_TZ": "Europe/Paris",
            "LIEUX_IRIS_DAY": "no",
            "LIEUX_HOURS_STALE_DAYS": "30",
        }
    )
    assert settings.hours_stale_days == 30
    assert settings.db == "data/x.sqlite3"
    assert settings.secret == "k" * 32
    assert settings.base_url == "https://lieux.example.org"
    assert settings.tz == "Europe/Paris"
    assert settings.iris_day is False


def test_explicit_override_wins_over_environment():
    assert from_env({"LIEUX_DB": "a.sqlite3"}, db="b.sqlite3").db == "b.sqlite3"
    assert from_env({"LIEUX_DB": "a.sqlite3"}, db=None).db == "a.sqlite3"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LIEUX_SECRET", "short", "LIEUX_SECRET is 5 characters long"),
        ("LIEUX_BASE_URL", "lieux.example.org", "LIEUX_BASE_URL='lieux.example.org'"),
        ("LIEUX_BASE_URL", "ftp://x.org", "expected an http(s) address"),
        ("LIEUX_TZ", "Europe/Bruxelles", "LIEUX_TZ='Europe/Bruxelles': not a known time zone"),
        ("LIEUX_TZ", "../../etc/passwd", "not a known time zone"),
        ("LIEUX_IRIS_DAY", "maybe", "LIEUX_IRIS_DAY='maybe'"),
    ],
)
def test_bad_values_name_the_variable(name, value, message):
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        from_env({name: value})


@pytest.mark.parametrize("raw", ["0", "-5", "ninety", "99999"])
def test_a_stale_threshold_that_is_not_a_number_of_days_is_refused(raw):
    with pytest.raises(SettingsError, match="LIEUX_HOURS_STALE_DAYS"):
        from_env({"LIEUX_HOURS_STALE_DAYS": raw})
