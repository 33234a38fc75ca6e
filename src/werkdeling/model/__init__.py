"""Stage 2 of the pipeline: build the CP-SAT model from a scenario, one function per rule family."""

from werkdeling.model.anchor import Anchor, AnchorError
from werkdeling.model.build import BuiltModel, build_model

__all__ = ["Anchor", "AnchorError", "BuiltModel", "build_model"]
