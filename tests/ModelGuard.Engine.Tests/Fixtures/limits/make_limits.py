"""Writes the decompression-bomb fixtures of the limit tests (tests/ModelGuard.Engine.Tests/Robustness/LimitTests.cs).

Each file is one pickle, compressed: PROTO 4, BINBYTES8 of 4 MiB of zeros, NONE, STOP. A scanner has to read every
decompressed byte to reach STOP (the payload is skipped in a forward-only stream), so a per-stream limit below 4 MiB must
stop it. The files are a few hundred bytes to a few KiB. .NET has no bzip2, xz or .lzma compressor, hence this script:

    python3 make_limits.py
"""
import bz2
import lzma
import struct

PAYLOAD = 4 * 1024 * 1024
pickle = b"\x80\x04" + b"\x8e" + struct.pack("<Q", PAYLOAD) + bytes(PAYLOAD) + b"N."

with open("pickle_bomb_4m.bz2", "wb") as f:
    f.write(bz2.compress(pickle, 9))
with open("pickle_bomb_4m.xz", "wb") as f:
    f.write(lzma.compress(pickle, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64))
with open("pickle_bomb_4m.lzma", "wb") as f:
    f.write(lzma.compress(pickle, format=lzma.FORMAT_ALONE))
