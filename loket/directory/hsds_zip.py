"""Reading the files of an HSDS package out of a zip, within limits.

A 300 MB CSV packs into a few kB: each entry Loket reads is unpacked in chunks with caps on
its size, on the total and on the packing ratio, none of them trusting the sizes the zip
declares; entries Loket does not read are never unpacked.  Two entries of one name are
refused (which one would count?), and `folder\\file.csv`, as some Windows tools write it,
is a file in a folder.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from loket.directory import hsds
from loket.directory.hsds_bundle import ImportFailed
from loket.i18n import _

# Limits on what a zip may make of its bytes (a 300 MB CSV in a few kB must not reach memory).
MAX_ENTRY_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 250 * 1024 * 1024
MAX_RATIO = 200  # uncompressed size / compressed size, for entries above a few kB
_RATIO_FROM = 64 * 1024
_CHUNK = 1024 * 1024


def _mb(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} kB"
    return f"{n / (1024 * 1024):.1f} MB"


def _too_big(source: str, entry: str, problem: str) -> ImportFailed:
    return ImportFailed(source, None, entry, problem)


def zip_files(path: Path) -> dict[str, bytes]:
    """The files of the folder inside the zip that holds organizations.csv (or the root).

    Only those entries are read, each with caps on its uncompressed size and ratio that do
    not trust the sizes the zip declares; a zip with two entries of the same name is refused
    (which one would count?).  `folder\\file.csv`, as some Windows tools write, is a folder."""
    source = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            names: dict[str, zipfile.ZipInfo] = {}
            for info in infos:
                name = info.filename.replace("\\", "/")
                if name.endswith("/"):
                    continue
                if name in names:
                    raise ImportFailed(
                        source, None, name, _("the zip holds this entry twice; which one counts?")
                    )
                names[name] = info
            anchors = [n for n in names if PurePosixPath(n).name == "organizations.csv"]
            folder = str(PurePosixPath(anchors[0]).parent) if anchors else "."
            chosen = {
                PurePosixPath(n).name: info
                for n, info in names.items()
                if str(PurePosixPath(n).parent) == folder
            }
            total = 0
            files: dict[str, bytes] = {}
            for name, info in chosen.items():
                if name not in hsds.SPECS:
                    files[name] = b""  # named in the report as ignored, never read
                    continue
                files[name] = _read_capped(zf, info, source, MAX_TOTAL_BYTES - total)
                total += len(files[name])
            return files
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as err:
        raise ImportFailed(
            source,
            None,
            None,
            _("the zip file cannot be read ({detail})").format(detail=str(err)),
        ) from None


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, source: str, room: int) -> bytes:
    entry = info.filename
    limit = min(MAX_ENTRY_BYTES, room)

    def refuse(size: int) -> ImportFailed:
        return _too_big(
            source,
            entry,
            _(
                "{entry} unpacks to more than {size} ({packed} packed); the limit is "
                "{limit} per file, {total} in all, and {ratio} times the packed size"
            ).format(
                entry=entry,
                size=_mb(size),
                packed=_mb(info.compress_size),
                limit=_mb(MAX_ENTRY_BYTES),
                total=_mb(MAX_TOTAL_BYTES),
                ratio=MAX_RATIO,
            ),
        )

    def ratio_exceeded(size: int) -> bool:
        return size > _RATIO_FROM and size > MAX_RATIO * max(info.compress_size, 1)

    if info.file_size > limit or ratio_exceeded(info.file_size):
        raise refuse(info.file_size)
    out = bytearray()
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            out += chunk
            if len(out) > limit or ratio_exceeded(len(out)):
                raise refuse(len(out))
    return bytes(out)
