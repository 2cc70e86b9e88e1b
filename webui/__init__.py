"""The agents' web UI (`triage serve`): server-rendered pages over the ticket store.

It sits on top of desk and triage: it reads and writes only through
``triage.store.TicketStore`` and the agent actions of ``desk``, and mail leaves only
through the outbox.
"""

from webui.app import create_app

__all__ = ["create_app"]
