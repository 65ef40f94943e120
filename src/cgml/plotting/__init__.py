"""Figures: one shared style, one function per paper figure. Reads results, computes nothing new.

Units are those of the result files, named in every axis label.
"""

from cgml.plotting.style import figure, save_figure, COLORS

__all__ = ["figure", "save_figure", "COLORS"]
