"""Service settings: defaults, environment overrides, validation."""

from __future__ import annotations

import pytest

from service.settings import Settings


def test_environment_overrides_each_type():
    settings = Settings.from_env(
        {
            "ITBFORMS_MAX_UPLOAD_MB": "5",
            "ITBFORMS_JOB_FILE_DEADLINE_S": "2.5",
            "ITBFORMS_DATA_DIR": "/srv/itb",
        }
    )
    assert (settings.max_upload_mb, settings.job_file_deadline_s, settings.data_dir) == (5, 2.5, "/srv/itb")
    assert settings.max_content_length == 5 * 1024 * 1024
    assert Settings.from_env({}, max_upload_mb=7).max_upload_mb == 7


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ITBFORMS_MAX_UPLOAD_MB": "many"}, "ITBFORMS_MAX_UPLOAD_MB must be int"),
        ({"ITBFORMS_MAX_UPLOAD_MB": "0"}, "positive"),
    ],
)
def test_bad_values_name_the_variable(env, message):
    with pytest.raises(ValueError, match=message):
        Settings.from_env(env)


@pytest.mark.parametrize(
    ("text", "value"), [("1", True), ("true", True), ("YES", True), ("0", False), ("no", False)]
)
def test_require_auth_is_a_flag(text, value):
    assert Settings.from_env({"ITBFORMS_REQUIRE_AUTH": text}).require_auth is value
    assert Settings.from_env({}).require_auth is False


def test_a_flag_that_is_neither_is_refused_with_its_name():
    with pytest.raises(ValueError, match="ITBFORMS_REQUIRE_AUTH 应为1 或 0"):
        Settings.from_env({"ITBFORMS_REQUIRE_AUTH": "maybe"})
