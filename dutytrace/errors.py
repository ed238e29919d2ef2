"""The error hierarchy. Messages say what happened and how to fix it."""


class DutytraceError(Exception):
    """Base class of every error Dutytrace raises on purpose."""


class UnreadableDocument(DutytraceError):
    """A file could not be read as a document (corrupt, encrypted, empty, no text)."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class UnsupportedFormat(UnreadableDocument):
    """A file whose content is not a type Dutytrace reads."""


class IndexLocked(DutytraceError):
    """The embedded index is held by another process."""


class ConfigError(DutytraceError):
    """A setting is wrong or a configured resource is missing."""


class NotFound(DutytraceError):
    """A case, document or file that was asked for does not exist."""


class DiskFull(DutytraceError):
    """The disk holding the data home has less free space than the safety margin (or is full)."""


class HomeNotWritable(DutytraceError):
    """The data home (or the disk it is on) is read-only or not writable by this user."""


class IndexOutdated(DutytraceError):
    """The vector index was built by an older Dutytrace with an incompatible schema; `dutytrace reindex` rebuilds it."""
