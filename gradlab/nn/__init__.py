"""Neural nets on `gradlab.engine.Tensor`: functional ops (import as F), windows, modules, optim."""
