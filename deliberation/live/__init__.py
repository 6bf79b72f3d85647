"""Live updates: Server-Sent Events per workshop, fed by PostgreSQL LISTEN/NOTIFY (or polling on SQLite).

The Event table is the source of truth. A notification only says "look again"; each process's hub
reads new events once per workshop and hands them to all of its streams, so a thousand open
streams cost one query per wake-up, not a thousand.
"""
