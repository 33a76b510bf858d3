"""one_blas_thread(): an entry point's choice of one OpenBLAS thread, unless the user chose."""

from __future__ import annotations

import os

import pytest

from gradlab.nn.blas import VARIABLE, one_blas_thread


def test_one_blas_thread_asks_for_one_unless_the_user_chose(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(VARIABLE, raising=False)
    one_blas_thread()
    assert os.environ[VARIABLE] == "1"
    monkeypatch.setenv(VARIABLE, "3")
    one_blas_thread()
    assert os.environ[VARIABLE] == "3"
