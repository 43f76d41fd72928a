using System;

namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>How the unpickler uses an imported object.</summary>
[Flags]
internal enum ImportUse
{
    /// <summary>Imported and possibly kept, never called.</summary>
    Referenced = 0,

    /// <summary>Called (REDUCE, NEWOBJ, NEWOBJ_EX, OBJ, INST) or its methods invoked (BUILD, APPEND, SETITEM, ADDITEMS).</summary>
    Called = 1,

    /// <summary>Passed as an argument to a call.</summary>
    Argument = 2,
}

/// <summary>One import the pickle performs (GLOBAL, STACK_GLOBAL, INST or EXT), resolved as the unpickler would resolve it.</summary>
internal sealed class PickleImport
{
    public PickleImport(string? module, string? name, PickleOpcode opcode, long offset, string? writtenAs = null, string? unresolvedReason = null, string? reachedThrough = null)
    {
        ReachedThrough = reachedThrough;
        Module = module;
        Name = name;
        Opcode = opcode;
        Offset = offset;
        WrittenAs = writtenAs;
        UnresolvedReason = unresolvedReason;
    }

    /// <summary>The module after Python 2 names were remapped; null when it cannot be determined statically.</summary>
    public string? Module { get; }

    /// <summary>The attribute (possibly dotted); null when it cannot be determined statically.</summary>
    public string? Name { get; }

    public PickleOpcode Opcode { get; }

    public long Offset { get; }

    /// <summary>The name as written in the pickle when the unpickler remaps it (Python 2 names), else null.</summary>
    public string? WrittenAs { get; }

    /// <summary>Why the target could not be resolved; null when it was.</summary>
    public string? UnresolvedReason { get; }

    public bool IsResolved => UnresolvedReason is null;

    /// <summary>
    /// For an attribute the pickle reaches without importing it by name (<c>getattr(obj, "name")</c>): how, as
    /// "builtins.getattr at offset N". Module and Name then name the attribute as a dotted path of the object's class.
    /// </summary>
    public string? ReachedThrough { get; }

    /// <summary>
    /// Calls the analysis followed instead of treating as opaque: attribute lookups with a literal name (the looked-up
    /// attribute is classified on its own) and nested loads of bytes present in the file (scanned as nested content).
    /// </summary>
    public int FollowedCalls { get; private set; }

    public ImportUse Uses { get; private set; }

    /// <summary>The first opcode that called the import, if any.</summary>
    public PickleOpcode? CalledBy { get; private set; }

    public long? CalledAt { get; private set; }

    public string Display => IsResolved ? Module + "." + Name : "an unresolved global";

    public void MarkCalled(PickleOpcode opcode, long offset)
    {
        if (CalledBy is null)
        {
            CalledBy = opcode;
            CalledAt = offset;
        }

        Uses |= ImportUse.Called;
    }

    public void MarkArgument() => Uses |= ImportUse.Argument;

    public void MarkFollowedCall() => FollowedCalls++;
}
