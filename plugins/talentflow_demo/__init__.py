"""The demo, apart from the production library: the synthetic HR world generator (``world``), its
delivery to the object store the way real systems drop files, and ``talentflow demo``.

Production code never imports this package; tests, benchmarks and the demo do."""
