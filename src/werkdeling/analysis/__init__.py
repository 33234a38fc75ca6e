"""Before planning: how well the members complement each other, and how many year-round
contracts their combined demand can carry. Independent of any plan."""

from werkdeling.analysis.complementarity import Complementarity, MemberProfile, complementarity
from werkdeling.analysis.sizing import PoolSizing, SizingPoint, size_pool

__all__ = ["Complementarity", "MemberProfile", "PoolSizing", "SizingPoint", "complementarity", "size_pool"]
