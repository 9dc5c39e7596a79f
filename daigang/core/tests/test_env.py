from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from daigang.core.env import env_bool, env_int, env_list, env_secret


def test_env_bool_reads_common_spellings(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", default=True) is False


def test_env_bool_fails_loudly_on_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG")


def test_env_int_fails_loudly_on_nonsense(monkeypatch):
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        env_int("X_NUM", 3)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("X_LIST", " a, b ,,c")
    assert env_list("X_LIST") == ["a", "b", "c"]


def test_env_secret_is_empty_when_unset_and_refuses_a_short_one(monkeypatch):
    monkeypatch.delenv("X_SECRET", raising=False)
    assert env_secret("X_SECRET", min_length=32) == ""
    monkeypatch.setenv("X_SECRET", "s" * 32)
    assert env_secret("X_SECRET", min_length=32) == "s" * 32
    monkeypatch.setenv("X_SECRET", "s" * 31)
    with pytest.raises(ImproperlyConfigured, match="X_SECRET has 31 characters"):
        env_secret("X_SECRET", min_length=32)
