"""Shared test setup: Qt runs offscreen unless a display platform was chosen explicitly."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
