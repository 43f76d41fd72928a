#!/usr/bin/env python3
"""Writes pickles of ordinary data in every protocol, each with the opcode listing CPython's pickletools
produces for it, so the C# disassembler is checked against the reference decoder.

Run from this folder with Debian's stdlib-only Python:  /usr/bin/python3 make_fixtures.py
Nothing here is unpickled; pickle.dumps only serializes local data.
"""
import collections
import datetime
import decimal
import fractions
import pathlib
import pickle
import pickletools

HERE = pathlib.Path(__file__).resolve().parent


def samples():
    shared = [1, 2]
    recursive = []
    recursive.append(recursive)
    yield "scalars", [None, True, False, 0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31, 2**63, -2**64, 2**200, 1.5, -0.0, float("inf")]
    yield "strings", ["", "a", "é\u20ac\U0001F600", "line\nbreak\\u0041", "x" * 300, "y" * 5000, b"", b"\x00\xff", b"z" * 300, bytearray(b"abc")]
    yield "containers", [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), [], [1, [2, [3]]], {}, {"k": "v", 1: 2}, set(), {1, 2}, frozenset({3})]
    yield "memo", [shared, shared, recursive, ("t", "t")]
    yield "stdlib", [collections.OrderedDict(a=1), collections.defaultdict(list), collections.deque([1]),
                     datetime.datetime(2024, 1, 2, 3, 4, 5), datetime.timedelta(days=1), decimal.Decimal("1.25"), fractions.Fraction(1, 3)]
    yield "big_list", list(range(2500))


def main():
    for name, value in samples():
        for protocol in range(0, 6):
            data = pickle.dumps(value, protocol=protocol)
            stem = f"{name}_p{protocol}"
            (HERE / f"{stem}.pkl").write_bytes(data)
            lines = []
            for opcode, arg, pos in pickletools.genops(data):
                text = ""
                if opcode.name in ("GLOBAL", "INST"):
                    text = " " + arg.replace(" ", ".", 1)
                lines.append(f"{pos} {opcode.name}{text}")
            (HERE / f"{stem}.opcodes").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
