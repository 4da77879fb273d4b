"""Action ids to the methods that carry them out, resolved once when a window is built.

The action table (:mod:`workbench.ui.actions`) names each handler as
``"owner.method"``; the window hands over its owners (itself, its controller, its Project menu)
and every name is looked up here before the window is shown. A handler that
does not exist is a :class:`MissingHandler` naming the action, raised while the
window is being constructed, never a silent no-op when someone presses the key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from workbench.ui.actions import ActionSpec

Handler = Callable[[], bool | None]


class MissingHandler(RuntimeError):
    """The action table names a handler that no owner has: a programming error, found at start-up."""


def resolve(actions: tuple[ActionSpec, ...], owners: Mapping[str, object]) -> dict[str, Handler]:
    """Every action's bound handler; all the missing ones are named at once."""
    found: dict[str, Handler] = {}
    missing: list[str] = []
    for spec in actions:
        owner_name, _, method = spec.handler.partition(".")
        owner = owners.get(owner_name)
        handler = getattr(owner, method, None) if owner is not None and method else None
        if callable(handler):
            found[spec.id] = handler
        else:
            missing.append(f"'{spec.id}' ({spec.handler or 'no handler named'})")
    if missing:
        raise MissingHandler(f"action(s) without a handler: {', '.join(missing)}")
    return found


class Dispatcher:
    """Runs an action by id for the menus, the window shortcuts and the article's single keys alike."""

    def __init__(self, actions: tuple[ActionSpec, ...], owners: Mapping[str, object]):
        self.handlers = resolve(actions, owners)

    def run(self, action_id: str) -> bool:
        """True when the action handled it; False lets a key go on to the view (Return with no relation)."""
        return self.handlers[action_id]() is not False
