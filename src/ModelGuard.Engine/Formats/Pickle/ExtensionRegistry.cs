using System.Collections.Generic;

namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>
/// The state of <c>copyreg</c>'s extension registry as a file's pickles change it: empty in a fresh interpreter,
/// filled by <c>copyreg.add_extension(module, name, code)</c> calls earlier in the same file.
/// </summary>
internal sealed class ExtensionRegistry
{
    private readonly Dictionary<long, (string Module, string Name)> _codes = new();

    public void Register(long code, string module, string name) => _codes[code] = (module, name);

    public bool TryResolve(long code, out (string Module, string Name) target) => _codes.TryGetValue(code, out target);
}
