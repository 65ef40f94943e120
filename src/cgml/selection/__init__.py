"""Forward stepwise selection of descriptors, shared by every linear model.

Units: none of its own; features and targets are passed through.
"""

from cgml.selection.stepwise import SelectionResult, forward_stepwise, split_by_group

__all__ = ["SelectionResult", "forward_stepwise", "split_by_group"]
