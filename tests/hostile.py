"""A folder of hostile lesson files, built at test time: what a careless or malicious colleague
could send. Each `Case` names the file and the words `gradlab check` must use to refuse it (the
field, or the kind of file); `01-good.toml` beside them must keep working.

Beside the lesson folder lies `outside/`: a real PNG and a FIFO that no lesson may read.
"""

from __future__ import annotations

import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

GOOD = Path(__file__).parent / "lessons" / "data" / "01-chain-rule.toml"
SECRET_SIZE = (37, 23)
"""The outside PNG's size: no image of this size may ever be shown."""


@dataclass(frozen=True)
class Case:
    file: str
    names: tuple[str, ...]
    """Words `gradlab check` must print for this file (the field, the problem)."""
    text: str
    """The file's TOML; {secret} and {outside} stand for the outside PNG and folder."""
    loads: bool = False
    """True when the file loads (the app opens it, placeholders for what it may not read) and
    only `gradlab check` refuses it; False when the loader refuses it and the app lists it."""
    kind: str = "file"
    """"file", or "fifo" / "dir" for a named pipe or a folder with a lesson's name."""


@dataclass(frozen=True)
class Hostile:
    root: Path
    folder: Path
    outside: Path
    cases: tuple[Case, ...]

    def case(self, file: str) -> Case:
        return next(case for case in self.cases if case.file == file)


def png(width: int, height: int, *, pixels: bool = True) -> bytes:
    """A grey RGB PNG (written by hand: the non-GUI tests have no Qt to encode one); without
    `pixels`, only the header, which may declare any size (a decompression bomb's trick)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * (3 * width) for _ in range(height)) if pixels else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def lesson(
    *,
    title: str = "Hostile",
    summary: str = "A lesson that tries something.",
    step_title: str = "One step",
    text: str = "Nothing to see.",
    scene: str = '[steps.graph]\nexpression = "f = x * 2"\ninputs = { x = 1 }\n',
    extra: str = "",
) -> str:
    """A one-step lesson; `scene` and `extra` are TOML appended to the step."""
    return (
        f'id = "hostile"\ntitle = {_quoted(title)}\nsummary = {_quoted(summary)}\n'
        f'level = "beginner"\ngoals = ["survive"]\n\n[[steps]]\ntitle = {_quoted(step_title)}\n'
        f"text = {_quoted(text)}\n{scene}{extra}"
    )


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


QUIZ = '[steps.quiz]\nask = "grad"\nnode = "x"\nprompt = {prompt}\n'
TABLE = '[steps.table]\ncolumns = ["a"]\nrows = [["1"]]\ncaption = {caption}\n'


def table_model(layers: str, shape: str) -> str:
    return f"[steps.table.model]\nlayers = [{layers}]\ninput_shape = {shape}\n"


def train(model: str, dataset: str = "moons") -> str:
    return f'[steps.train]\ndataset = "{dataset}"\nmodel = {model}\nepochs = 1\n'


def _conv_256() -> str:
    row = "[" + ", ".join(["1"] * 256) + "]"
    return f'[steps.conv]\nkernel = "sobel-x"\ninput = [{", ".join([row] * 256)}]\n'


def _cases() -> tuple[Case, ...]:
    img = '<img src="{secret}">'
    texts: list[tuple[str, str, tuple[str, ...], bool]] = [
        ("02-image-relative-out.toml", lesson(text="![a](../outside/secret.png)"),
         ("step 1, text", "../outside"), True),
        ("03-image-absolute-out.toml", lesson(text="![a]({secret})"), ("step 1, text",), True),
        ("04-image-file-url.toml", lesson(text="![a](file://{secret})"),
         ("step 1, text", "file://"), True),
        ("05-image-symlink-out.toml", lesson(text="![a](link.png)"), ("link.png",), True),
        ("06-image-fifo.toml", lesson(text="![a](pipe.png) and ![b]({outside}/pipe.png)"),
         ("step 1, text", "pipe.png"), True),
        ("07-image-dev-zero.toml", lesson(text='Look: <img src="/dev/zero">'),
         ("step 1, text", "/dev/zero"), True),
        ("08-img-in-title.toml", lesson(title=f"Hi {img}"), ("title", "<img"), True),
        ("09-img-in-step-title.toml", lesson(step_title=img), ("step 1, title",), True),
        ("10-img-in-prompt.toml", lesson(extra=QUIZ.format(prompt=_quoted(img))),
         ("step 1, quiz.prompt",), True),
        ("11-img-in-caption.toml", lesson(scene=TABLE.format(caption=_quoted(img))),
         ("step 1, table.caption",), True),
        ("12-img-in-summary.toml", lesson(summary=img), ("summary",), True),
        ("13-link-to-file.toml", lesson(text="[the key](file://{secret})"),
         ("step 1, text", "file://"), True),
        ("16-table-huge-layer.toml",
         lesson(scene=table_model('{ type = "linear", in = 200000, out = 200000 }', "[2]")),
         ("step 1, table.model.layers[1].in", "16384"), False),
        ("17-table-huge-input.toml",
         lesson(scene=table_model('{ type = "flatten" }', "[4096, 4096, 4096]")),
         ("step 1, table.model", "MB"), False),
        ("18-table-15000.toml",
         lesson(scene=table_model(
             '{ type = "flatten" }, { type = "linear", in = 15000, out = 15000 }',
             "[1, 150, 100]")),
         ("step 1, table.model", "MB"), False),
        ("19-train-huge-layer.toml",
         lesson(scene=train('[{ type = "linear", in = 2, out = 1000000 }, { type = "relu" },'
                            ' { type = "linear", in = 1000000, out = 2 }]')),
         ("step 1, train.model[1].out", "16384"), False),
        ("20-train-huge-slug.toml", lesson(scene=train('"mlp-1000000-1000000"')),
         ("step 1, train.model", "1,000,000"), False),
        ("21-conv-256.toml", lesson(scene=_conv_256()), ("step 1, conv.input", "64"), False),
        ("22-unknown-keys.toml", lesson() + "".join(f"k{i} = 1\n" for i in range(90_000)),
         ("step 1, graph.k0", "90,000"), False),
        ("23-graph-inf.toml",
         lesson(scene='[steps.graph]\nexpression = "f = x * x"\ninputs = { x = 1e300 }\n'),
         ("step 1, graph", "inf"), False),
        ("24-graph-nan.toml",
         lesson(scene='[steps.graph]\nexpression = "f = x ** (1e300 * 1e300 * 0)"\n'
                "inputs = { x = 2 }\n"),
         ("step 1, graph", "nan"), False),
        ("25-plot-range.toml",
         lesson(scene='[steps.plot]\nfunctions = ["relu"]\nx_range = [-1e308, 1e308]\n'),
         ("step 1, plot.x_range",), False),
        ("27-markup-in-an-error.toml",
         lesson() + '"<img src=\'{secret}\'>" = 1\n"![a](/dev/zero)" = 2\n',
         ("step 1, graph", "is not a key"), False),
        ("28-stylesheet-out.toml",
         lesson(text='<link rel="stylesheet" href="../outside/secret.png">Styled'),
         ("step 1, text", "../outside"), True),
        ("29-many-images.toml",
         lesson(text=" ".join(f"![i](../outside/n{i}.png)" for i in range(20_000))),
         ("step 1, text", "20,000 images"), False),
        ("26-train-over-budget.toml",
         lesson(scene=train('[{ type = "linear", in = 2, out = 16384 }, { type = "relu" },'
                            ' { type = "linear", in = 16384, out = 16384 }]')),
         ("step 1, train.model", "MB"), False),
    ]  # fmt: skip
    cases = [Case("14-pipe.toml", ("14-pipe.toml", "FIFO"), "", kind="fifo")]
    cases.append(Case("15-dir.toml", ("15-dir.toml", "folder"), "", kind="dir"))
    cases += [Case(name, names, text, loads) for name, text, names, loads in texts]
    return tuple(sorted(cases, key=lambda case: case.file))


CASES = _cases()
"""Every hostile file, in the folder's order; `01-good.toml` is not among them."""


def build(root: Path) -> Hostile:
    """Make `root/lessons` (the hostile lessons and one good one) and `root/outside`."""
    folder, outside = root / "lessons", root / "outside"
    folder.mkdir(parents=True)
    outside.mkdir()
    secret = outside / "secret.png"
    secret.write_bytes(png(*SECRET_SIZE))
    os.mkfifo(outside / "pipe.png")
    os.mkfifo(folder / "pipe.png")
    (folder / "link.png").symlink_to(secret)
    (folder / "01-good.toml").write_bytes(GOOD.read_bytes())
    for case in CASES:
        path = folder / case.file
        if case.kind == "fifo":
            os.mkfifo(path)
        elif case.kind == "dir":
            path.mkdir()
        else:
            text = case.text.replace("{secret}", str(secret)).replace("{outside}", str(outside))
            path.write_text(text, encoding="utf-8")
    return Hostile(root, folder, outside, CASES)
