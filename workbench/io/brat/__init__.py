"""brat standoff (``.txt``/``.ann`` pairs), read once and mapped two ways.

- :mod:`.standoff`: the parser. Every line kind, every problem with ``file:line``.
- :mod:`.generic`: brat ↔ record, keeping every line (``import``/``export --format brat``):
  labels stay brat's own, and a file exports back line for line.
- :mod:`.polnear`: PolNeAR's attributions as QUOTE/CUE/MENTION spans with SPEAKER and
  CUE relations (``import --format polnear``, ``merge``/``agreement`` given a brat folder,
  ``eval`` against one). A command that reads brat as quotes uses this mapping and no other.
"""
