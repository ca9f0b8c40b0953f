"""The national-scale benchmark (issue 10): a generator for a national dataset and the
measurements socmap must reach on it. Run it with ``python -m bench.national`` (see
``__main__``); ``tests/bench/`` runs the generator small in the default suite."""
