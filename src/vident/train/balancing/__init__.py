"""Task balancers behind one interface, registered by name in BALANCERS: ls, dwa, rlw, atb, si.

Importing this package registers every method; a new method is one new file and one decorator.
"""

from vident.train.balancing import atb, dwa, ls, rlw, si  # noqa: F401  (registration)
from vident.train.balancing.base import BALANCERS, Balancer, build_balancer
from vident.train.balancing.conflict import ConflictCounter, conflicts, per_task_gradients

__all__ = [
    "BALANCERS",
    "Balancer",
    "ConflictCounter",
    "build_balancer",
    "conflicts",
    "per_task_gradients",
]
