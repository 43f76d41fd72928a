using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Formats.Pickle;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Tests.Scanning;

namespace ModelGuard.Engine.Tests.Formats.Pickle;

/// <summary>
/// The disassembler against CPython's own pickletools, on pickles of ordinary data in protocols 0 to 5
/// (Fixtures/pickletools, written by make_fixtures.py there).
/// </summary>
public sealed class PickleDisassemblerReferenceTests
{
    private static readonly string FixtureFolder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "pickletools");

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var name in FixtureNames())
        {
            data.Add(name);
        }

        return data;
    }

    private static IEnumerable<string> FixtureNames()
        => Directory.GetFiles(FixtureFolder, "*.pkl").Select(f => Path.GetFileNameWithoutExtension(f)!).OrderBy(f => f, StringComparer.Ordinal);

    [Fact]
    public void Fixtures_cover_every_protocol()
    {
        var names = FixtureNames().ToList();
        for (var protocol = 0; protocol <= 5; protocol++)
        {
            Assert.Contains(names, n => n.EndsWith("_p" + protocol, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Disassembly_matches_pickletools(string fixture)
    {
        var expected = File.ReadAllLines(Path.Combine(FixtureFolder, fixture + ".opcodes")).Where(l => l.Length > 0).ToList();
        using var stream = File.OpenRead(Path.Combine(FixtureFolder, fixture + ".pkl"));
        using var reader = new BufferedByteReader(stream);
        var disassembler = new PickleDisassembler(reader);
        var actual = new List<string>();
        while (disassembler.TryRead(out var instruction))
        {
            var text = instruction.Opcode is PickleOpcode.Global or PickleOpcode.Inst ? $" {instruction.Text}.{instruction.Text2}" : string.Empty;
            actual.Add($"{instruction.Offset} {PickleOpcodeNames.Of(instruction.Opcode)}{text}");
            if (instruction.Opcode == PickleOpcode.Stop)
            {
                break;
            }
        }

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Ordinary_data_scans_clean(string fixture)
    {
        var result = ScanHelpers.Scan(File.ReadAllBytes(Path.Combine(FixtureFolder, fixture + ".pkl")), fixture + ".pkl");
        Assert.True(result.Findings.Count == 0, result.Describe());
        Assert.Equal(ModelGuard.Engine.Scanning.ContentFormat.Pickle, result.Format);
    }
}
