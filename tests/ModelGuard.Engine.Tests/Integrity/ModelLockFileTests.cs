using System;
using System.Linq;
using System.Text;
using ModelGuard.Engine.Integrity;

namespace ModelGuard.Engine.Tests.Integrity;

public sealed class ModelLockFileTests
{
    private static readonly string ShaA = new('a', 64);
    private static readonly string ShaB = new('b', 64);

    [Fact]
    public void WriterSortsEntriesOnePerLineWithLfAndAFinalNewline()
    {
        var lockFile = new ModelLockFile(new[]
        {
            new ModelLockEntry("models/z.onnx", ShaB, 2, "onnx"),
            new ModelLockEntry("models/a.safetensors", ShaA, 1, "safetensors", "hf://org/repo@1234/a.safetensors"),
        });

        var text = ModelLockFileWriter.Write(lockFile);

        Assert.Equal(
            "{\n  \"version\": 1,\n  \"models\": {\n"
            + $"    \"models/a.safetensors\": {{ \"sha256\": \"{ShaA}\", \"size\": 1, \"format\": \"safetensors\", \"source\": \"hf://org/repo@1234/a.safetensors\" }},\n"
            + $"    \"models/z.onnx\": {{ \"sha256\": \"{ShaB}\", \"size\": 2, \"format\": \"onnx\" }}\n"
            + "  }\n}\n",
            text);
    }

    [Fact]
    public void AnEmptyLockIsStillAValidLock()
    {
        var text = ModelLockFileWriter.Write(new ModelLockFile(Array.Empty<ModelLockEntry>()));
        Assert.Equal("{\n  \"version\": 1,\n  \"models\": {}\n}\n", text);
        Assert.Empty(ModelLockFileReader.Read(Encoding.UTF8.GetBytes(text)).LockFile!.Entries);
    }

    [Fact]
    public void WhatTheWriterWritesTheReaderReadsBackFieldForField()
    {
        var original = new ModelLockFile(new[]
        {
            new ModelLockEntry("a/\"quoted\" name\twith tab.pt", ShaA, long.MaxValue, "zip", "line\nbreak \\ and \u0001"),
            new ModelLockEntry("../shared/model.gguf", ShaB, 0, "gguf"),
        });

        var read = ModelLockFileReader.Read(ModelLockFileWriter.WriteUtf8(original));

        Assert.Null(read.Error);
        Assert.True(original.SameAs(read.LockFile!));
        Assert.Equal(new int?[] { 4, 5 }, read.LockFile!.Entries.Select(e => e.Line));
    }

    [Theory]
    [InlineData("{\n  \"version\": 1,\n<<<<<<< HEAD\n  \"models\": {}\n=======\n  \"models\": {}\n>>>>>>> theirs\n}\n", 3, "merge-conflict markers")]
    [InlineData("{\n  \"version\": 1,\n  \"models\": {\n    \"a.pt\": tru\n  }\n}\n", 4, "not valid JSON")]
    [InlineData("{\n  \"version\": 2,\n  \"models\": {}\n}\n", 2, "version 2; this release of ModelGuard reads version 1")]
    [InlineData("{\n  \"version\": \"1\",\n  \"models\": {}\n}\n", 2, "version a string")]
    [InlineData("{\n  \"models\": {}\n}\n", 1, "no \"version\"")]
    [InlineData("{\n  \"version\": 1\n}\n", 1, "no \"models\"")]
    [InlineData("[]", 1, "must be a JSON object")]
    [InlineData("{\n  \"version\": 1,\n  \"models\": {},\n  \"extra\": 1\n}\n", 4, "unknown field \"extra\"")]
    [InlineData("{\n  \"version\": 1,\n  \"version\": 1,\n  \"models\": {}\n}\n", 3, "the key \"version\" more than once")]
    public void ReaderRefusesWhatTheWriterWouldNotWriteWithTheLine(string text, int line, string message)
    {
        var read = ModelLockFileReader.Read(Encoding.UTF8.GetBytes(text));
        Assert.Null(read.LockFile);
        Assert.Equal(line, read.Line);
        Assert.Contains(message, read.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"a.pt\": { \"sha256\": \"SHA\", \"size\": 1, \"format\": \"zip\" },\n\"a.pt\": { \"sha256\": \"SHA\", \"size\": 1, \"format\": \"zip\" }", 5, "the key \"a.pt\" more than once")]
    [InlineData("\"a.pt\": { \"sha256\": \"SHA\", \"sha256\": \"SHA\", \"size\": 1, \"format\": \"zip\" }", 4, "the key \"sha256\" more than once")]
    [InlineData("\"a.pt\": { \"sha256\": \"SHA\", \"size\": 1, \"format\": \"zip\", \"hash\": 1 }", 4, "unknown field \"hash\"")]
    [InlineData("\"a.pt\": { \"sha256\": \"ABC\", \"size\": 1, \"format\": \"zip\" }", 4, "64 lowercase hex digits")]
    [InlineData("\"a.pt\": { \"sha256\": \"SHA\", \"size\": -1, \"format\": \"zip\" }", 4, "not a whole number")]
    [InlineData("\"a.pt\": { \"sha256\": \"SHA\", \"size\": 1.5, \"format\": \"zip\" }", 4, "not a whole number")]
    [InlineData("\"a.pt\": { \"sha256\": \"SHA\", \"format\": \"zip\" }", 4, "no \"size\"")]
    [InlineData("\"a.pt\": { \"sha256\": \"SHA\", \"size\": 1, \"format\": \"zip\", \"source\": 3 }", 4, "source that is a number")]
    [InlineData("\"/etc/a.pt\": { \"sha256\": \"SHA\", \"size\": 1, \"format\": \"zip\" }", 4, "absolute")]
    [InlineData("\"models/../a.pt\": { \"sha256\": \"SHA\", \"size\": 1, \"format\": \"zip\" }", 4, "'..' segment")]
    [InlineData("\"models\\\\a.pt\": { \"sha256\": \"SHA\", \"size\": 1, \"format\": \"zip\" }", 4, "uses '\\'")]
    [InlineData("\"a.pt\": []", 4, "must be an object")]
    public void ReaderRefusesMalformedEntriesWithTheirLine(string entries, int line, string message)
    {
        var text = "{\n  \"version\": 1,\n  \"models\": {\n" + entries.Replace("SHA", ShaA, StringComparison.Ordinal) + "\n  }\n}\n";
        var read = ModelLockFileReader.Read(Encoding.UTF8.GetBytes(text));
        Assert.Null(read.LockFile);
        Assert.Equal(line, read.Line);
        Assert.Contains(message, read.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ANullSourceIsNoSource()
    {
        var text = "{\"version\": 1, \"models\": {\"a.pt\": {\"sha256\": \"" + ShaA + "\", \"size\": 1, \"format\": \"zip\", \"source\": null}}}";
        Assert.Null(ModelLockFileReader.Read(Encoding.UTF8.GetBytes(text)).LockFile!.Entries.Single().Source);
    }

    [Theory]
    [InlineData("/repo/app", "/repo/app/models/a.pt", "models/a.pt")]
    [InlineData("/repo/app/", "/repo/app/a.pt", "a.pt")]
    [InlineData("/repo/app", "/repo/shared/models/a.pt", "../shared/models/a.pt")]
    [InlineData("/repo/app", "/other/a.pt", "../../other/a.pt")]
    public void KeysArePathsRelativeToTheLockFileFolder(string root, string file, string key)
    {
        Assert.Equal(key, ModelLockPath.FromFullPath(root, file));
        Assert.Null(ModelLockPath.Problem(key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("a/../b")]
    [InlineData("C:/a")]
    public void KeysThatAreNotNormalizedHaveAProblem(string key) => Assert.NotNull(ModelLockPath.Problem(key));
}
