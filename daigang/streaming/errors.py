"""Why a WHIP/WHEP request was refused. Each carries a Chinese message for the client.

The views map each kind to its HTTP status; services and the relay only say what went wrong.
"""

from __future__ import annotations


class StreamError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RoomNotFound(StreamError):
    pass


class StreamKeyInvalid(StreamError):
    pass


class OrganisationUnverified(StreamError):
    pass


class RoomEnded(StreamError):
    pass


class RoomNotLive(StreamError):
    pass


class PublisherBusy(StreamError):
    pass


class OfferInvalid(StreamError):
    pass


class RelayFull(StreamError):
    pass


class SessionNotFound(StreamError):
    pass
