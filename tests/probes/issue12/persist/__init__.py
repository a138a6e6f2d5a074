"""Persistence layer of a chat bot: files, settings, remote events."""
