"""Takedown analytics."""
