"""The convolution lab in Qt: its controls, the input ⋆ kernel = output view and the grids."""
