"""The convolution lab, Qt-free: its settings, what they compute, one record per window position,
and the `ConvScrubber` cursor over those positions."""
