using System;
using System.IO;

namespace ModelGuard.Engine.IO;

/// <summary>
/// Turns the first read failure of a decoder into an end of stream and keeps the exception, so the reader of the
/// decoded content finishes what it can (and reports what it saw) before the caller decides what the failure means.
/// </summary>
internal sealed class FaultLatchingReadStream : ForwardReadStream
{
    private readonly Stream _inner;
    private readonly Func<Exception, bool> _isDataFault;

    public FaultLatchingReadStream(Stream inner, Func<Exception, bool> isDataFault)
    {
        _inner = inner;
        _isDataFault = isDataFault;
    }

    /// <summary>The failure that ended the stream, if one did.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Decoded bytes handed out before the end or the failure.</summary>
    public long BytesRead => Delivered;

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (Fault is not null)
        {
            return 0;
        }

        try
        {
            var read = _inner.Read(buffer, offset, count);
            Delivered += read;
            return read;
        }
        catch (Exception ex) when (_isDataFault(ex))
        {
            Fault = ex;
            return 0;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
