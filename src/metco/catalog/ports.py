"""What the catalog needs from the outside world: somewhere to keep image files."""

from typing import Protocol


class MediaStorage(Protocol):
    def url(self, key: str) -> str: ...

    async def save(self, key: str, data: bytes, content_type: str) -> str: ...

    async def delete(self, key: str) -> None: ...
