"""Errors a user can act on: printed as one line, exit code 2, no traceback."""


class TrainerError(Exception):
    """Bad input (empty buffer, wrong game metadata, mismatched sizes, bad config)."""
