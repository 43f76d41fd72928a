using System;
using System.Globalization;
using System.IO;

namespace ModelGuard.Engine.Limits;

/// <summary>
/// How many decompressed bytes one file may produce in all (<see cref="Scanning.ScanOptions.MaxTotalDecompressedBytes"/>),
/// across every member and nesting level. The per-stream limit alone lets an archive of many members that share one
/// compressed kernel (a non-recursive zip bomb) or a deep nest of small bombs cost its limit once per member.
/// </summary>
internal sealed class DecompressionBudget
{
    private long _used;

    public DecompressionBudget(long limit) => Limit = limit;

    public long Limit { get; }

    public long Used => _used;

    /// <summary>Counts <paramref name="bytes"/> more decompressed bytes; throws <see cref="ScanLimitExceededException"/> past the limit.</summary>
    public void Spend(long bytes)
    {
        _used += bytes;
        if (_used > Limit)
        {
            throw new ScanLimitExceededException(
                ScanLimit.TotalDecompressedBytes,
                string.Format(
                    CultureInfo.InvariantCulture,
                    "the file's compressed content expands to more than {0} bytes in all, the limit for one file (ScanOptions.MaxTotalDecompressedBytes); the rest of it was not verified",
                    Limit));
        }
    }

    /// <summary>Wraps a decompressing stream so what it produces is charged to this budget.</summary>
    public Stream Charge(Stream decompressed) => new ChargedStream(decompressed, this);

    /// <summary>Forward-only pass-through that charges every byte read to the budget and checks the scan's time budget.</summary>
    private sealed class ChargedStream : IO.ForwardReadStream
    {
        private readonly Stream _inner;
        private readonly DecompressionBudget _budget;

        public ChargedStream(Stream inner, DecompressionBudget budget)
        {
            _inner = inner;
            _budget = budget;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // A decoder can produce gigabytes from a few bytes of input without reading its input again: the time budget is
            // checked on its output too.
            ScanDeadline.Check();
            var read = _inner.Read(buffer, offset, count);
            Delivered += read;
            _budget.Spend(read);
            return read;
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
}
