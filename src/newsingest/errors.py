"""Exceptions the library raises for problems the caller must fix (not per-article rejects)."""


class NewsIngestError(Exception):
    """Base class: a message that names the problem and suggests a fix."""


class InputNotFoundError(NewsIngestError):
    """A path given by the user does not exist."""


class RulesError(NewsIngestError):
    """A cleaning rules file is malformed (bad regex, empty or duplicate pattern)."""


class SettingsError(NewsIngestError):
    """An option or a [tool.newsingest] setting has a value that cannot work (a usage error)."""


class OutputError(NewsIngestError):
    """An output target cannot be written: a folder given as a file, no such folder, no
    permission, a full disk. The message names the path and the cause."""
