"""Dutytrace: document intelligence and precedent search for accident investigations."""

__version__ = "0.1.0"
