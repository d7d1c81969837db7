"""The bottom layer: small helpers every app may use (embedded services, SVG charts, page
numbers, progress records). It imports no app of this project (tests/test_layers.py)."""
