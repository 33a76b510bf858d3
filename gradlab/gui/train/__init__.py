"""The training lab in Qt: the model builder, the timer driving a run, live plots and maps."""
