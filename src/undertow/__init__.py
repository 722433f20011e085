"""Undertow: joint intelligence for agencies countering migrant-smuggling networks.

Importing the package stays cheap: heavy engines (DuckDB, FollowTheMoney's model,
later Splink and Spark) are imported by the modules that use them.
"""

from undertow.errors import UndertowError

__version__ = "0.1.0"

__all__ = ["UndertowError", "__version__"]
