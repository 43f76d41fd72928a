using System;
using System.Linq;
using ModelGuard.Engine.Policy;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Tests.Scanning;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Policy;

/// <summary>
/// Globals are judged by what the unpickler does with them: constructors with no side effect are allowed, the methods of
/// those classes that act stay MG1001 however they are reached, and every policy entry says why it is there.
/// </summary>
public sealed class EffectClassificationTests
{
    private static readonly string[] Kinds = { "type", "constructor", "helper", "dtype", "layout", "quantization scheme", "enum", "class", "function", "method", "value" };

    /// <summary>Each constructor-only entry with what its construction does; the allowlist's reason must say the same.</summary>
    [Theory]
    [InlineData("pathlib", "PosixPath", "no file is opened, read, created or deleted")]
    [InlineData("pathlib", "WindowsPath", "no file is opened, read, created or deleted")]
    [InlineData("pathlib", "Path", "no file is opened, read, created or deleted")]
    [InlineData("pathlib", "PurePosixPath", "a pure path has no method that touches files")]
    [InlineData("pathlib", "PureWindowsPath", "a pure path has no method that touches files")]
    [InlineData("pathlib", "PurePath", "a pure path has no method that touches files")]
    [InlineData("argparse", "Namespace", "BUILD stores the saved arguments in its __dict__")]
    [InlineData("uuid", "UUID", "BUILD stores its 128-bit integer")]
    [InlineData("re", "_compile", "compiles a pattern string into a regex object")]
    [InlineData("ipaddress", "IPv4Address", "no lookup or connection")]
    [InlineData("ipaddress", "IPv6Network", "no lookup or connection")]
    [InlineData("ipaddress", "IPv4Interface", "no lookup or connection")]
    [InlineData("zoneinfo", "ZoneInfo._unpickle", "read-only system time zone database")]
    [InlineData("collections", "defaultdict", "calls it only when the loader later reads a missing key")]
    [InlineData("datetime", "datetime", "parses the date/time fields")]
    [InlineData("numpy", "float64", "a numpy scalar type")]
    [InlineData("numpy", "dtype", "parses a dtype description")]
    [InlineData("torch", "device", "parses a device name; nothing is opened")]
    public void Constructor_only_globals_are_allowed_and_say_what_construction_does(string module, string name, string construction)
    {
        Assert.Equal(GlobalVerdictKind.Allowed, GlobalPolicy.Classify(module, name).Kind);
        var reason = AllowedGlobals.ReasonOf(module + "." + name);
        Assert.StartsWith("constructor: ", reason, StringComparison.Ordinal);
        Assert.Contains(construction, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_allowlist_and_profile_entry_has_a_reason_of_a_known_kind()
    {
        var entries = AllowedGlobals.All.Select(e => (List: "default", Entry: e, Reason: AllowedGlobals.ReasonOf(e)))
            .Concat(AllowProfiles.Names.SelectMany(p => AllowProfiles.Get(p).Names.Select(e => (List: p, Entry: e, Reason: AllowProfiles.Get(p).ReasonOf(e)))));
        Assert.All(entries, e => Assert.True(
            Kinds.Any(k => e.Reason.StartsWith(k + ":", StringComparison.Ordinal) || e.Reason.StartsWith(k + " (", StringComparison.Ordinal)) && e.Reason.Length > 15,
            $"{e.List}: {e.Entry} has no reason of a known kind: '{e.Reason}'"));
    }

    [Theory]
    [InlineData("PosixPath.write_text", "write a file")]
    [InlineData("Path.unlink", "delete a file")]
    [InlineData("WindowsPath.mkdir", "create a directory")]
    [InlineData("PurePosixPath.open", "open a file")]
    [InlineData("Path.home", "read, write or delete files")]
    public void Acting_methods_of_allowed_path_classes_stay_MG1001_as_dotted_names(string name, string effect)
    {
        var verdict = GlobalPolicy.Classify("pathlib", name);
        Assert.Equal(GlobalVerdictKind.Dangerous, verdict.Kind);
        Assert.Equal(effect, verdict.Danger);
    }

    [Fact]
    public void A_checkpoint_with_paths_and_an_argparse_namespace_is_clean()
    {
        var bytes = W().Proto(4).EmptyDict()
            .ShortBinUnicode("dir").Global("pathlib", "PosixPath").ShortBinUnicode("/").ShortBinUnicode("data").Tuple2().Reduce().SetItem()
            .ShortBinUnicode("args").Global("argparse", "Namespace").EmptyTuple().NewObj().EmptyDict().ShortBinUnicode("lr").BinInt1(1).SetItem().Build().SetItem()
            .Stop().ToArray();
        var result = ScanHelpers.Scan(bytes);
        Assert.True(result.Findings.Count == 0, result.Describe());
    }

    [Fact]
    public void Getattr_of_an_acting_method_on_a_constructed_path_is_MG1001_with_the_effect()
    {
        // getattr(PosixPath("/tmp/x"), "write_text")("payload")
        var bytes = W().Proto(4)
            .Global("builtins", "getattr").Global("pathlib", "PosixPath").ShortBinUnicode("/tmp/x").Tuple1().Reduce().ShortBinUnicode("write_text").Tuple2().Reduce()
            .ShortBinUnicode("payload").Tuple1().Reduce().Stop().ToArray();
        var finding = ScanHelpers.Scan(bytes).Single(RuleIds.DangerousImport);
        Assert.Contains("loading the file would write a file: it calls pathlib.PosixPath.write_text (reached with builtins.getattr at offset", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Getattr_on_a_path_class_with_an_acting_method_is_MG1001_even_uncalled()
    {
        var bytes = W().Proto(4).Global("builtins", "getattr").Global("pathlib", "Path").ShortBinUnicode("unlink").Tuple2().Reduce().Stop().ToArray();
        var finding = ScanHelpers.Scan(bytes).Single(RuleIds.DangerousImport);
        Assert.Contains("loading the file could delete a file: it imports pathlib.Path.unlink (reached with builtins.getattr", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("attrgetter")]
    [InlineData("methodcaller")]
    public void Attrgetter_and_methodcaller_reaching_an_acting_method_stay_MG1001(string helper)
    {
        // operator.methodcaller("unlink")(PosixPath("/etc/passwd"))
        var bytes = W().Proto(4)
            .Global("operator", helper).ShortBinUnicode("unlink").Tuple1().Reduce()
            .Global("pathlib", "PosixPath").ShortBinUnicode("/etc/passwd").Tuple1().Reduce().Tuple1().Reduce().Stop().ToArray();
        var result = ScanHelpers.Scan(bytes);
        var finding = result.Single(RuleIds.DangerousImport);
        Assert.Contains("operator." + helper, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_enum_member_looked_up_with_getattr_is_clean()
    {
        // Python 3.11 pickles re.IGNORECASE as getattr(re.RegexFlag, "IGNORECASE").
        var bytes = W().Proto(4).Global("builtins", "getattr").Global("re", "RegexFlag").ShortBinUnicode("IGNORECASE").Tuple2().Reduce().Stop().ToArray();
        Assert.Empty(ScanHelpers.Scan(bytes).Findings);
    }

    [Fact]
    public void A_zoneinfo_time_zone_is_clean()
    {
        var bytes = W().Proto(4).Global("builtins", "getattr").Global("zoneinfo", "ZoneInfo").ShortBinUnicode("_unpickle").Tuple2().Reduce()
            .ShortBinUnicode("UTC").BinInt1(1).Tuple2().Reduce().Stop().ToArray();
        Assert.Empty(ScanHelpers.Scan(bytes).Findings);
    }

    [Theory]
    [InlineData("RegexFlag.")]
    [InlineData("RegexFlag._missing_")]
    [InlineData("RegexFlag.IGNORECASE.real")]
    public void Enum_member_lookups_are_public_names_only(string name)
        => Assert.Equal(GlobalVerdictKind.NotAllowed, GlobalPolicy.Classify("re", name).Kind);

    [Fact]
    public void Getattr_of_a_dunder_or_with_a_name_that_is_not_literal_stays_MG1001()
    {
        var dunder = W().Proto(4).Global("builtins", "getattr").Global("re", "RegexFlag").ShortBinUnicode("__init__").Tuple2().Reduce().Stop().ToArray();
        Assert.Contains("re.RegexFlag.__init__", ScanHelpers.Scan(dunder).Single(RuleIds.DangerousImport).Message, StringComparison.Ordinal);

        var computed = W().Proto(4).Global("builtins", "getattr").Global("re", "RegexFlag")
            .Global("builtins", "str").ShortBinUnicode("x").Tuple1().Reduce().Tuple2().Reduce().Stop().ToArray();
        Assert.Contains("builtins.getattr", ScanHelpers.Scan(computed).Single(RuleIds.DangerousImport).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_getattr_followed_once_and_passed_along_once_stays_MG1001()
    {
        // The first call is a literal lookup; the memoized getattr is then handed to another call, which can call it with anything.
        var bytes = W().Proto(4).Global("builtins", "getattr").BinPut(0).Global("re", "RegexFlag").ShortBinUnicode("IGNORECASE").Tuple2().Reduce()
            .Global("collections", "defaultdict").BinGet(0).Tuple1().Reduce().Tuple2().Stop().ToArray();
        Assert.Contains("passes builtins.getattr", ScanHelpers.Scan(bytes).Single(RuleIds.DangerousImport).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_profile_never_allows_a_denied_name()
    {
        var options = new ModelGuard.Engine.Scanning.ScanOptions { AllowProfiles = AllowProfiles.Names.ToArray() };
        Assert.Equal(GlobalVerdictKind.Dangerous, GlobalPolicy.Classify("os", "system", options).Kind);
        Assert.All(AllowProfiles.Names.SelectMany(p => AllowProfiles.Get(p).Names), entry =>
        {
            Assert.DoesNotContain("*", entry, StringComparison.Ordinal);
            var dot = entry.LastIndexOf('.');
            Assert.NotEqual(GlobalVerdictKind.Dangerous, GlobalPolicy.Classify(entry.Substring(0, dot), entry.Substring(dot + 1), options).Kind);
        });
    }

    private static PickleWriter W() => new();
}
