using System.IO;
using ModelGuard.TestSupport;

namespace ModelGuard.Benchmarks.Inputs;

/// <summary>
/// Protocol 4 framing as CPython's pickler does it: small opcodes collect in a frame buffer that is written behind a FRAME
/// opcode once it reaches 64 KiB (at an opcode boundary); large payloads go outside any frame, straight to the file.
/// </summary>
internal sealed class FramedPickle
{
    private const int FrameTarget = 64 * 1024;
    private readonly Stream _output;
    private readonly MemoryStream _frame = new();

    public FramedPickle(Stream output)
    {
        _output = output;
        W = new PickleWriter(_frame);
    }

    /// <summary>The writer of the current frame.</summary>
    public PickleWriter W { get; }

    /// <summary>Bytes written so far, the open frame included.</summary>
    public long Length => _output.Position + _frame.Length + (_frame.Length > 0 ? 9 : 0);

    /// <summary>Commits the frame if it reached its target size (call between opcodes).</summary>
    public void MaybeCommit()
    {
        if (_frame.Length >= FrameTarget)
        {
            Commit();
        }
    }

    /// <summary>Writes the open frame (if any) behind its FRAME opcode.</summary>
    public void Commit()
    {
        if (_frame.Length == 0)
        {
            return;
        }

        new PickleWriter(_output).Frame((ulong)_frame.Length);
        _frame.Position = 0;
        _frame.CopyTo(_output);
        _frame.SetLength(0);
    }

    /// <summary>A writer for opcodes that go outside frames (large payload headers), after committing the open frame.</summary>
    public PickleWriter Unframed()
    {
        Commit();
        return new PickleWriter(_output);
    }
}
