namespace ModelGuard.Engine.Formats.Zip;

/// <summary>Signatures, fixed record sizes and field values of the zip format (APPNOTE.TXT).</summary>
internal static class ZipConstants
{
    public const uint LocalHeaderSignature = 0x04034b50;
    public const uint CentralHeaderSignature = 0x02014b50;
    public const uint EndOfCentralDirectorySignature = 0x06054b50;
    public const uint Zip64EndOfCentralDirectorySignature = 0x06064b50;
    public const uint Zip64LocatorSignature = 0x07064b50;

    public const int LocalHeaderSize = 30;
    public const int CentralHeaderSize = 46;
    public const int EndOfCentralDirectorySize = 22;
    public const int Zip64EndOfCentralDirectorySize = 56;
    public const int Zip64LocatorSize = 20;
    public const int MaxCommentLength = ushort.MaxValue;

    public const ushort Zip64ExtraFieldId = 0x0001;

    public const ushort MethodStored = 0;
    public const ushort MethodDeflate = 8;
    public const ushort MethodAes = 99;

    public const ushort FlagEncrypted = 0x0001;
    public const ushort FlagUtf8 = 0x0800;

    public const ushort Saturated16 = 0xFFFF;
    public const uint Saturated32 = 0xFFFFFFFF;
}
