using System;
using System.Collections.Generic;
using System.Linq;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Formats.Onnx;

/// <summary>
/// Checks an <see cref="OnnxModel"/> without touching any other file: versions, operator domains, tensors (type, dims, data
/// sizes) and graphs (definitions, duplicates, cycles, recursive functions). External data files are <see cref="OnnxExternalDataValidator"/>'s.
/// </summary>
internal static class OnnxStructureValidator
{
    private const int HighestIrVersion = 13;

    /// <summary>Operator set versions that exist, per standard domain (the default domain is "" or "ai.onnx").</summary>
    private static readonly Dictionary<string, long> HighestOpset = new(StringComparer.Ordinal)
    {
        [string.Empty] = 26,
        ["ai.onnx"] = 26,
        ["ai.onnx.ml"] = 5,
        ["ai.onnx.training"] = 1,
        ["ai.onnx.preview.training"] = 1,
        ["com.microsoft"] = 1,
    };

    /// <summary>Domains whose operators every ONNX Runtime build has (the standard sets and its own contrib sets).</summary>
    private static readonly HashSet<string> BuiltInDomains = new(StringComparer.Ordinal)
    {
        string.Empty, "ai.onnx", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training", "com.microsoft", "com.microsoft.nchwc", "com.ms.internal.nhwc",
    };

    /// <summary>Operators that call back into a Python interpreter, whatever their domain.</summary>
    private static readonly HashSet<string> PythonOperators = new(StringComparer.Ordinal) { "PythonOp", "PythonOpGrad", "PyOp" };

    public static void Validate(OnnxModel model, List<FormatIssue> issues)
    {
        CheckVersions(model, issues);
        if (model.Graph is null)
        {
            issues.Add(new FormatIssue(RuleCatalog.OnnxInvalidGraph, null, "the model has no graph; runtimes refuse it"));
        }

        foreach (var tensor in OnnxModelWalk.Tensors(model))
        {
            CheckTensor(tensor, issues);
        }

        foreach (var sparse in OnnxModelWalk.SparseTensors(model))
        {
            CheckSparseTensor(sparse, issues);
        }

        if (model.Graph is { } main)
        {
            if (main.Outputs.Count == 0)
            {
                issues.Add(new FormatIssue(RuleCatalog.OnnxInvalidGraph, main.Offset, "the main graph has no outputs; runtimes refuse a model that computes nothing"));
            }

            CheckGraph(main, new HashSet<string>(StringComparer.Ordinal), issues);
        }

        foreach (var training in model.TrainingGraphs)
        {
            CheckGraph(training, new HashSet<string>(StringComparer.Ordinal), issues);
        }

        CheckFunctions(model, issues);
        CheckOperators(model, issues);
    }

    private static void CheckVersions(OnnxModel model, List<FormatIssue> issues)
    {
        if (model.IrVersion is not { } ir)
        {
            issues.Add(new FormatIssue(RuleCatalog.OnnxUnsupportedVersion, null, "the model has no ir_version; runtimes refuse it"));
        }
        else if (ir < 1 || ir > HighestIrVersion)
        {
            issues.Add(new FormatIssue(RuleCatalog.OnnxUnsupportedVersion, model.IrVersionOffset, $"ir_version is {ir}; known IR versions are 1 to {HighestIrVersion}"));
        }

        if (model.Opsets.Count == 0 && model.IrVersion is >= 3)
        {
            issues.Add(new FormatIssue(RuleCatalog.OnnxUnsupportedVersion, null, $"the model (IR {model.IrVersion}) imports no operator set; IR 3 and later must import one"));
        }

        var domains = new HashSet<string>(StringComparer.Ordinal);
        foreach (var opset in model.Opsets)
        {
            var domain = opset.Domain == "ai.onnx" ? string.Empty : opset.Domain;
            if (!domains.Add(domain))
            {
                issues.Add(new FormatIssue(RuleCatalog.OnnxUnsupportedVersion, opset.Offset, $"the operator set {DomainName(opset.Domain)} is imported more than once; runtimes disagree on which version applies"));
            }

            if (opset.Version is not { } version || version < 1)
            {
                issues.Add(new FormatIssue(RuleCatalog.OnnxUnsupportedVersion, opset.Offset, $"the operator set {DomainName(opset.Domain)} is imported with version {opset.Version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}; versions start at 1"));
            }
            else if (HighestOpset.TryGetValue(opset.Domain, out var highest) && version > highest)
            {
                issues.Add(new FormatIssue(RuleCatalog.OnnxUnsupportedVersion, opset.Offset, $"the operator set {DomainName(opset.Domain)} is imported with version {version}; known versions are 1 to {highest}"));
            }
        }
    }

    private static void CheckTensor(OnnxTensor tensor, List<FormatIssue> issues)
    {
        var problem = TensorProblem(tensor);
        if (problem is not null)
        {
            issues.Add(new FormatIssue(RuleCatalog.OnnxInvalidTensor, tensor.Offset, $"{tensor.Describe()} {problem}"));
        }
    }

    /// <summary>The first thing wrong with the tensor's type, dims or inline data, or null.</summary>
    private static string? TensorProblem(OnnxTensor tensor)
    {
        if (tensor.DataType is not { } type || !OnnxDataType.IsDefined(type))
        {
            return tensor.DataType is null or 0
                ? "has no data type (UNDEFINED); runtimes cannot size it"
                : $"has data type {tensor.DataType}, which ONNX does not define (1 to {OnnxDataType.Highest})";
        }

        var elements = Elements(tensor.Dims, out var dimsProblem);
        if (dimsProblem is not null)
        {
            return dimsProblem;
        }

        if (tensor.DataLocation is { } location && location is not (0 or 1))
        {
            return $"has data_location {location}, which is neither DEFAULT (0) nor EXTERNAL (1)";
        }

        var shape = Shape(type, tensor.Dims);
        var fields = tensor.TypedCounts.Count + (tensor.RawDataLength >= 0 ? 1 : 0);
        var external = tensor.DataLocation == 1;
        if (external)
        {
            return null; // Its inline fields and entries are MG5004's, its sizes MG5002's.
        }

        if (fields > 1)
        {
            return $"is {shape} with {fields} data fields ({string.Join(", ", DataFields(tensor))}); a tensor has exactly one, and readers pick different ones";
        }

        if (fields == 0)
        {
            return elements == 0 || tensor.ExternalData.Count > 0 ? null : $"is {shape} ({elements} elements) but has no data";
        }

        if (tensor.RawDataLength >= 0)
        {
            if (type == OnnxDataType.String)
            {
                return "is a STRING tensor with raw_data; strings are stored in string_data";
            }

            var bytes = ByteSize(type, elements);
            return bytes is { } expected && expected != tensor.RawDataLength
                ? $"is {shape} ({expected} bytes) but its raw_data has {tensor.RawDataLength} bytes"
                : null;
        }

        var typed = tensor.TypedCounts.First();
        var (field, count) = (typed.Key, typed.Value);
        var (expectedField, perElement) = OnnxDataType.TypedField(type);
        if (field != expectedField)
        {
            return $"is {shape} but stores its values in {OnnxDataType.FieldName(field)}, which does not hold {OnnxDataType.Name(type)} values ({OnnxDataType.FieldName(expectedField)} does)";
        }

        if (!OnnxDataType.IsSubByte(type) && (elements > long.MaxValue / perElement || count != elements * perElement))
        {
            return $"is {shape} ({elements} elements) but its {OnnxDataType.FieldName(field)} has {count} values";
        }

        return null;
    }

    private static void CheckSparseTensor(OnnxSparseTensor sparse, List<FormatIssue> issues)
    {
        string? problem = null;
        Elements(sparse.Dims, out var dimsProblem);
        if (sparse.Values is null || sparse.Indices is null)
        {
            problem = $"has no {(sparse.Values is null ? "values" : "indices")}";
        }
        else if (dimsProblem is not null)
        {
            problem = dimsProblem;
        }
        else if (sparse.Values.Dims.Count != 1)
        {
            problem = $"has values of rank {sparse.Values.Dims.Count}; sparse values are one-dimensional [NNZ]";
        }
        else
        {
            var nnz = sparse.Values.Dims[0];
            var indexDims = sparse.Indices.Dims;
            var linear = indexDims.Count == 1 && indexDims[0] == nnz;
            var coordinates = indexDims.Count == 2 && indexDims[0] == nnz && indexDims[1] == sparse.Dims.Count;
            if (!linear && !coordinates)
            {
                problem = $"has {nnz} values but indices of shape [{string.Join(", ", indexDims)}]; indices are [{nnz}] or [{nnz}, {sparse.Dims.Count}]";
            }
            else if (sparse.Indices.DataType is not (OnnxDataType.Int64 or 6 or 5 or 3))
            {
                problem = $"has indices of type {OnnxDataType.Name(sparse.Indices.DataType ?? 0)}; indices are INT64 (ONNX Runtime also reads INT32, INT16 and INT8)";
            }
            else
            {
                problem = IndexProblem(sparse, linear);
            }
        }

        if (problem is not null)
        {
            var name = sparse.Name.Length > 0 ? $"{sparse.Role} '{sparse.Name}'" : $"the unnamed {sparse.Role} at offset {sparse.Offset}";
            issues.Add(new FormatIssue(RuleCatalog.OnnxInvalidTensor, sparse.Offset, $"{name} {problem}"));
        }
    }

    /// <summary>
    /// Inline indices must address positions inside the dense tensor, in increasing order: runtimes write the dense tensor at
    /// these positions, and an index past its end is a write past the buffer in a runtime that trusts it.
    /// </summary>
    private static string? IndexProblem(OnnxSparseTensor sparse, bool linear)
    {
        var indices = IndexValues(sparse.Indices!);
        if (indices is null)
        {
            return null;
        }

        var dims = sparse.Dims;
        var rank = linear ? 1 : dims.Count;
        var total = Elements(dims, out _);
        long previous = -1;
        for (var i = 0; i + rank <= indices.Count; i += rank)
        {
            long position = 0;
            for (var j = 0; j < rank; j++)
            {
                var value = indices[i + j];
                var bound = linear ? total : dims[j];
                if (value < 0 || value >= bound)
                {
                    return $"has the index {value} at position {i / rank}{(linear ? string.Empty : $", coordinate {j}")}, outside [0, {bound}) of its dims [{string.Join(", ", dims)}]";
                }

                position = linear ? value : (position * dims[j]) + value;
            }

            if (position <= previous)
            {
                return $"has indices that are not in strictly increasing order (position {i / rank}); the format requires sorted, distinct indices";
            }

            previous = position;
        }

        return null;
    }

    private static List<long>? IndexValues(OnnxTensor indices)
    {
        if (indices.IndexValues is { } values)
        {
            return values;
        }

        if (indices.RawIndexBytes is not { } raw)
        {
            return null;
        }

        var size = indices.DataType switch { OnnxDataType.Int64 => 8, 6 => 4, 5 => 2, _ => 1 };
        var result = new List<long>(raw.Length / size);
        for (var at = 0; at + size <= raw.Length; at += size)
        {
            result.Add(size switch
            {
                8 => System.BitConverter.ToInt64(raw, at),
                4 => System.BitConverter.ToInt32(raw, at),
                2 => System.BitConverter.ToInt16(raw, at),
                _ => (sbyte)raw[at],
            });
        }

        return result;
    }

    /// <summary>
    /// Checks one graph: every node input and graph output is defined by an input, initializer, node or enclosing graph; nothing
    /// is defined twice; the nodes form no cycle. Returns the names it reads from enclosing graphs.
    /// </summary>
    private static HashSet<string> CheckGraph(OnnxGraph graph, HashSet<string> outer, List<FormatIssue> issues)
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in graph.Inputs)
        {
            if (input.Value.Length > 0 && !defined.Add(input.Value))
            {
                issues.Add(new FormatIssue(RuleCatalog.OnnxInvalidGraph, input.Offset, $"{graph.Role} lists the input '{input.Value}' more than once"));
            }
        }

        foreach (var name in graph.Initializers.Select(t => t.Name).Concat(graph.SparseInitializers.Select(s => s.Name)))
        {
            defined.Add(name);
        }

        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < graph.Nodes.Count; i++)
        {
            var node = graph.Nodes[i];
            foreach (var output in node.Outputs)
            {
                if (output.Length == 0)
                {
                    continue;
                }

                if (defined.Contains(output) || producer.ContainsKey(output))
                {
                    issues.Add(new FormatIssue(RuleCatalog.OnnxInvalidGraph, node.Offset, $"{node.Describe()} in {graph.Role} defines '{output}', which {(producer.TryGetValue(output, out var first) ? graph.Nodes[first].Describe() : "an input or initializer")} already defines; a value is assigned once"));
                }
                else
                {
                    producer.Add(output, i);
                }
            }
        }

        var visible = new HashSet<string>(outer, StringComparer.Ordinal);
        visible.UnionWith(defined);
        visible.UnionWith(producer.Keys);
        var free = new HashSet<string>(StringComparer.Ordinal);
        var dependencies = new List<int>[graph.Nodes.Count];
        for (var i = 0; i < graph.Nodes.Count; i++)
        {
            var node = graph.Nodes[i];
            var reads = new HashSet<string>(node.Inputs.Where(n => n.Length > 0), StringComparer.Ordinal);
            foreach (var subgraph in node.Subgraphs)
            {
                reads.UnionWith(CheckGraph(subgraph, visible, issues));
            }

            dependencies[i] = new List<int>();
            foreach (var name in reads)
            {
                if (producer.TryGetValue(name, out var from))
                {
                    dependencies[i].Add(from);
                }
                else if (!defined.Contains(name))
                {
                    if (outer.Contains(name))
                    {
                        free.Add(name);
                    }
                    else
                    {
                        issues.Add(new FormatIssue(RuleCatalog.OnnxInvalidGraph, node.Offset, $"{node.Describe()} in {graph.Role} reads '{name}', which nothing in the graph or its enclosing graphs defines"));
                    }
                }
            }
        }

        foreach (var output in graph.Outputs)
        {
            if (output.Value.Length > 0 && !defined.Contains(output.Value) && !producer.ContainsKey(output.Value))
            {
                if (outer.Contains(output.Value))
                {
                    free.Add(output.Value);
                }
                else
                {
                    issues.Add(new FormatIssue(RuleCatalog.OnnxInvalidGraph, output.Offset, $"{graph.Role} has the output '{output.Value}', which nothing in the graph defines"));
                }
            }
        }

        var cycle = FindCycle(dependencies);
        if (cycle >= 0)
        {
            var node = graph.Nodes[cycle];
            issues.Add(new FormatIssue(RuleCatalog.OnnxInvalidGraph, node.Offset, $"the nodes of {graph.Role} form a cycle through {node.Describe()}; runtimes cannot order them and loop or fail"));
        }

        return free;
    }

    /// <summary>A node on a cycle of the dependency graph (Kahn's algorithm leaves it unordered), or -1.</summary>
    private static int FindCycle(List<int>[] dependencies)
    {
        var waiting = new int[dependencies.Length];
        var users = new List<int>[dependencies.Length];
        for (var i = 0; i < dependencies.Length; i++)
        {
            users[i] = new List<int>();
        }

        for (var i = 0; i < dependencies.Length; i++)
        {
            foreach (var from in dependencies[i])
            {
                waiting[i]++;
                users[from].Add(i);
            }
        }

        var ready = new Queue<int>(Enumerable.Range(0, dependencies.Length).Where(i => waiting[i] == 0));
        var ordered = 0;
        while (ready.Count > 0)
        {
            var next = ready.Dequeue();
            ordered++;
            foreach (var user in users[next])
            {
                if (--waiting[user] == 0)
                {
                    ready.Enqueue(user);
                }
            }
        }

        return ordered == dependencies.Length ? -1 : Array.FindIndex(waiting, w => w > 0);
    }

    private static void CheckFunctions(OnnxModel model, List<FormatIssue> issues)
    {
        var byId = new Dictionary<(string, string), OnnxFunction>();
        foreach (var function in model.Functions)
        {
            if (byId.ContainsKey((function.Domain, function.Name)))
            {
                issues.Add(new FormatIssue(RuleCatalog.OnnxInvalidGraph, function.Offset, $"the function {function.Domain}.{function.Name} is defined more than once; runtimes disagree on which body runs"));
            }
            else
            {
                byId.Add((function.Domain, function.Name), function);
            }

            var body = new OnnxGraph(function.Offset, $"the body of function {function.Domain}.{function.Name}");
            body.Inputs.AddRange(function.Inputs.Select(i => new OnnxName(i, function.Offset)));
            body.Outputs.AddRange(function.Outputs.Select(o => new OnnxName(o, function.Offset)));
            body.Nodes.AddRange(function.Nodes.Where(n => n.OpType.Length > 0));
            CheckGraph(body, new HashSet<string>(StringComparer.Ordinal), issues);
        }

        // Recursion: a function that reaches itself through calls to model-local functions (iterative DFS, colors 1 = on the path).
        var color = new Dictionary<(string, string), int>();
        foreach (var start in byId.Keys)
        {
            if (color.ContainsKey(start))
            {
                continue;
            }

            var stack = new Stack<((string, string) Id, IEnumerator<(string, string)> Callees)>();
            color[start] = 1;
            stack.Push((start, Callees(byId[start], byId).GetEnumerator()));
            while (stack.Count > 0)
            {
                var (id, callees) = stack.Peek();
                if (!callees.MoveNext())
                {
                    color[id] = 2;
                    stack.Pop();
                    continue;
                }

                var callee = callees.Current;
                if (!color.TryGetValue(callee, out var state))
                {
                    color[callee] = 1;
                    stack.Push((callee, Callees(byId[callee], byId).GetEnumerator()));
                }
                else if (state == 1)
                {
                    var function = byId[callee];
                    issues.Add(new FormatIssue(RuleCatalog.OnnxInvalidGraph, function.Offset, $"the function {callee.Item1}.{callee.Item2} calls itself through model-local functions ({id.Item1}.{id.Item2} calls it); runtimes that inline functions recurse without end"));
                }
            }
        }
    }

    private static IEnumerable<(string, string)> Callees(OnnxFunction function, Dictionary<(string, string), OnnxFunction> byId)
        => OnnxModelWalk.NodesOf(function.Nodes).Select(n => (n.Domain, n.OpType)).Where(byId.ContainsKey).Distinct();

    private static void CheckOperators(OnnxModel model, List<FormatIssue> issues)
    {
        var local = new HashSet<(string, string)>(model.Functions.Select(f => (f.Domain, f.Name)));
        var imported = new HashSet<string>(model.Opsets.Select(o => o.Domain == "ai.onnx" ? string.Empty : o.Domain), StringComparer.Ordinal);
        var custom = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var customOffset = new Dictionary<string, long>(StringComparer.Ordinal);
        var unimported = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var node in OnnxModelWalk.Nodes(model))
        {
            if (node.OpType.Length == 0 && node.Name == "(attribute defaults)")
            {
                continue;
            }

            if (PythonOperators.Contains(node.OpType) || node.Domain.IndexOf("python", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                issues.Add(new FormatIssue(RuleCatalog.OnnxPythonOperator, node.Offset, $"{node.Describe()} calls {Qualified(node)}, which runs Python code registered by the host"));
                continue;
            }

            if (local.Contains((node.Domain, node.OpType)))
            {
                continue;
            }

            var domain = node.Domain == "ai.onnx" ? string.Empty : node.Domain;
            if (model.IrVersion is >= 3 && !imported.Contains(domain) && !unimported.ContainsKey(domain))
            {
                unimported.Add(domain, node.Offset);
            }

            if (!BuiltInDomains.Contains(node.Domain))
            {
                if (!custom.TryGetValue(node.Domain, out var ops))
                {
                    custom.Add(node.Domain, ops = new SortedSet<string>(StringComparer.Ordinal));
                    customOffset.Add(node.Domain, node.Offset);
                }

                ops.Add(node.OpType);
            }
        }

        foreach (var pair in unimported)
        {
            issues.Add(new FormatIssue(RuleCatalog.OnnxUnsupportedVersion, pair.Value, $"nodes use the operator domain {DomainName(pair.Key)}, which the model does not import in opset_import; runtimes refuse the model"));
        }

        foreach (var pair in custom)
        {
            const int Shown = 10;
            var names = string.Join(", ", pair.Value.Take(Shown)) + (pair.Value.Count > Shown ? $", and {pair.Value.Count - Shown} more" : string.Empty);
            issues.Add(new FormatIssue(RuleCatalog.OnnxCustomOperatorDomain, customOffset[pair.Key], $"the model uses {pair.Value.Count} operator{(pair.Value.Count == 1 ? string.Empty : "s")} of domain '{pair.Key}' ({names}), which need{(pair.Value.Count == 1 ? "s" : string.Empty)} a custom-op library the app loads"));
        }
    }

    /// <summary>Elements of a tensor with these dims; a problem when one is negative or the product overflows.</summary>
    internal static long Elements(List<long> dims, out string? problem)
    {
        problem = null;
        long elements = 1;
        foreach (var dim in dims)
        {
            if (dim < 0)
            {
                problem = $"has the negative dimension {dim} in [{string.Join(", ", dims)}]";
                return 0;
            }

            if (dim != 0 && elements > long.MaxValue / dim)
            {
                problem = $"has dims [{string.Join(", ", dims)}], whose element count overflows 64 bits";
                return 0;
            }

            elements *= dim;
        }

        return elements;
    }

    /// <summary>Bytes <paramref name="elements"/> of <paramref name="type"/> take (sub-byte types round up), null for STRING or on overflow.</summary>
    internal static long? ByteSize(long type, long elements)
    {
        var bits = OnnxDataType.BitsOf(type);
        if (bits == 0 || elements > (long.MaxValue - 7) / bits)
        {
            return null;
        }

        return ((elements * bits) + 7) / 8;
    }

    internal static string Shape(long type, List<long> dims) => $"{OnnxDataType.Name(type)}[{string.Join(", ", dims)}]";

    private static IEnumerable<string> DataFields(OnnxTensor tensor)
        => (tensor.RawDataLength >= 0 ? new[] { "raw_data" } : Array.Empty<string>()).Concat(tensor.TypedCounts.Keys.OrderBy(k => k).Select(OnnxDataType.FieldName));

    private static string Qualified(OnnxNode node) => node.Domain.Length == 0 ? node.OpType : node.Domain + "." + node.OpType;

    private static string DomainName(string domain) => domain.Length == 0 ? "'' (ai.onnx)" : $"'{domain}'";
}
