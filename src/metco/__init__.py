"""Metco: the infrastructure that powers online commerce for small businesses."""

__version__ = "0.1.0"
