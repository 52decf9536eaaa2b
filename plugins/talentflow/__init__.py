"""TalentFlow: the shared library behind the DAGs, the CLI and the tests.

Airflow puts ``plugins/`` on ``sys.path``; ``pip install -e .`` installs it as well.
"""

__version__ = "0.1.0"
