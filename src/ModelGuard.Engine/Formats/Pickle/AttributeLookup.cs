namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>
/// <c>builtins.getattr(obj, "name")</c> with a literal name is an attribute lookup the analysis can follow: the result is
/// the attribute <c>Class.name</c> of the object's class (or of the class itself), which is classified like any import
/// (Python 3.11 pickles enum members as <c>getattr(Enum, "MEMBER")</c>, torch's OneCycleLR keeps a bound method). A
/// lookup that cannot be followed leaves getattr as the call it is: MG1001.
/// </summary>
internal static class AttributeLookup
{
    public static bool TryResolve(PickleImport callee, PickleValue args, long offset, out PickleImport attribute)
    {
        attribute = null!;
        if (callee.Module != "builtins" || callee.Name != "getattr"
            || args is not TupleValue { Count: 2 or 3 } tuple || tuple[1] is not TextValue name)
        {
            return false;
        }

        // The object: a class the pickle imported, or an instance a call of an imported class made.
        var owner = tuple[0] switch
        {
            GlobalValue g => g.Import,
            CallResultValue c => c.Origin,
            _ => null,
        };
        if (owner is not { IsResolved: true } || name.Text.Length == 0)
        {
            return false;
        }

        attribute = new PickleImport(owner.Module, owner.Name + "." + name.Text, PickleOpcode.Reduce, offset, reachedThrough: $"builtins.getattr at offset {offset}");
        return true;
    }
}
