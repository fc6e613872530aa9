"""The workbench: each role's daily work at /workbench/, behind login.

One room per user: `deputy.py` (drafts, the duty record), `unit.py` (a unit's assignments),
`staff.py` (queues and staff-only pages), `actions.py` (the suggestion page and the actions
on it, shared by every role), `dashboard.py` (the page each role opens on) and
`notifications.py`. Every write is a service call; `suggestions.access` decides who may see
and do what.
"""
