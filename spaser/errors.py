"""Errors shown to users: their message is French and names the file, the record and the field."""


class SpaserError(Exception):
    """An error the command line prints as is, without a traceback."""
