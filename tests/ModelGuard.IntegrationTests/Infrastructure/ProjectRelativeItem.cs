using System;
using System.Collections;
using Microsoft.Build.Framework;

namespace ModelGuard.IntegrationTests.Infrastructure;

/// <summary>
/// A task item whose FullPath is resolved against a project folder, as MSBuild's own items are
/// (<see cref="Microsoft.Build.Utilities.TaskItem"/> resolves it against the process's current directory).
/// </summary>
internal sealed class ProjectRelativeItem : ITaskItem
{
    private readonly ITaskItem _inner;
    private readonly string _fullPath;
    private readonly string? _definingProject;

    /// <param name="definingProject">The project file that declares the item (<c>DefiningProjectFullPath</c>, which a TaskItem cannot set).</param>
    public ProjectRelativeItem(ITaskItem inner, string fullPath, string? definingProject = null)
    {
        _inner = inner;
        _fullPath = fullPath;
        _definingProject = definingProject;
    }

    public string ItemSpec
    {
        get => _inner.ItemSpec;
        set => throw new NotSupportedException();
    }

    public ICollection MetadataNames => _inner.MetadataNames;

    public int MetadataCount => _inner.MetadataCount;

    public string GetMetadata(string metadataName)
        => string.Equals(metadataName, "FullPath", StringComparison.OrdinalIgnoreCase) ? _fullPath
            : _definingProject is not null && string.Equals(metadataName, "DefiningProjectFullPath", StringComparison.OrdinalIgnoreCase) ? _definingProject
            : _inner.GetMetadata(metadataName);

    public void SetMetadata(string metadataName, string metadataValue) => _inner.SetMetadata(metadataName, metadataValue);

    public void RemoveMetadata(string metadataName) => _inner.RemoveMetadata(metadataName);

    public void CopyMetadataTo(ITaskItem destinationItem) => _inner.CopyMetadataTo(destinationItem);

    public IDictionary CloneCustomMetadata() => _inner.CloneCustomMetadata();
}
