using System;
using System.Collections.Generic;
using ModelGuard.Engine.Formats.Pickle;

namespace ModelGuard.Engine.Policy;

/// <summary>
/// Gadgets inside allowed names: allowlisted helpers that call, construct, look up or setattr what they are given. Each
/// entry says what the helper does with its arguments and which arguments keep it a plain rebuild; a call whose
/// arguments steer it elsewhere (a callable that is not one the helper is meant to call, a class position holding a call
/// result, a dunder attribute name, a codec or generator name that is not a literal) is MG1001. The tests in
/// HelperArgumentCheckTests hold one case per entry. Helpers whose module is denied as a whole are not listed:
/// torch.fx's graph-module reducers exec the source they are given, and torch.fx.* is MG1001 by name.
/// </summary>
internal static class HelperArgumentChecks
{
    private static readonly HashSet<string> BuiltinBases = new(StringComparer.Ordinal)
    {
        "builtins.object", "builtins.int", "builtins.float", "builtins.complex", "builtins.str", "builtins.bytes",
        "builtins.bytearray", "builtins.list", "builtins.dict", "builtins.tuple", "builtins.set", "builtins.frozenset", "builtins.bool",
    };

    private static readonly HashSet<string> BitGenerators = new(StringComparer.Ordinal) { "MT19937", "PCG64", "PCG64DXSM", "Philox", "SFC64" };

    private static readonly HashSet<string> BitGeneratorClasses = new(StringComparer.Ordinal)
    {
        "numpy.random._pickle.__bit_generator_ctor", "numpy.random._mt19937.MT19937", "numpy.random._pcg64.PCG64",
        "numpy.random._pcg64.PCG64DXSM", "numpy.random._philox.Philox", "numpy.random._sfc64.SFC64",
    };

    private static readonly HashSet<string> SafeCodecs = new(StringComparer.Ordinal) { "latin1", "latin-1", "iso-8859-1", "iso8859-1", "utf-8", "utf8", "ascii" };

    // The names below, checked first so that the common call (a rebuild helper) costs one hash lookup and no string concatenation.
    private static readonly HashSet<string> CheckedNames = new(StringComparer.Ordinal)
    {
        "_rebuild_from_type_v2", "_rebuild_parameter_with_state", "_rebuild_wrapper_subclass", "_reconstructor", "__randomstate_ctor",
        "__generator_ctor", "__bit_generator_ctor", "encode", "_reconstruct", "_mareconstruct", "newObj", "_new_Index", "_new_DatetimeIndex",
    };

    /// <summary>What the call would do when its arguments steer the helper into code, null when they keep it a plain rebuild.</summary>
    public static string? Check(string module, string name, PickleValue args)
    {
        // Cython's __pyx_unpickle_X(type, checksum, state) calls X.__new__(type): the type must be an imported class.
        if (name.StartsWith("__pyx_unpickle_", StringComparison.Ordinal))
        {
            return ClassPosition(module, name, args is TupleValue { Count: > 0 } pyx ? pyx[0] : null, "first");
        }

        if (!CheckedNames.Contains(name))
        {
            return null;
        }

        var items = args as TupleValue;
        PickleValue? Arg(int index) => items is not null && index < items.Count ? items[index] : null;
        switch (module + "." + name)
        {
            // _rebuild_from_type_v2(func, new_type, args, state): ret = func(*args), then as_subclass(new_type) and
            // _set_obj_state(ret, state), which setattr()s every key of state.
            case "torch._tensor._rebuild_from_type_v2":
                if (Arg(0) is not GlobalValue { Import: { IsResolved: true } func } || func.Module != "torch._utils" || !func.Name!.StartsWith("_rebuild_", StringComparison.Ordinal))
                {
                    return $"calls {module}.{name}, which calls its first argument; that is {Describe(Arg(0))}, not one of torch's tensor rebuild helpers, so the helper is steered into calling something else";
                }

                return ClassPosition(module, name, Arg(1), "second") ?? DunderState(module, name, Arg(3));

            // _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state): _set_obj_state setattr()s every key of state.
            case "torch._utils._rebuild_parameter_with_state":
                return DunderState(module, name, Arg(3));

            // _rebuild_wrapper_subclass(cls, ...) calls cls._make_wrapper_subclass.
            case "torch._utils._rebuild_wrapper_subclass":
                return ClassPosition(module, name, Arg(0), "first");

            // copyreg._reconstructor(cls, base, state): base.__new__(cls, state), then base.__init__(obj, state) unless base is object.
            case "copyreg._reconstructor":
                if (Arg(1) is not GlobalValue { Import: { IsResolved: true } b } || !BuiltinBases.Contains(b.Module + "." + b.Name))
                {
                    return $"calls copyreg._reconstructor with base {Describe(Arg(1))}; the helper calls base.__new__ and base.__init__, and pickle only ever writes object or a builtin type there";
                }

                return ClassPosition(module, name, Arg(0), "first");

            // numpy's random-state constructors look the bit generator up by name (numpy 2 also accepts a class and calls it).
            case "numpy.random._pickle.__randomstate_ctor":
            case "numpy.random._pickle.__generator_ctor":
            case "numpy.random._pickle.__bit_generator_ctor":
                if (Arg(0) is { } generator && !(generator is TextValue t && BitGenerators.Contains(t.Text)) && !(generator is CallResultValue { Origin: { IsResolved: true } o } && BitGeneratorClasses.Contains(o.Module + "." + o.Name)))
                {
                    return $"calls {module}.{name} with {Describe(generator)} where numpy's bit generator name belongs; numpy looks the name up or calls the class it is given";
                }

                if (Arg(1) is { } ctor && !(ctor is GlobalValue { Import: { IsResolved: true } c } && BitGeneratorClasses.Contains(c.Module + "." + c.Name)))
                {
                    return $"calls {module}.{name} with {Describe(ctor)} as the bit generator constructor, which the helper calls";
                }

                return null;

            // _codecs.encode(obj, encoding): the codec is looked up by name, which imports an encodings module (zlib_codec, ...).
            case "_codecs.encode":
                return Arg(1) is null || (Arg(1) is TextValue codec && SafeCodecs.Contains(codec.Text.ToLowerInvariant()))
                    ? null
                    : $"calls _codecs.encode with the codec {Describe(Arg(1))}; a codec name imports and runs an encodings module, and pickle only writes latin1 there";

            // _reconstruct(subtype, shape, dtype) and _mareconstruct(subtype, baseclass, ...) allocate an array of subtype.
            case "numpy.core.multiarray._reconstruct":
            case "numpy._core.multiarray._reconstruct":
                return ClassPosition(module, name, Arg(0), "first");
            case "numpy.ma.core._mareconstruct":
                return ClassPosition(module, name, Arg(0), "first") ?? ClassPosition(module, name, Arg(1), "second");

            // pandas (profile): _new_Index(cls, d) and _new_DatetimeIndex(cls, d) call cls.__new__(cls, **d).
            case "pandas.core.indexes.base._new_Index":
            case "pandas.core.indexes.datetimes._new_DatetimeIndex":
                return ClassPosition(module, name, Arg(0), "first");

            // scikit-learn's Cython trees and distance metrics: newObj(cls) returns cls.__new__(cls).
            case "sklearn.neighbors._kd_tree.newObj":
            case "sklearn.neighbors._ball_tree.newObj":
            case "sklearn.metrics._dist_metrics.newObj":
                return ClassPosition(module, name, Arg(0), "first");

            default:
                return null;
        }
    }

    /// <summary>A position where the helper expects a class: it must be an imported name (classified on its own), not a call result.</summary>
    private static string? ClassPosition(string module, string name, PickleValue? value, string position)
        => value is null or GlobalValue
            ? null
            : $"calls {module}.{name} with {Describe(value)} as its {position} argument, where the helper expects a class it then calls or constructs";

    private static string? DunderState(string module, string name, PickleValue? state)
        => state is DictValue { DunderKey: { } key }
            ? $"calls {module}.{name} with a state that sets the attribute {key}; the helper setattr()s every key of the state, and a dunder name rewires the object instead of restoring its data"
            : null;

    private static string Describe(PickleValue? value) => value switch
    {
        null => "nothing",
        TextValue text => "'" + text.Text + "'",
        _ => value.Describe(),
    };
}
