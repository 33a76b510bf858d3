"""Before the window opens: can Qt's platform plugin load here? If not, say which system libraries
are missing and the one command that installs them, instead of Qt's "no Qt platform plugin could
be initialized" abort.

A fresh Debian desktop lacks libxcb-cursor0, libxcb-icccm4 and friends, which PySide6's xcb plugin
links against. The plugin's dependencies are read from the files (`gradlab.cli.elf`) and looked
for where the dynamic loader looks: the plugin's RUNPATH, LD_LIBRARY_PATH and the system's
library folders (/etc/ld.so.conf). Nothing of Qt is loaded to find out.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from gradlab.cli.elf import dependencies

DEFAULT_DIRS = ("/lib64", "/usr/lib64", "/lib", "/usr/lib")

# soname -> (Debian/Ubuntu package, Fedora package)
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-glx.so.0": ("libxcb-glx0", "libxcb"),
    "libxcb-xinput.so.0": ("libxcb-xinput0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libSM.so.6": ("libsm6", "libSM"),
    "libICE.so.6": ("libice6", "libICE"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor"),
    "libwayland-egl.so.1": ("libwayland-egl1", "libwayland-egl"),
}


def plugin(platform: str) -> Path | None:
    """PySide6's plugin file for `platform` ("xcb", "wayland", "offscreen"), if installed."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "Qt" / "plugins" / "platforms" / f"libq{platform}.so"
    return path if path.is_file() else None


def system_library_dirs() -> list[Path]:
    """Where the dynamic loader looks besides RUNPATH: LD_LIBRARY_PATH, /etc/ld.so.conf's
    folders and the defaults."""
    found = [Path(p) for p in os.environ.get("LD_LIBRARY_PATH", "").split(":") if p]
    found += _conf_dirs(Path("/etc/ld.so.conf"), set())
    found += [Path(p) for p in DEFAULT_DIRS]
    return list(dict.fromkeys(found))


def _conf_dirs(conf: Path, seen: set[Path]) -> list[Path]:
    if conf in seen or not conf.is_file():
        return []
    seen.add(conf)
    dirs: list[Path] = []
    for written in conf.read_text(encoding="utf-8", errors="replace").splitlines():
        line = written.split("#", 1)[0].strip()
        if line.startswith("include "):
            for included in sorted(glob.glob(line.removeprefix("include ").strip())):
                dirs += _conf_dirs(Path(included), seen)
        elif line.startswith("/"):
            dirs.append(Path(line))
    return dirs


def resolve(start: Path, system_dirs: Sequence[Path]) -> dict[str, Path | None]:
    """Every soname `start` needs, directly or through the libraries it finds, and the file the
    loader would find for it (its RUNPATHs with $ORIGIN resolved, then `system_dirs`), or None."""
    found: dict[str, Path | None] = {}
    pending = [start]
    while pending:
        current = pending.pop()
        deps = dependencies(current)
        own = [Path(entry.replace("$ORIGIN", str(current.parent))) for entry in deps.search]
        for soname in deps.needed:
            if soname in found:
                continue
            hit = next((d / soname for d in [*own, *system_dirs] if (d / soname).exists()), None)
            found[soname] = hit
            if hit is not None:
                pending.append(hit)
    return found


def missing_libraries(start: Path, system_dirs: Sequence[Path]) -> list[str]:
    """The sonames `resolve` finds nowhere, in the order they are first needed."""
    return [soname for soname, path in resolve(start, system_dirs).items() if path is None]


def candidates() -> list[str]:
    """The platforms Qt will try, in order (QT_QPA_PLATFORM, else its own choice)."""
    chosen = os.environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return [name.split(":", 1)[0].strip() for name in chosen.split(";") if name.strip()]
    if os.environ.get("XDG_SESSION_TYPE") == "wayland" and os.environ.get("WAYLAND_DISPLAY"):
        return ["wayland", "xcb"]
    return ["xcb"]


def problem(system_dirs: Sequence[Path] | None = None) -> str | None:
    """Why Qt cannot open a window here, with the fix, or None when it can (or when this is not
    Linux, or the platform is none of PySide6's plugins, where Qt's own message is clearer)."""
    if sys.platform != "linux":
        return None
    if importlib.util.find_spec("PySide6") is None:
        return "the app needs Qt: pip install 'gradlab[gui]' (the command line works without it)"
    dirs = system_library_dirs() if system_dirs is None else system_dirs
    reports = []
    for platform in candidates():
        path = plugin(platform)
        if path is None:
            return None
        missing = missing_libraries(path, dirs)
        if not missing:
            return None
        reports.append((platform, missing))
    platform, missing = reports[-1]
    return explain(platform, missing)


def explain(platform: str, missing: Sequence[str]) -> str:
    """The message: what is missing, and the one command that installs it."""
    lines = [
        f"Qt cannot open a window: its {platform} platform plugin needs system libraries this "
        "machine lacks:",
        *(f"  {soname}" for soname in missing),
    ]
    known = [PACKAGES[s] for s in missing if s in PACKAGES]
    unknown = [s for s in missing if s not in PACKAGES]
    debian = " ".join(dict.fromkeys(apt for apt, _ in known))
    fedora = " ".join(dict.fromkeys(dnf for _, dnf in known))
    if known:
        if shutil.which("apt-get") or not shutil.which("dnf"):
            lines += ["Install them with:", f"  sudo apt-get install {debian}"]
        if shutil.which("dnf") or not shutil.which("apt-get"):
            lines += ["Install them with (Fedora):", f"  sudo dnf install {fedora}"]
    if unknown:
        lines.append(f"Find the package of {', '.join(unknown)} with: apt-file search NAME")
    return "\n".join(lines)
