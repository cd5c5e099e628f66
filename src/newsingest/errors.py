"""Exceptions the library raises for problems the caller must fix (not per-article rejects)."""


class NewsIngestError(Exception):
    """Base class: a message that names the problem and suggests a fix."""


class InputNotFoundError(NewsIngestError):
    """A path given by the user does not exist."""


class RulesError(NewsIngestError):
    """A cleaning rules file is malformed (bad regex, empty or duplicate pattern)."""
