"""The HTTP API (FastAPI): the service layer on the network, behind bearer tokens."""

from undertow.api.app import create_app

__all__ = ["create_app"]
