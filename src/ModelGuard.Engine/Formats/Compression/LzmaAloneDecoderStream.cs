using System;
using System.Buffers.Binary;
using System.IO;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// The legacy .lzma ("alone") format: a properties byte, a 32-bit little-endian dictionary size, a 64-bit little-endian
/// uncompressed size (all ones when unknown, then an end marker is required), then raw LZMA data. With a known size
/// the data may still close with an end marker. The data must end the input. The format has no checksum: corruption
/// is only seen when it breaks the decoding rules.
/// </summary>
internal sealed class LzmaAloneDecoderStream : DecoderStream
{
    /// <summary>Length of the header.</summary>
    public const int HeaderLength = 13;

    private const string Format = "lzma";

    private readonly CompressedInput _input;
    private readonly LzmaWindow _window = new();
    private readonly LzmaDecoder _decoder;
    private bool _started;
    private bool _ended;
    private bool _done;
    private bool _sizeKnown;
    private ulong _declaredSize;
    private long _produced;

    public LzmaAloneDecoderStream(Stream compressed, long maxOutputBytes, bool leaveOpen = false)
        : base(compressed, maxOutputBytes, leaveOpen)
    {
        _input = new CompressedInput(compressed, Format);
        _decoder = new LzmaDecoder(_input, _window, Format);
    }

    protected override string FormatName => Format;

    /// <summary>
    /// The plausibility test used for sniffing: properties byte below 225, dictionary size 2^n or 2^n + 2^(n-1), size
    /// unknown or below 2^48. The format has no magic, so this is weak: random data passes about once in a few
    /// hundred thousand tries, and callers only try it where an .lzma file is plausible.
    /// </summary>
    public static bool IsPlausibleHeader(ReadOnlySpan<byte> head)
    {
        if (head.Length < HeaderLength || head[0] >= 9 * 5 * 5)
        {
            return false;
        }

        var dictionary = BinaryPrimitives.ReadUInt32LittleEndian(head.Slice(1));
        var size = BinaryPrimitives.ReadUInt64LittleEndian(head.Slice(5));
        return IsTidyDictionarySize(dictionary) && (size == ulong.MaxValue || size < (1UL << 48));
    }

    protected override int ReadCore(Span<byte> destination)
    {
        if (!_started)
        {
            Start();
        }

        while (!_done)
        {
            if (_ended)
            {
                Finish();
                break;
            }

            var remaining = _sizeKnown ? (long)Math.Min(_declaredSize - (ulong)_produced, long.MaxValue) : long.MaxValue;
            if (remaining == 0)
            {
                if (!_decoder.Range.IsFinishedOk)
                {
                    _decoder.ReadEndMarker();
                }

                _ended = true;
                continue;
            }

            var written = _decoder.Decode(destination, remaining, allowEndMarker: true);
            _produced += written;
            if (_decoder.EndMarkerSeen)
            {
                if (_sizeKnown && (ulong)_produced != _declaredSize)
                {
                    throw CompressedFormatException.At(Format, _input.Position, $"the end marker comes after {_produced} bytes, but the header declares {_declaredSize}");
                }

                _ended = true;
            }

            if (written > 0)
            {
                return written;
            }
        }

        return 0;
    }

    protected override void ReleaseResources() => _input.Dispose();

    private static bool IsTidyDictionarySize(uint size)
    {
        if (size == 0)
        {
            return false;
        }

        // 2^n is 1 times its lowest set bit; 2^n + 2^(n-1) is 3 times it.
        var lowest = size & (~size + 1);
        var multiple = size / lowest;
        return multiple == 1 || multiple == 3;
    }

    private void Start()
    {
        _started = true;
        Span<byte> header = stackalloc byte[HeaderLength];
        _input.ReadExact(header, "the 13-byte header");
        if (!LzmaProperties.TryDecode(header[0], lzma2: false, out var lc, out var lp, out var pb, out var problem))
        {
            throw CompressedFormatException.At(Format, 0, problem!);
        }

        var dictionary = LzmaProperties.CheckDictionarySize(BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(1)), Format, 1);
        _declaredSize = BinaryPrimitives.ReadUInt64LittleEndian(header.Slice(5));
        _sizeKnown = _declaredSize != ulong.MaxValue;
        _window.Reset(dictionary);
        _decoder.SetProperties(lc, lp, pb);
        _decoder.ResetState();
        _decoder.Range.Start(long.MaxValue);
    }

    private void Finish()
    {
        if (!_input.AtEnd)
        {
            throw CompressedFormatException.At(Format, _input.Position, "bytes follow the end of the LZMA data");
        }

        _done = true;
    }
}
