"""The graph lab in Qt: the expression editor and inputs, the graph view and its items, the
check and array panels, and the function plot view."""
