"""The graph as a readable Graphviz .dot file, for export: micrograd's record-shaped nodes."""

from __future__ import annotations

from gradlab.engine.trace import Trace, edge_records
from gradlab.layout import labels
from gradlab.layout.spec import edge_key, op_key, value_key


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    for special in "{}|<>":
        escaped = escaped.replace(special, "\\" + special)
    return f'"{escaped}"'


def to_dot(trace: Trace, *, with_grads: bool = True) -> str:
    """`trace` as .dot text: value records "label | data v | grad g", op ellipses, and edges
    labelled with the local derivative (and, with grads, the contribution that flowed back)."""
    grads = trace.snapshot(len(trace)).grads if with_grads else (None,) * len(trace.nodes)
    records = edge_records(trace)
    names = labels.node_names(trace)
    lines = [
        "digraph gradlab {",
        "  graph [rankdir=LR];",
        '  node [fontname="Helvetica"];',
    ]
    for node in trace.nodes:
        fields = [labels.title_text(node, names[node.id]), labels.value_text(node.value)]
        if with_grads:
            fields.append(labels.grad_text(grads[node.id]))
        record = " | ".join(_quote(f)[1:-1] for f in fields)
        lines.append(f'  {value_key(node.id)} [shape=record, label="{{ {record} }}"];')
        if node.is_leaf:
            continue
        lines.append(f"  {op_key(node.id)} [shape=ellipse, label={_quote(labels.op_text(node))}];")
        for position, parent in enumerate(node.parents):
            edge = records.get((node.id, position))
            text = ""
            if edge is not None:
                text = labels.local_text(edge.local)
                if with_grads:
                    text += "\\n" + labels.contribution_text(edge.contribution)
            attrs = f' [label="{text}"]' if text else ""
            lines.append(
                f"  {value_key(parent)} -> {op_key(node.id)}{attrs};"
                f"  // {edge_key(node.id, position)}"
            )
        lines.append(f"  {op_key(node.id)} -> {value_key(node.id)};")
    lines.append("}")
    return "\n".join(lines) + "\n"
