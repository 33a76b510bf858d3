"""The training lab, Qt-free: `TrainingRun` (in-process or in a worker process), its settings,
bounded histories, snapshots for rewind, and the frames the lab draws."""
