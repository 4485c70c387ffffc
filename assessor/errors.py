"""The one error hierarchy of assessor.

Every failure a caller may want to handle derives from :class:`AssessorError`.
External failures are re-raised from these with ``raise ... from exc`` so the
original cause stays in the traceback.
"""


class AssessorError(Exception):
    """Base of every error assessor raises on purpose."""

    code = "error"


class InputError(AssessorError, ValueError):
    """The caller sent something we cannot score (empty, too long, wrong type)."""

    code = "invalid_input"


class ConfigError(AssessorError):
    """A setting is missing or malformed."""

    code = "config_error"


class EngineError(AssessorError):
    """A grammar engine failed (unreachable, timed out, answered nonsense)."""

    code = "engine_error"


class EngineUnavailable(EngineError):
    """The engine could not be reached at all."""

    code = "engine_unavailable"


class ModelError(AssessorError):
    """A scoring model file is missing, corrupt or of an unknown version."""

    code = "model_error"


class DataError(AssessorError):
    """A data file (word list, profile, calibration set) is missing or malformed."""

    code = "data_error"


class NotFound(AssessorError, LookupError):
    """A named thing (profile, record) does not exist."""

    code = "not_found"
