"""The conv view's grid titles: what an input channel, an output map or a kernel slice is called
("red", "input ch2", "map f2", "max pool ch1", " f2 red")."""

from __future__ import annotations

from gradlab.state.conv.scrubber import ConvScrubber


def output_name(scrubber: ConvScrubber, index: int) -> str:
    """ "output", "map f2" (filter 2's feature map), "max pool", "avg pool ch2"."""
    settings = scrubber.settings
    several = scrubber.output is not None and len(scrubber.output) > 1
    if settings.pooling:
        kind = f"{settings.pool_kind} pool"
        return f"{kind} ch{index + 1}" if several else kind
    return f"map f{index + 1}" if several else "output"


def input_name(scrubber: ConvScrubber, channel: int) -> str:
    """ "input", "input ch2", "red" (a colour picture's channel), "stretched" (transposed)."""
    settings = scrubber.settings
    if scrubber.inserted is not None:
        return "stretched" if settings.in_channels == 1 else f"stretched ch{channel + 1}"
    if settings.colour is not None and channel < settings.image_channels:
        return settings.channel_name(channel)
    return "input" if settings.in_channels == 1 else f"input ch{channel + 1}"


def which(scrubber: ConvScrubber, filt: int, channel: int) -> str:
    """ " f2 ch1" (or " f2 red") when there are several filters or channels to tell apart."""
    s = scrubber.settings
    if s.in_channels == 1 and s.out_channels == 1:
        return ""
    if s.in_channels == 1:
        return f" f{filt + 1}"
    return f" f{filt + 1} {s.channel_name(channel).replace('ch ', 'ch')}"
