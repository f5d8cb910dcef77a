"""Playbooks: the guideline as data (format.py), run on each incident by the engine."""
