"""Trends' models, pure numpy: the 10-day KNN forecaster (``forecast``) and its walk-forward
backtest (``backtest``). No Django, no catalog: ``trends.adapters`` feed them price panels and
spec features, ``trends.forecaster`` serves them per process."""
