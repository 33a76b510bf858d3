"""The lesson format: TOML files validated by pydantic models, every problem a `LessonError`.

``load_lesson(path)`` reads one file; ``discover(folder)`` lists the ``NN-slug.toml`` files of a
folder in order; ``lessons_folder()`` is GRADLAB_LESSONS or the lessons shipped with gradlab. What a
lesson may load (images, links) is decided in `gradlab.lessons.resources`, and how large anything
in it may be in `gradlab.lessons.limits`.
"""

from gradlab.lessons.conv_scene import ConvScene
from gradlab.lessons.loader import (
    LessonError,
    Problem,
    discover,
    lessons_folder,
    load_lesson,
    parse_lesson,
    read_lesson_file,
)
from gradlab.lessons.resources import (
    read_resource,
    resolve_resource,
    resource_problems,
    resource_roots,
)
from gradlab.lessons.schema import (
    GraphScene,
    Lesson,
    NetworkScene,
    PlotScene,
    Quiz,
    Step,
    TrainScene,
)
from gradlab.lessons.table_scene import TableScene

Scene = GraphScene | ConvScene | TrainScene | PlotScene | TableScene | NetworkScene

__all__ = [
    "ConvScene",
    "GraphScene",
    "Lesson",
    "LessonError",
    "NetworkScene",
    "PlotScene",
    "Problem",
    "Quiz",
    "Scene",
    "Step",
    "TableScene",
    "TrainScene",
    "discover",
    "lessons_folder",
    "load_lesson",
    "parse_lesson",
    "read_lesson_file",
    "read_resource",
    "resolve_resource",
    "resource_problems",
    "resource_roots",
]
