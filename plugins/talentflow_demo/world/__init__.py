"""Synthetic HR world generator: a fictional company's requisitions, candidates, resumes, interviews,
recordings and HRIS history, with a ground truth the platform never reads.

    from talentflow_demo.world import generate_world
    summary = generate_world(Path("world"), seed=7, candidates=300, employees=200, years=3)
"""

from talentflow_demo.world.generate import WorldSummary, generate_world
from talentflow_demo.world.params import BiasSpec, WorldParams

__all__ = ["BiasSpec", "WorldParams", "WorldSummary", "generate_world"]
