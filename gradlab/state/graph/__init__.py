"""The graph lab, Qt-free: an expression kept as a graph (`GraphSession`), the `Player` stepping
its recorded trace, the words of each step (`explain`), and function plots (`PlotState`)."""
