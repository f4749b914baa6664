"""The registered claims, one module per topic (``restarts``, ``momentum``, ...).

Each module defines its claims with :class:`course_lib.studies.replication.Claim` at import;
``studies.claim(name)`` and ``studies.all_claims()`` import them all. A notebook runs a claim on its
own seeds and asserts it; ``make replicate`` runs every claim on fresh seeds.

>>> from course_lib import studies
>>> all(c.where[:2].isdigit() for c in studies.all_claims().values())
True
"""
