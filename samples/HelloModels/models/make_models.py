#!/usr/bin/env python3
"""Writes the two checkpoints the HelloModels sample ships: benign.pt and malicious.pt.

Rerun (Debian/Ubuntu, from the repository root):
    sudo apt-get install -y python3-torch
    /usr/bin/python3 samples/HelloModels/models/make_models.py

The files are committed, so building the sample needs neither Python nor torch.

benign.pt    torch.save of a small nn.Linear state_dict (tensors only).
malicious.pt torch.save of an object whose __reduce__ returns (os.system, (command,)): loading it with torch.load
             (weights_only=False, the default before PyTorch 2.6) runs the command. The command only echoes a line,
             but never load this file: this script writes it and nothing reads it back.
"""

import os
import pathlib

import torch

HERE = pathlib.Path(__file__).resolve().parent
COMMAND = "echo ModelGuard sample: this command ran while the model loaded"


class RunsACommandWhenLoaded:
    """Pickles as a call to os.system(COMMAND): the unpickler calls it to rebuild the object."""

    def __reduce__(self):
        return (os.system, (COMMAND,))


def main():
    torch.manual_seed(0)
    layer = torch.nn.Linear(4, 2)
    torch.save(layer.state_dict(), HERE / "benign.pt")

    # A real attack hides the payload inside an otherwise valid checkpoint, next to genuine weights.
    torch.save({"state_dict": layer.state_dict(), "extra": RunsACommandWhenLoaded()}, HERE / "malicious.pt")

    for name in ("benign.pt", "malicious.pt"):
        print(f"wrote {HERE / name} ({(HERE / name).stat().st_size} bytes)")


if __name__ == "__main__":
    main()
