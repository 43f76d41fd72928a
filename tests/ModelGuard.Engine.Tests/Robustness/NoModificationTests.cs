using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using ModelGuard.Engine.Scanning;

namespace ModelGuard.Engine.Tests.Robustness;

/// <summary>
/// Files are never modified: every corpus file, read-only, hashes the same after its scan as before, keeps its timestamps, and
/// scans exactly as its bytes do from memory. The engine does not even reference an API that writes files or creates temporary
/// ones (the CLI test in ModelGuard.IntegrationTests checks the temporary folder of a real scan).
/// </summary>
public sealed class NoModificationTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "modelguard-readonly-" + Guid.NewGuid().ToString("N").Substring(0, 12));

    public NoModificationTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        foreach (var file in Directory.EnumerateFiles(_dir))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Every_corpus_file_is_unchanged_by_its_scan_and_scans_normally_when_read_only()
    {
        var copies = new List<(string Name, string Path, byte[] Hash, DateTime Written, DateTime Accessed)>();
        foreach (var name in RobustnessCorpus.Names)
        {
            var path = Path.Combine(_dir, name.Replace('/', '_'));
            File.WriteAllBytes(path, RobustnessCorpus.Read(name));
            File.SetAttributes(path, FileAttributes.ReadOnly);
            copies.Add((name, path, SHA256.HashData(File.ReadAllBytes(path)), File.GetLastWriteTimeUtc(path), File.GetLastAccessTimeUtc(path)));
        }

        var scanner = new ModelScanner();
        foreach (var (name, path, hash, written, _) in copies)
        {
            var fromFile = scanner.ScanFile(path, name);
            using var memory = new MemoryStream(File.ReadAllBytes(path), writable: false);
            var fromMemory = scanner.Scan(memory, name);

            // The index validator looks at neighbouring shards, and the ONNX checks at external data files, only for files on disk
            // (the copies here have no neighbours under the names they reference); everything else must match exactly.
            Assert.Equal(fromMemory.Format, fromFile.Format);
            Assert.Equal(fromMemory.Findings.Select(f => f.ToString()), fromFile.Findings.Where(f => !DependsOnNeighbours(f.Rule.Id)).Select(f => f.ToString()));
            Assert.True(hash.AsSpan().SequenceEqual(SHA256.HashData(File.ReadAllBytes(path))), $"{name} changed");
            Assert.Equal(written, File.GetLastWriteTimeUtc(path));
            Assert.True((File.GetAttributes(path) & FileAttributes.ReadOnly) != 0, $"{name} lost its read-only attribute");
        }

        Assert.Equal(copies.Count, Directory.GetFiles(_dir).Length);
    }

    private static bool DependsOnNeighbours(string ruleId)
        => ruleId is ModelGuard.Engine.Rules.RuleIds.OnnxExternalDataOutOfBounds or ModelGuard.Engine.Rules.RuleIds.OnnxExternalDataChecksumMismatch or ModelGuard.Engine.Rules.RuleIds.OnnxExternalDataMissing;

    [Fact]
    public void The_engine_references_no_api_that_writes_files_or_creates_temporary_ones()
    {
        var forbidden = new HashSet<string>(StringComparer.Ordinal)
        {
            "Path.GetTempPath", "Path.GetTempFileName", "Path.GetRandomFileName",
            "File.Create", "File.CreateText", "File.OpenWrite", "File.AppendAllText", "File.AppendAllLines", "File.AppendText",
            "File.WriteAllBytes", "File.WriteAllText", "File.WriteAllLines", "File.Copy", "File.Move", "File.Delete", "File.Replace",
            "File.SetAttributes", "File.SetLastWriteTime", "File.SetLastWriteTimeUtc", "File.SetLastAccessTime", "File.SetLastAccessTimeUtc",
            "File.SetCreationTime", "File.SetCreationTimeUtc", "File.Encrypt", "File.Decrypt",
            "Directory.CreateDirectory", "Directory.Delete", "Directory.Move",
            "FileInfo.Create", "FileInfo.CreateText", "FileInfo.OpenWrite", "FileInfo.Delete", "FileInfo.MoveTo", "FileInfo.CopyTo", "FileInfo.Replace",
            "MemoryMappedFile.CreateFromFile", "MemoryMappedFile.CreateNew",
        };

        var assembly = typeof(ModelScanner).Assembly.Location;
        using var stream = File.OpenRead(assembly);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var used = new List<string>();
        foreach (var handle in metadata.MemberReferences)
        {
            var member = metadata.GetMemberReference(handle);
            if (member.Parent.Kind != HandleKind.TypeReference)
            {
                continue;
            }

            var type = metadata.GetTypeReference((TypeReferenceHandle)member.Parent);
            var name = metadata.GetString(type.Name) + "." + metadata.GetString(member.Name);
            if (forbidden.Contains(name))
            {
                used.Add(name);
            }
        }

        Assert.True(used.Count == 0, "the engine references APIs that write: " + string.Join(", ", used));

        // Sanity: the check sees the engine's real references.
        Assert.Contains(
            metadata.MemberReferences.Select(h => metadata.GetMemberReference(h)).Where(m => m.Parent.Kind == HandleKind.TypeReference)
                .Select(m => metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)m.Parent).Name) + "." + metadata.GetString(m.Name)),
            n => n == "Directory.Exists");
    }
}
