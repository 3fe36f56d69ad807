"""One family of errors whose message is what the user reads."""

from __future__ import annotations


class EthicscanError(Exception):
    """Base class: ``str(err)`` is a complete sentence for the user."""


class ConfigError(EthicscanError):
    """Bad usage, options, rule files or configuration (exit status 2)."""


class TargetError(EthicscanError):
    """A target that cannot be read or fetched (exit status 2)."""
