"""The Player: a cursor over a trace whose snapshot follows every move, forwards and back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gradlab.engine import record
from gradlab.engine.expr import parse
from gradlab.engine.trace import Phase, Trace
from gradlab.state.graph.player import Player, resolve_position


def example(x: float = -2.0) -> Trace:
    return record(parse("q = x + y; f = q * z").build({"x": x, "y": 5.0, "z": -4.0}).output)


def test_positions_cover_forward_then_backward() -> None:
    trace = example()
    player = Player(trace)
    assert (player.length, player.forward_length) == (10, 5)
    assert player.snapshot().phase is Phase.START
    player.seek(player.forward_length)
    snap = player.snapshot()
    assert snap.values == (-2.0, 5.0, 3.0, -4.0, -12.0)
    assert snap.grads == (None,) * 5
    player.to_end()
    assert player.snapshot().grads == (-4.0, -4.0, -4.0, 3.0, 1.0)


def test_moves_are_announced_and_snapshots_follow() -> None:
    player = Player(example())
    seen: list[int] = []
    player.changed.connect(seen.append)
    player.step_forward()
    player.step_forward()
    player.step_back()
    player.to_end()
    player.step_forward()  # already at the end: no announcement
    assert seen == [1, 2, 1, 10]
    assert player.snapshot() == example().snapshot(10)


@given(st.lists(st.integers(-3, 13), max_size=30))
def test_any_walk_lands_on_the_traces_own_snapshot(moves: list[int]) -> None:
    trace = example()
    player = Player(trace)
    for target in moves:
        player.seek(target)
        assert player.snapshot() == trace.snapshot(min(max(target, 0), len(trace)))


def test_set_trace_swaps_the_graph_and_announces_the_position() -> None:
    player = Player(example(), position=7)
    seen: list[int] = []
    player.changed.connect(seen.append)
    other = example(x=1.0)
    player.set_trace(other, 7)
    assert seen == [7]
    assert player.trace is other
    assert player.snapshot().values[0] == 1.0


def test_lesson_cursor_specs() -> None:
    trace = example()
    assert resolve_position(trace, "start") == 0
    assert resolve_position(trace, "forward") == 5
    assert resolve_position(trace, "backward") == 5
    assert resolve_position(trace, "end") == 10
    assert resolve_position(trace, 3) == 3
    assert resolve_position(trace, 99) == 10


def test_a_forward_only_player_ends_with_the_output_and_never_shows_a_grad() -> None:
    trace = example()
    player = Player(trace, len(trace), backward=False)
    assert player.length == player.forward_length == 5
    assert player.position == 5
    assert player.snapshot().values[-1] == -12.0
    player.step_forward()
    assert player.position == 5
    assert player.snapshot().grads == (None,) * 5
    player.set_trace(example(1.0), 99)
    assert (player.length, player.position) == (5, 5)
