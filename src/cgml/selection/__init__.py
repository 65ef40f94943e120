"""Forward stepwise selection of descriptors, shared by every linear model.

Units: none of its own; features and targets are passed through.
"""

from cgml.selection.stepwise import (
    SelectionResult,
    cross_validated_size,
    forward_stepwise,
    one_standard_error_size,
    split_by_group,
)

__all__ = ["SelectionResult", "cross_validated_size", "forward_stepwise", "one_standard_error_size",
           "split_by_group"]
