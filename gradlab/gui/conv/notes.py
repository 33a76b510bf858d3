"""The conv view's note: what the grids alone do not say (a colour picture's channels, seeded
channels, how the filters are made, the maps left out, the transposed convolution's check)."""

from __future__ import annotations

import math

from gradlab.engine.numbers import format_number
from gradlab.state.conv.scrubber import ConvScrubber


def note_text(scrubber: ConvScrubber, max_maps: int) -> str:
    """The note under the grids for `scrubber`'s settings, `max_maps` grids shown per column."""
    s = scrubber.settings
    notes = []
    if s.colour is not None and s.in_channels > 1:
        shown = min(s.in_channels, s.image_channels)
        names = ", ".join(s.channel_name(c) for c in range(shown))
        notes.append(
            f"The input is a colour picture: its {names} channels, 0 to 255 each. A filter "
            "holds one kernel slice per channel (here the chosen kernel for each) and adds "
            "up the products of all of them into one output cell."
        )
    if s.in_channels > s.image_channels:
        notes.append(
            f"Channels beyond the image's own {s.image_channels}, and the kernel slices that "
            f"meet them, are seeded random −1/0/1 (seed {s.seed})."
        )
    if s.out_channels > 1:
        square = s.kernel.shape[0] == s.kernel.shape[1]
        turned = "turned by (o − 1)·90°" if square else "negated for every second filter"
        notes.append(f"Filter o is the chosen kernel {turned}.")
    if max(s.in_channels, s.out_channels) > max_maps:
        notes.append(f"Showing the first {max_maps} maps of each kind.")
    source, gap = scrubber.source, scrubber.adjoint_gap
    if source is not None and gap is not None:
        size = f"{source.shape[1]}×{source.shape[2]}"
        agree = (
            "autograd's ∂L/∂X equals this output (bias aside): largest difference "
            f"{format_number(gap, 2)}"
            if not math.isnan(gap)
            else "with this output padding it has another shape"
        )
        notes.append(
            f"Transposed convolution of the {size} input (hatched: the inserted zeros and "
            "the padding). The same numbers are the gradient of the forward convolution "
            f"with these kernels: with ∂L/∂y = the {size} input, {agree}."
        )
    if s.flip and not s.pooling and s.mode != "transpose":
        notes.append(
            "Convolution: the kernel is turned 180° before sliding; without the flip this is "
            "cross-correlation, which deep learning calls convolution."
        )
    return " ".join(notes)
