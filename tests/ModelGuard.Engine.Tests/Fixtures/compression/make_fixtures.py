#!/usr/bin/env python3
"""Writes the compression fixtures used by tests/ModelGuard.Engine.Tests/Formats/Compression.

Standard library only (zlib, bz2, lzma). Run with /usr/bin/python3 from any folder; it rewrites this folder's
*.zlib, *.bz2, *.xz, *.lzma files and manifest.json. The inputs are generated deterministically and not stored:
manifest.json records each fixture's kind, original length and SHA-256, and for concatenated streams the cut points
that are themselves complete inputs. Every fixture is checked against Python's own decoders before it is written.
"""

import bz2
import hashlib
import json
import lzma
import os
import random
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

WORDS = (
    "model tensor weight bias layer pickle joblib numpy array float int32 shape dtype scale zero point "
    "the of and to in is for with on as by at from that this be are was it or an not"
).split()


def text(n, seed):
    rng = random.Random(seed)
    templates = [
        "layer {0}.{1} has shape ({2}, {3}) and dtype {4}\n",
        "loading {4} weights for {0} from shard {2} of {3}\n",
        "the {0} of the {1} is {2}.{3} {4}\n",
    ]
    out = []
    size = 0
    while size < n:
        t = rng.choice(templates)
        line = t.format(rng.choice(WORDS), rng.choice(WORDS), rng.randrange(1, 4096), rng.randrange(1, 64), rng.choice(WORDS))
        out.append(line)
        size += len(line)
    return "".join(out).encode("ascii")[:n]


def mixed(n, seed):
    """Text, runs of one byte (long enough for bzip2's run-length stage), counters, and some random bytes."""
    rng = random.Random(seed)
    out = bytearray()
    while len(out) < n:
        kind = rng.random()
        if kind < 0.55:
            out += text(rng.randrange(200, 8000), rng.randrange(1 << 30))
        elif kind < 0.75:
            out += bytes([rng.randrange(256)]) * rng.choice([1, 3, 4, 5, 7, 255, 256, 259, 260, 1000, 5000])
        elif kind < 0.92:
            start = rng.randrange(1 << 20)
            out += b"".join(struct.pack("<I", start + i) for i in range(rng.randrange(50, 500)))
        else:
            out += rng.randbytes(rng.randrange(16, 700))
    return bytes(out[:n])


def runs(seed):
    """Runs of every length around bzip2's four-byte run threshold and its 255 maximum."""
    rng = random.Random(seed)
    out = bytearray()
    for length in list(range(1, 12)) + [250, 251, 252, 253, 254, 255, 256, 257, 258, 259, 260, 1000, 70000]:
        out += bytes([rng.randrange(256)]) * length
        out += bytes([rng.randrange(256)])
    return bytes(out)


def lzma2_dict_byte(size):
    for b in range(41):
        if (2 | (b & 1)) << (b // 2 + 11) >= size:
            return b
    raise ValueError(size)


def vli(value):
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def raw_lzma2(data, dict_size=1 << 20, preset=6):
    return lzma.compress(data, format=lzma.FORMAT_RAW, filters=[{"id": lzma.FILTER_LZMA2, "preset": preset, "dict_size": dict_size}])


def xz_by_hand(blocks, dict_size=1 << 20):
    """An .xz stream with CRC32 checks assembled block by block: blocks is a list of (raw LZMA2 bytes, original)."""
    flags = b"\x00\x01"
    out = bytearray(b"\xfd7zXZ\x00" + flags + struct.pack("<I", zlib.crc32(flags)))
    records = []
    for raw, original in blocks:
        body = bytearray([0, 0x40 | 0x80 | 0x00])
        body += vli(len(raw)) + vli(len(original))
        body += vli(0x21) + vli(1) + bytes([lzma2_dict_byte(dict_size)])
        while (len(body) + 4) % 4:
            body.append(0)
        body[0] = (len(body) + 4) // 4 - 1
        header = bytes(body) + struct.pack("<I", zlib.crc32(body))
        block = header + raw + b"\x00" * (-len(raw) % 4) + struct.pack("<I", zlib.crc32(original))
        out += block
        records.append((len(header) + len(raw) + 4, len(original)))
    index = bytearray(b"\x00" + vli(len(records)))
    for unpadded, uncompressed in records:
        index += vli(unpadded) + vli(uncompressed)
    index += b"\x00" * (-len(index) % 4)
    index += struct.pack("<I", zlib.crc32(index))
    out += index
    backward = struct.pack("<I", len(index) // 4 - 1) + flags
    out += struct.pack("<I", zlib.crc32(backward)) + backward + b"YZ"
    return bytes(out)


def lzma2_controls(raw):
    """Control bytes of a raw LZMA2 stream, for the coverage summary."""
    controls = []
    pos = 0
    while True:
        c = raw[pos]
        controls.append(c)
        if c == 0:
            return controls
        if c < 0x80:
            pos += 3 + (raw[pos + 1] << 8 | raw[pos + 2]) + 1
        else:
            packed = (raw[pos + 3] << 8 | raw[pos + 4]) + 1
            pos += 5 + (1 if c >= 0xC0 else 0) + packed


def main():
    small = text(1500, 1) + bytes(range(256)) + b"\x80\x04\x95" + text(500, 2)
    text64k = text(64 * 1024, 3)
    mixed_1m = mixed(1 << 20, 4)
    runs_data = runs(5)
    random16k = random.Random(6).randbytes(16 * 1024)
    zeros = bytes(100 * 1024 * 1024)
    originals = {
        "empty": b"",
        "small": small,
        "text64k": text64k,
        "mixed1m": mixed_1m,
        "runs": runs_data,
        "random16k": random16k,
        "zeros100m": zeros,
    }

    fixtures = []  # (file name, kind, original name, bytes, valid prefix lengths, Python check or None)

    def add(name, kind, original, data, prefixes=(), check=None):
        fixtures.append((name, kind, original, data, list(prefixes), check))

    # zlib
    add("empty.zlib", "Zlib", "empty", zlib.compress(b"", 6))
    for level in (0, 1, 9):
        add(f"small.l{level}.zlib", "Zlib", "small", zlib.compress(small, level))
    add("text64k.l0.zlib", "Zlib", "text64k", zlib.compress(text64k, 0))
    add("mixed1m.l1.zlib", "Zlib", "mixed1m", zlib.compress(mixed_1m, 1))
    add("mixed1m.l9.zlib", "Zlib", "mixed1m", zlib.compress(mixed_1m, 9))
    add("zeros100m.zlib", "Zlib", "zeros100m", zlib.compress(zeros, 9))

    # bzip2
    add("empty.bz2", "Bzip2", "empty", bz2.compress(b""))
    add("small.bz2", "Bzip2", "small", bz2.compress(small, 9))
    add("runs.bz2", "Bzip2", "runs", bz2.compress(runs_data, 9))
    add("mixed1m.l1.bz2", "Bzip2", "mixed1m", bz2.compress(mixed_1m, 1))
    parts = [bz2.compress(small, 9), bz2.compress(text64k, 1), bz2.compress(b"", 5)]
    originals["concat_bz2"] = small + text64k
    add("concat.bz2", "Bzip2", "concat_bz2", b"".join(parts), [len(parts[0]), len(parts[0]) + len(parts[1])])
    add("zeros100m.bz2", "Bzip2", "zeros100m", bz2.compress(zeros, 9))

    # xz
    add("empty.xz", "Xz", "empty", lzma.compress(b"", format=lzma.FORMAT_XZ))
    for check, label in ((lzma.CHECK_NONE, "none"), (lzma.CHECK_CRC32, "crc32"), (lzma.CHECK_CRC64, "crc64"), (lzma.CHECK_SHA256, "sha256")):
        add(f"small.{label}.xz", "Xz", "small", lzma.compress(small, format=lzma.FORMAT_XZ, check=check))
    add("mixed1m.xz", "Xz", "mixed1m", lzma.compress(mixed_1m, format=lzma.FORMAT_XZ, preset=6))
    add("random16k.xz", "Xz", "random16k", lzma.compress(random16k, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32))
    first = lzma.compress(small, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32)
    second = lzma.compress(text64k, format=lzma.FORMAT_XZ, check=lzma.CHECK_SHA256)
    third = lzma.compress(b"", format=lzma.FORMAT_XZ, check=lzma.CHECK_NONE)
    concat = first + bytes(8) + second + third + bytes(4)
    originals["concat_xz"] = small + text64k
    a, b = len(first), len(first) + 8 + len(second)

    def check_concat(data):
        # Python stops at stream padding (it ignores what follows), so check the streams one by one.
        assert data == first + bytes(8) + second + third + bytes(4)
        return lzma.decompress(first) + lzma.decompress(second + third)

    add("concat.xz", "Xz", "concat_xz", concat, [a, a + 4, a + 8, b, b + len(third), b + len(third) + 4], check_concat)
    # Two blocks with sizes in their headers; the second holds an uncompressed chunk, then a dictionary reset mid-block.
    part1, part2, part3 = text(20000, 7), random16k[:4000], text(30000, 8)
    block1 = raw_lzma2(part1)
    block2 = raw_lzma2(part2)[:-1] + raw_lzma2(part3)
    # A third block spelled chunk by chunk: LZMA, uncompressed without reset (0x02), LZMA with a state reset and new
    # properties (0xC0), uncompressed again, LZMA with a state reset only (0xA0). The relabelled chunks were encoded on
    # their own, which decodes the same here because the data before them ends in a newline (literal context 0) at a
    # multiple of four bytes (position context 0) and a reset state never looks back into the dictionary.
    piece_a, piece_b, piece_c = text(5999, 9) + b"\n", text(4999, 10) + b"\n", text(4000, 11)
    filler1 = random.Random(12).randbytes(999) + b"\n"
    filler2 = random.Random(13).randbytes(1199) + b"\n"
    for piece in (piece_a, piece_a + filler1 + piece_b, piece_a + filler1 + piece_b + filler2):
        assert len(piece) % 4 == 0 and piece.endswith(b"\n")

    def single_chunk(data, control_class, keep_properties):
        raw = raw_lzma2(data)
        assert lzma2_controls(raw)[1:] == [0] and raw[0] >= 0xE0
        body = raw[5:-1] if keep_properties else raw[6:-1]
        return bytes([control_class << 5 | raw[0] & 0x1F]) + raw[1:5] + body

    def stored_chunk(data):
        return b"\x02" + struct.pack(">H", len(data) - 1) + data

    block3 = raw_lzma2(piece_a)[:-1] + stored_chunk(filler1) + single_chunk(piece_b, 6, True) + stored_chunk(filler2) + single_chunk(piece_c, 5, False) + b"\x00"
    part4 = piece_a + filler1 + piece_b + filler2 + piece_c
    originals["multiblock"] = part1 + part2 + part3 + part4
    add("multiblock.xz", "Xz", "multiblock", xz_by_hand([(block1, part1), (block2, part2 + part3), (block3, part4)]))
    add("bcj-x86.xz", "Xz", "small", lzma.compress(small, format=lzma.FORMAT_XZ, filters=[{"id": lzma.FILTER_X86}, {"id": lzma.FILTER_LZMA2}]))
    add("delta.xz", "Xz", "small", lzma.compress(small, format=lzma.FORMAT_XZ, filters=[{"id": lzma.FILTER_DELTA, "dist": 4}, {"id": lzma.FILTER_LZMA2}]))
    add("zeros100m.xz", "Xz", "zeros100m", lzma.compress(zeros, format=lzma.FORMAT_XZ, preset=6))

    # .lzma (FORMAT_ALONE): Python writes an unknown size and an end marker.
    add("empty.lzma", "LzmaAlone", "empty", lzma.compress(b"", format=lzma.FORMAT_ALONE))
    alone_small = lzma.compress(small, format=lzma.FORMAT_ALONE)
    add("small.lzma", "LzmaAlone", "small", alone_small)
    add("small.known-size-and-marker.lzma", "LzmaAlone", "small", alone_small[:5] + struct.pack("<Q", len(small)) + alone_small[13:])
    add("mixed1m.lzma", "LzmaAlone", "mixed1m", lzma.compress(mixed_1m, format=lzma.FORMAT_ALONE))
    # A known size without an end marker: the single LZMA chunk of a raw LZMA2 stream is exactly such LZMA data.
    raw = raw_lzma2(text64k, dict_size=1 << 20)
    controls = lzma2_controls(raw)
    assert controls[0] >= 0xE0 and controls[1:] == [0], controls
    unpacked = ((raw[0] & 0x1F) << 16 | raw[1] << 8 | raw[2]) + 1
    packed = (raw[3] << 8 | raw[4]) + 1
    assert unpacked == len(text64k) and len(raw) == 6 + packed + 1
    add("text64k.known-size-no-marker.lzma", "LzmaAlone", "text64k", bytes([raw[5]]) + struct.pack("<IQ", 1 << 20, len(text64k)) + raw[6:6 + packed])
    add("zeros100m.lzma", "LzmaAlone", "zeros100m", lzma.compress(zeros, format=lzma.FORMAT_ALONE))

    python_decoders = {
        "Zlib": zlib.decompress,
        "Bzip2": bz2.decompress,
        "Xz": lambda d: lzma.decompress(d, format=lzma.FORMAT_XZ),
        "LzmaAlone": lambda d: lzma.decompress(d, format=lzma.FORMAT_ALONE),
    }

    for name in os.listdir(HERE):
        if name.endswith((".zlib", ".bz2", ".xz", ".lzma")) or name == "manifest.json":
            os.remove(os.path.join(HERE, name))

    manifest = []
    total = 0
    for name, kind, original, data, prefixes, check in fixtures:
        expected = originals[original]
        assert (check or python_decoders[kind])(data) == expected, name
        for cut in prefixes if check is None else ():
            python_decoders[kind](data[:cut])  # each listed prefix is itself a complete input
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        total += len(data)
        manifest.append({
            "file": name,
            "kind": kind,
            "length": len(expected),
            "sha256": hashlib.sha256(expected).hexdigest(),
            "completePrefixes": prefixes,
        })
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")

    seen = sorted({c >> 5 if c >= 0x80 else c for c in lzma2_controls(raw_lzma2(mixed_1m)) + lzma2_controls(block2) + lzma2_controls(block3)})
    print(f"{len(fixtures)} fixtures, {total} bytes; LZMA2 control classes in mixed1m and the multiblock fixture: {seen}")


if __name__ == "__main__":
    main()
