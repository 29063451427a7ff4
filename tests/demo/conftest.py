"""Fixtures of the demo-data tests: quick password hashing, a private VAR_DIR, a demo context."""

from __future__ import annotations

import pytest

from apps.core.demo import DemoContext


class _Lines:
    def __init__(self):
        self.lines: list[str] = []

    def write(self, message: str) -> None:
        self.lines.append(message)


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


@pytest.fixture
def make_ctx():
    def _make(*, seed: int = 7, scale: float = 1.0) -> DemoContext:
        return DemoContext(seed=seed, scale=scale, out=_Lines())

    return _make
