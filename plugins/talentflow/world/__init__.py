"""Synthetic HR world generator: a fictional company's requisitions, candidates, resumes, interviews,
recordings and HRIS history, with a ground truth the platform never reads.

    from talentflow.world import generate_world
    summary = generate_world(Path("world"), seed=7, candidates=300, employees=200, years=3)
"""

from talentflow.world.generate import WorldSummary, generate_world
from talentflow.world.params import BiasSpec, WorldParams

__all__ = ["BiasSpec", "WorldParams", "WorldSummary", "generate_world"]
