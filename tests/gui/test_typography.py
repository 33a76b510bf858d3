"""Typography: presenting and the projector theme only enlarge text, each role by its factor."""

from __future__ import annotations

import pytest

from gradlab.gui import typography
from gradlab.gui.theme import DARK, LIGHT, PROJECTOR, THEMES
from gradlab.gui.typography import FontRole

pytestmark = pytest.mark.gui

ROLES = {name: role for name, role in vars(typography).items() if isinstance(role, FontRole)}


def test_presenting_is_a_flag_on_the_same_theme() -> None:
    assert LIGHT.presenting_as(False) is LIGHT
    presenting = DARK.presenting_as(True)
    assert presenting.presenting
    assert presenting.presenting_as(True) is presenting
    assert presenting.presenting_as(False) == DARK
    assert presenting.color("grad") == DARK.color("grad")


@pytest.mark.parametrize("name", sorted(ROLES))
def test_no_role_shrinks_on_a_projector_or_while_presenting(name: str) -> None:
    role = ROLES[name]
    for theme in THEMES.values():
        assert role.points(theme.presenting_as(True)) >= role.points(theme)
        assert role.font(theme).pointSizeF() == pytest.approx(role.points(theme))
    assert role.points(LIGHT) == role.size
    assert role.points(PROJECTOR) > role.points(LIGHT)


def test_a_role_grows_by_its_own_factor_within_its_limits() -> None:
    presenting = PROJECTOR.presenting_as(True)
    plain = FontRole(10.0, 1.5)
    assert plain.points(presenting) == pytest.approx(10.0 * PROJECTOR.font_scale * 1.5)
    half = FontRole(10.0, 1.5, growth=0.5)
    assert half.scale(presenting) == pytest.approx(1.0 + 0.5 * (PROJECTOR.font_scale * 1.5 - 1))
    capped = FontRole(10.0, 1.5, max_scale=1.2)
    assert capped.points(presenting) == pytest.approx(12.0)
    assert FontRole(14.0).pixels(PROJECTOR) == round(14.0 * PROJECTOR.font_scale)
