"""The default media storage: files under METCO_MEDIA_DIR, served by the app at METCO_MEDIA_URL."""

from pathlib import Path

import anyio.to_thread


class LocalMediaStorage:
    def __init__(self, folder: str, base_url: str) -> None:
        self.folder = Path(folder).resolve()
        self.base_url = base_url.rstrip("/")

    def _path(self, key: str) -> Path:
        path = (self.folder / key).resolve()
        if not path.is_relative_to(self.folder):
            raise ValueError("a media key must stay inside the media folder")
        return path

    def url(self, key: str) -> str:
        return f"{self.base_url}/{key}"

    async def save(self, key: str, data: bytes, content_type: str) -> str:
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

        await anyio.to_thread.run_sync(write)
        return self.url(key)

    async def delete(self, key: str) -> None:
        await anyio.to_thread.run_sync(lambda: self._path(key).unlink(missing_ok=True))
