using System.Linq;
using ModelGuard.Engine.Policy;

namespace ModelGuard.Engine.Tests.Policy;

public sealed class GlobalPolicyTests
{
    [Theory]
    [InlineData("os", "system")]
    [InlineData("posix", "system")]
    [InlineData("nt", "system")]
    [InlineData("os.path", "join")]
    [InlineData("subprocess", "Popen")]
    [InlineData("builtins", "exec")]
    [InlineData("builtins", "eval")]
    [InlineData("builtins", "compile")]
    [InlineData("builtins", "open")]
    [InlineData("builtins", "getattr")]
    [InlineData("builtins", "__import__")]
    [InlineData("runpy", "run_path")]
    [InlineData("pty", "spawn")]
    [InlineData("socket", "socket")]
    [InlineData("pickle", "loads")]
    [InlineData("torch", "load")]
    [InlineData("torch.serialization", "load")]
    [InlineData("torch", "serialization.load")]
    [InlineData("numpy", "load")]
    [InlineData("operator", "attrgetter")]
    [InlineData("functools", "partial")]
    [InlineData("importlib", "import_module")]
    [InlineData("pkgutil", "resolve_name")]
    [InlineData("builtins", "str.__class__")]
    public void Dangerous_globals_are_MG1001(string module, string name)
    {
        var verdict = GlobalPolicy.Classify(module, name);
        Assert.Equal(GlobalVerdictKind.Dangerous, verdict.Kind);
        Assert.False(string.IsNullOrWhiteSpace(verdict.Danger));
    }

    [Theory]
    [InlineData("torch._utils", "_rebuild_tensor_v2")]
    [InlineData("torch", "FloatStorage")]
    [InlineData("collections", "OrderedDict")]
    [InlineData("numpy.core.multiarray", "_reconstruct")]
    [InlineData("numpy._core.multiarray", "_reconstruct")]
    [InlineData("numpy", "dtype")]
    [InlineData("builtins", "set")]
    [InlineData("_codecs", "encode")]
    public void Model_globals_are_allowed(string module, string name)
        => Assert.Equal(GlobalVerdictKind.Allowed, GlobalPolicy.Classify(module, name).Kind);

    [Theory]
    [InlineData("mypkg", "Model")]
    [InlineData("torch", "_utils")]
    [InlineData("collections", "OrderedDict.fromkeys")]
    [InlineData("numpy", "core")]
    public void Everything_else_is_not_allowed(string module, string name)
        => Assert.Equal(GlobalVerdictKind.NotAllowed, GlobalPolicy.Classify(module, name).Kind);

    [Fact]
    public void Allowlist_is_exact_pairs_and_never_names_an_exact_denylist_entry()
    {
        Assert.All(AllowedGlobals.All, entry =>
        {
            Assert.DoesNotContain("*", entry, System.StringComparison.Ordinal);
            Assert.False(DangerousGlobals.TryGetExact(entry, out _), entry + " is both allowed and an exact denylist entry");
        });
        Assert.Equal(AllowedGlobals.All.Count, AllowedGlobals.All.Distinct().Count());
        Assert.Contains("torch._utils._rebuild_tensor_v2", AllowedGlobals.All);
        Assert.Contains("torch.nn.modules.linear.Linear", AllowedGlobals.All);
        Assert.Contains("sklearn.linear_model._logistic.LogisticRegression", AllowedGlobals.All);

        // What make_allowlist.py reads from the pickles of fitted estimators, sparse matrices and scheduler states.
        Assert.Contains("scipy.sparse._csr.csr_matrix", AllowedGlobals.All);
        Assert.Contains("sklearn.neighbors._kd_tree.newObj", AllowedGlobals.All);
        Assert.Contains("sklearn.calibration._CalibratedClassifier", AllowedGlobals.All);
        Assert.Contains("torch.optim.lr_scheduler.OneCycleLR._annealing_cos", AllowedGlobals.All);
    }

    [Theory]
    [InlineData("torch.serialization", "load")]
    [InlineData("torch.serialization", "_load")]
    [InlineData("joblib.numpy_pickle", "load")]
    public void Allowed_neighbours_do_not_open_a_dangerous_module(string module, string name)
        => Assert.Equal(GlobalVerdictKind.Dangerous, GlobalPolicy.Classify(module, name).Kind);

    [Fact]
    public void User_entries_extend_the_allowlist_but_never_allow_a_dangerous_global()
    {
        var options = new ModelGuard.Engine.Scanning.ScanOptions { AllowedGlobals = new[] { " mypkg.layers.Custom ", "os.system", "builtins.str.__class__" } };
        Assert.Equal(GlobalVerdictKind.Allowed, GlobalPolicy.Classify("mypkg.layers", "Custom", options).Kind);
        Assert.Equal(GlobalVerdictKind.Dangerous, GlobalPolicy.Classify("os", "system", options).Kind);
        Assert.Equal(GlobalVerdictKind.Dangerous, GlobalPolicy.Classify("builtins", "str.__class__", options).Kind);
        Assert.Equal(GlobalVerdictKind.NotAllowed, GlobalPolicy.Classify("mypkg.layers", "Other", options).Kind);
    }

    [Fact]
    public void The_options_fingerprint_changes_with_the_allowlist()
    {
        var a = new ModelGuard.Engine.Scanning.ScanOptions { AllowedGlobals = new[] { "a.B" } };
        var b = new ModelGuard.Engine.Scanning.ScanOptions { AllowedGlobals = new[] { "a.C" } };
        var a2 = new ModelGuard.Engine.Scanning.ScanOptions { AllowedGlobals = new[] { "a.B", "a.B" } };
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
        Assert.Equal(a.Fingerprint, a2.Fingerprint);
    }
}
