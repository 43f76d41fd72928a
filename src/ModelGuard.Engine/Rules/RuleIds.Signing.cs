namespace ModelGuard.Engine.Rules;

/// <summary>Rule IDs for OpenSSF Model Signing signatures (<c>model.sig</c>).</summary>
public static partial class RuleIds
{
    /// <summary>The signature does not verify.</summary>
    public const string SignatureInvalid = "MG4101";

    /// <summary>The signature verifies but its signer is not trusted.</summary>
    public const string SignerNotTrusted = "MG4102";

    /// <summary>A file differs from its signed digest, or a signed file is missing.</summary>
    public const string SignedFileChanged = "MG4103";

    /// <summary>A bundled file of a signed folder is not covered by the signature.</summary>
    public const string FileNotSigned = "MG4104";

    /// <summary>The signature file is malformed or of an unsupported version or algorithm.</summary>
    public const string SignatureUnreadable = "MG4105";

    /// <summary>A bundled model has no signature although one is required.</summary>
    public const string ModelUnsigned = "MG4106";

    /// <summary>The transparency-log proof of a Sigstore signature is missing or invalid.</summary>
    public const string TransparencyLogInvalid = "MG4107";

    /// <summary>A bundled signature is not verified because no trusted signer is configured.</summary>
    public const string SignatureNotChecked = "MG4108";

    /// <summary>A ModelGuardTrustedSigner item cannot be used (missing or unreadable file, not a PEM key or certificate, unknown Kind, no Issuer).</summary>
    public const string TrustedSignerUnusable = "MG9010";

    /// <summary>The Sigstore trusted root named by ModelGuardSigstoreTrustedRoot cannot be read.</summary>
    public const string SigstoreTrustedRootUnusable = "MG9011";
}
