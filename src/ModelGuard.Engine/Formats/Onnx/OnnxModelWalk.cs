using System.Collections.Generic;
using System.Linq;

namespace ModelGuard.Engine.Formats.Onnx;

/// <summary>Every node and tensor of a model, wherever it hides: graphs, subgraphs, functions, training graphs, attributes.</summary>
internal static class OnnxModelWalk
{
    public static IEnumerable<OnnxGraph> Graphs(OnnxModel model)
    {
        var roots = new List<OnnxGraph>();
        if (model.Graph is not null)
        {
            roots.Add(model.Graph);
        }

        roots.AddRange(model.TrainingGraphs);
        roots.AddRange(model.Functions.SelectMany(f => f.Nodes).SelectMany(n => n.Subgraphs));
        var pending = new Stack<OnnxGraph>(roots);
        while (pending.Count > 0)
        {
            var graph = pending.Pop();
            yield return graph;
            foreach (var subgraph in graph.Nodes.SelectMany(n => n.Subgraphs))
            {
                pending.Push(subgraph);
            }
        }
    }

    /// <summary>Nodes of every graph and of every function body.</summary>
    public static IEnumerable<OnnxNode> Nodes(OnnxModel model)
        => Graphs(model).SelectMany(g => g.Nodes).Concat(model.Functions.SelectMany(f => f.Nodes));

    /// <summary>Nodes of a function body, including those of its nodes' subgraphs.</summary>
    public static IEnumerable<OnnxNode> NodesOf(IEnumerable<OnnxNode> nodes)
    {
        var pending = new Stack<OnnxNode>(nodes);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            yield return node;
            foreach (var inner in node.Subgraphs.SelectMany(g => g.Nodes))
            {
                pending.Push(inner);
            }
        }
    }

    public static IEnumerable<OnnxSparseTensor> SparseTensors(OnnxModel model)
        => Graphs(model).SelectMany(g => g.SparseInitializers.Concat(g.Nodes.SelectMany(n => n.SparseTensors)))
            .Concat(model.Functions.SelectMany(f => f.Nodes).SelectMany(n => n.SparseTensors));

    /// <summary>Dense tensors and the values and indices of sparse ones.</summary>
    public static IEnumerable<OnnxTensor> Tensors(OnnxModel model)
    {
        var dense = Graphs(model).SelectMany(g => g.Initializers.Concat(g.Nodes.SelectMany(n => n.Tensors)))
            .Concat(model.Functions.SelectMany(f => f.Nodes).SelectMany(n => n.Tensors));
        var parts = SparseTensors(model).SelectMany(s => new[] { s.Values, s.Indices }).Where(t => t is not null).Select(t => t!);
        return dense.Concat(parts);
    }
}
