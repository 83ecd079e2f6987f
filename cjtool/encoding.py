"""Text encodings of CSV exports.

polars reads UTF-8 only. Chinese Excel exports are GBK (GB18030 is its superset), so a
file that is not UTF-8 is transcoded, as a stream in 1 MiB chunks, to a temporary UTF-8
file. Detection order: the explicit option, a BOM, strict UTF-8, then GB18030. UTF-8
must go first: UTF-8 bytes also "decode" as GB18030, into mojibake.
"""

from __future__ import annotations

import codecs
import csv
import os
import shutil
import signal
import sys
import tempfile
import threading
from contextlib import ExitStack, suppress
from pathlib import Path

from cjtool.errors import DataError
from cjtool.i18n import say

CHUNK = 1 << 20
SAMPLE = 4 << 20  # bytes checked when guessing; the rest is checked while reading

_ALIASES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf8-sig": "utf-8-sig",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "gb18030": "gb18030",
    "cp936": "gb18030",
}


def normalise(encoding: str) -> str:
    """Canonical codec name; GBK and GB2312 are read as their superset GB18030."""
    name = encoding.strip().lower().replace("_", "-")
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise DataError(say("enc_unknown", encoding=repr(encoding)), hint=say("enc_unknown_hint")) from None


def _is_utf8_prefix(sample: bytes, complete: bool) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        decoder.decode(sample, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def detect(path: Path) -> str:
    """The encoding of ``path``: utf-8 (BOM or not) or gb18030."""
    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE)
        complete = len(sample) < SAMPLE
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if _is_utf8_prefix(sample, complete):
        return "utf-8"
    try:
        sample.decode("gb18030") if complete else codecs.getincrementaldecoder("gb18030")().decode(sample)
    except UnicodeDecodeError:
        raise DataError(say("enc_not_text", path=path), hint=say("enc_not_text_hint")) from None
    return "gb18030"


def first_invalid(path: Path, encoding: str) -> int | None:
    """The offset of the first byte of ``path`` that is not valid ``encoding`` (streamed in
    chunks); None when the whole file is valid."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    with open(path, "rb") as fh:
        try:
            while chunk := fh.read(CHUNK):
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return max(0, offset + exc.start)
    return None


def utf8_with_non_ascii(path: Path) -> bool:
    """Whether the start of ``path`` is UTF-8 with some non-ASCII text: forcing another
    encoding on it would garble that text."""
    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE)
    return any(b > 0x7F for b in sample) and _is_utf8_prefix(sample, len(sample) < SAMPLE)


def transcode(src: Path, encoding: str, stack: ExitStack) -> Path:
    """A temporary UTF-8 copy of ``src`` (deleted when ``stack`` closes)."""
    fd, tmp = tempfile.mkstemp(prefix="cjtool-", suffix=".csv")
    stack.callback(_unlink, tmp)
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    try:
        with open(src, "rb") as fin, os.fdopen(fd, "wb") as fout:
            while chunk := fin.read(CHUNK):
                fout.write(decoder.decode(chunk).encode("utf-8"))
                offset += len(chunk)
            fout.write(decoder.decode(b"", final=True).encode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataError(
            say("enc_bad_byte", src=src, at=offset + exc.start, encoding=encoding), hint=say("enc_bad_byte_hint")
        ) from None
    return Path(tmp)


def lone_cr(head: bytes) -> bool:
    """Whether the first line of ``head`` ends in a CR alone (old Mac Excel): polars
    would read the whole file as one header line."""
    cr, lf = head.find(b"\r"), head.find(b"\n")
    return cr >= 0 and (lf < 0 or cr < lf - 1)


def rewrite_csv(src: Path, separator: str, name: str, stack: ExitStack) -> Path:
    """A temporary copy of the UTF-8 CSV ``src`` as Python's csv module reads it, written
    in the plain form polars reads: for the odd lines polars refuses (a space after a
    closing quote, CR-only line ends). A Python loop over rows, so only after the fast
    read failed. Records keep their lines (a quoted line break stays in its field)."""
    fd, tmp = tempfile.mkstemp(prefix="cjtool-", suffix=".csv")
    stack.callback(_unlink, tmp)
    csv.field_size_limit(2**31 - 1)  # the fast reader has no limit on a field's length
    with open(src, encoding="utf-8-sig", newline="") as fin, os.fdopen(fd, "w", encoding="utf-8", newline="") as fout:
        reader = csv.reader(fin, delimiter=separator)
        writer = csv.writer(fout, delimiter=separator, lineterminator="\n")
        try:
            writer.writerows(reader)
        except csv.Error as exc:
            raise DataError(
                say("enc_bad_csv", name=name, line=reader.line_num, exc=exc), hint=say("enc_bad_csv_hint")
            ) from None
    return Path(tmp)


def spool_stdin(stack: ExitStack) -> Path:
    """Copy standard input to a temporary file, so it can be scanned like any file."""
    fd, tmp = tempfile.mkstemp(prefix="cjtool-stdin-", suffix=".csv")
    stack.callback(_unlink, tmp)
    _interruptible_reads()
    with os.fdopen(fd, "wb") as fout:
        shutil.copyfileobj(sys.stdin.buffer, fout, CHUNK)
    return Path(tmp)


def _interruptible_reads() -> None:
    """Make Ctrl-C interrupt a blocking read of stdin. A native library loaded by then
    leaves SIGINT installed with SA_RESTART, so the read resumes and the interrupt
    waits for end of input; installing Python's handler again clears the flag."""
    if (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    ):
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.siginterrupt(signal.SIGINT, True)


def _unlink(path: str) -> None:
    with suppress(FileNotFoundError):
        os.unlink(path)
