using System;
using System.Collections.Generic;

namespace ModelGuard.Engine.Policy;

/// <summary>
/// Globals known to execute code, reach the OS or load another payload, each with what calling it does. Not what makes
/// the scan safe (the allowlist does: anything else is MG1002); it names the danger and raises the finding to MG1001.
/// An entry ending in <c>.*</c> covers a whole module and its submodules. Classes whose construction has no side effect
/// (pathlib paths) are on the allowlist; their acting methods are listed here in <see cref="ActingMethods"/>, so they stay
/// MG1001 however they are reached (a dotted name, getattr on an instance).
/// </summary>
internal static class DangerousGlobals
{
    // Each reason completes "loading the file would ...": what the file does to the machine that loads it.
    private const string Exec = "execute Python code";
    private const string Process = "run shell commands or start processes";
    private const string Files = "read, write or delete files";
    private const string Network = "open network connections";
    private const string Reflection = "import modules or reach attributes by name, which turns any string in the file into a callable";
    private const string Loader = "deserialize another payload, which can run code of its own";
    private const string Interpreter = "change or stop the running interpreter";
    private const string Indirect = "call another callable it is given, which hides the real call";

    private static readonly (string Pattern, string Danger)[] Entries =
    {
        // Code execution
        ("builtins.exec", Exec), ("builtins.eval", Exec), ("builtins.compile", Exec), ("builtins.breakpoint", Exec),
        ("builtins.__build_class__", Exec), ("runpy.*", Exec), ("code.*", Exec), ("codeop.*", Exec), ("timeit.*", Exec),
        ("profile.*", Exec), ("cProfile.*", Exec), ("pdb.*", Exec), ("bdb.*", Exec), ("doctest.*", Exec), ("trace.*", Exec),
        ("marshal.*", Exec), ("types.*", Exec), ("ctypes.*", Exec), ("_ctypes.*", Exec), ("cffi.*", Exec), ("idlelib.*", Exec),
        ("lib2to3.*", Exec), ("logging.config.*", Exec), ("_posixsubprocess.*", Process), ("threading.*", Indirect), ("_thread.*", Indirect),
        ("asyncio.*", Process), ("concurrent.*", Indirect), ("sched.*", Indirect), ("atexit.*", Indirect), ("signal.*", Interpreter),
        ("numpy.testing.*", Exec), ("numpy.f2py.*", Process), ("numpy.distutils.*", Process), ("numpy.ctypeslib.*", Exec),
        ("torch._inductor.*", Exec), ("torch.utils.cpp_extension.*", Process), ("torch.hub.*", Exec), ("torch.jit.*", Exec),
        ("torch._dynamo.*", Exec), ("torch.fx.*", Exec), ("torch.package.*", Loader), ("torch.distributed.*", Network),
        ("torch.utils.data.*", Exec), ("torch.multiprocessing.*", Process), ("torch.testing.*", Exec), ("torch._C.*", Exec),
        ("torch.ops.*", Exec), ("torch._ops.*", Exec), ("torch.compile", Exec), ("torch.backends.*", Interpreter),
        ("setuptools.*", Process), ("distutils.*", Process), ("pip.*", Process), ("ensurepip.*", Process), ("venv.*", Process),
        ("imp.*", Reflection), ("site.*", Exec), ("sysconfig.*", Process), ("platform.*", Process), ("uuid._popen", Process),
        ("uuid._get_command_stdout", Process), ("ctypes.util.*", Process),

        // Processes and the OS
        ("os.*", Process), ("posix.*", Process), ("nt.*", Process), ("subprocess.*", Process), ("pty.*", Process), ("popen2.*", Process),
        ("multiprocessing.*", Process), ("pydoc.*", Process), ("webbrowser.*", Process), ("imaplib.*", Process), ("sys.*", Interpreter),
        ("builtins.exit", Interpreter), ("builtins.quit", Interpreter), ("builtins.input", Interpreter), ("builtins.help", Process),
        ("builtins.copyright", Files), ("builtins.credits", Files), ("builtins.license", Files), ("gc.*", Interpreter),
        ("resource.*", Interpreter), ("_signal.*", Interpreter), ("faulthandler.*", Interpreter), ("readline.*", Files),
        ("rlcompleter.*", Reflection), ("getpass.*", Interpreter), ("cmd.*", Exec), ("tty.*", Interpreter), ("termios.*", Interpreter),

        // Files
        ("builtins.open", Files), ("io.*", Files), ("_io.*", Files), ("shutil.*", Files), ("pathlib.*", Files), ("tempfile.*", Files),
        ("glob.*", Files), ("fileinput.*", Files), ("filecmp.*", Files), ("linecache.*", Files), ("tarfile.*", Files),
        ("zipfile.*", Files), ("gzip.*", Files), ("bz2.*", Files), ("lzma.*", Files), ("zipimport.*", Reflection), ("shelve.*", Loader),
        ("dbm.*", Files), ("sqlite3.*", Files), ("mmap.*", Files), ("codecs.open", Files), ("codecs.EncodedFile", Files),
        ("logging.FileHandler", Files), ("logging.handlers.*", Files), ("csv.writer", Files), ("wave.*", Files), ("aifc.*", Files),
        ("mailbox.*", Files), ("tkinter.*", Exec), ("configparser.*", Files), ("plistlib.*", Files), ("numpy.memmap", Files),
        ("numpy.save", Files), ("numpy.savez", Files), ("numpy.savetxt", Files), ("numpy.fromfile", Files), ("numpy.loadtxt", Files),
        ("numpy.genfromtxt", Files), ("numpy.lib.npyio.*", Loader), ("numpy.DataSource", Network), ("torch.save", Files),
        ("torch.serialization.*", Loader), ("torch.from_file", Files),

        // Network
        ("socket.*", Network), ("_socket.*", Network), ("ssl.*", Network), ("http.*", Network), ("urllib.*", Network),
        ("urllib2.*", Network), ("httplib.*", Network), ("ftplib.*", Network), ("smtplib.*", Network), ("poplib.*", Network),
        ("nntplib.*", Network), ("telnetlib.*", Network), ("xmlrpc.*", Network), ("socketserver.*", Network),
        ("wsgiref.*", Network), ("requests.*", Network), ("aiohttp.*", Network), ("httpx.*", Network), ("urllib3.*", Network),
        ("paramiko.*", Network), ("selectors.*", Network), ("select.*", Network),

        // Dynamic import and reflection
        ("builtins.__import__", Reflection), ("builtins.getattr", Reflection), ("builtins.setattr", Reflection),
        ("builtins.delattr", Reflection), ("builtins.globals", Reflection), ("builtins.locals", Reflection), ("builtins.vars", Reflection),
        ("builtins.dir", Reflection), ("builtins.type", Reflection), ("builtins.super", Reflection), ("builtins.classmethod", Reflection),
        ("builtins.staticmethod", Reflection), ("builtins.property", Reflection), ("builtins.memoryview", Reflection),
        ("builtins.map", Indirect), ("builtins.filter", Indirect), ("importlib.*", Reflection),
        ("pkgutil.*", Reflection), ("inspect.*", Reflection), ("operator.attrgetter", Reflection), ("operator.methodcaller", Reflection),
        ("operator.itemgetter", Indirect), ("operator.call", Indirect), ("_operator.*", Reflection), ("functools.partial", Indirect),
        ("functools.reduce", Indirect), ("functools.partialmethod", Indirect), ("functools.singledispatch", Indirect),
        ("functools.cached_property", Indirect), ("itertools.starmap", Indirect), ("copyreg.add_extension", Reflection), ("copyreg.remove_extension", Reflection), ("copyreg.pickle", Reflection),
        ("copyreg.constructor", Reflection), ("copyreg.__newobj__", Indirect), ("copyreg.__newobj_ex__", Indirect),
        ("contextlib.*", Indirect),
        ("torch._utils._import_dotted_name", Reflection), ("torch.Tensor.__reduce_ex__", Reflection),

        // Nested loaders
        ("pickle.*", Loader), ("_pickle.*", Loader), ("cPickle.*", Loader), ("dill.*", Loader), ("cloudpickle.*", Loader),
        ("joblib.load", Loader), ("joblib.numpy_pickle.load", Loader), ("joblib.numpy_pickle_compat.*", Files), ("numpy.load", Loader), ("numpy.lib.format.*", Loader),
        ("torch.load", Loader), ("torch.storage._load_from_bytes", Loader), ("pandas.read_pickle", Loader), ("yaml.*", Loader),
        ("jsonpickle.*", Loader), ("keras.*", Loader), ("tensorflow.*", Exec), ("onnx.*", Loader), ("safetensors.*", Loader),
    };

    /// <summary>Methods of allowed path classes that act on the file system, by name, for any class of the module.</summary>
    private static readonly (string Module, string Method, string Effect)[] ActingMethods =
    {
        ("pathlib", "write_text", "write a file"), ("pathlib", "write_bytes", "write a file"), ("pathlib", "open", "open a file"),
        ("pathlib", "read_text", "read a file"), ("pathlib", "read_bytes", "read a file"), ("pathlib", "unlink", "delete a file"),
        ("pathlib", "rmdir", "delete a directory"), ("pathlib", "mkdir", "create a directory"), ("pathlib", "touch", "create a file"),
        ("pathlib", "rename", "move a file"), ("pathlib", "replace", "move a file over another"), ("pathlib", "chmod", "change a file's permissions"),
        ("pathlib", "lchmod", "change a file's permissions"), ("pathlib", "symlink_to", "create a symbolic link"),
        ("pathlib", "hardlink_to", "create a hard link"), ("pathlib", "link_to", "create a hard link"), ("pathlib", "iterdir", "list a directory"),
        ("pathlib", "glob", "list files"), ("pathlib", "rglob", "list files"), ("pathlib", "owner", "read a file's owner"),
    };

    private static readonly Dictionary<string, string> Exact = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, string> Modules = new(StringComparer.Ordinal);

    static DangerousGlobals()
    {
        foreach (var (pattern, danger) in Entries)
        {
            if (pattern.EndsWith(".*", StringComparison.Ordinal))
            {
                Modules[pattern.Substring(0, pattern.Length - 2)] = danger;
            }
            else
            {
                Exact[pattern] = danger;
            }
        }

        foreach (var (module, method, effect) in ActingMethods)
        {
            foreach (var cls in new[] { "Path", "PosixPath", "WindowsPath", "PurePath", "PurePosixPath", "PureWindowsPath" })
            {
                Exact[module + "." + cls + "." + method] = effect;
            }
        }
    }

    /// <summary>An entry names exactly this target (not a whole module).</summary>
    public static bool TryGetExact(string qualifiedName, out string danger) => Exact.TryGetValue(qualifiedName, out danger!);

    /// <summary>
    /// Looks up the fully qualified target (<c>module.name</c>, where name may be a dotted path). Matches an exact
    /// entry or any module entry that is a dotted prefix of it, so <c>os.path.join</c>, <c>os</c> + <c>system</c> and
    /// <c>torch</c> + <c>serialization.load</c> all resolve.
    /// </summary>
    public static bool TryGetDanger(string qualifiedName, out string danger)
    {
        if (Exact.TryGetValue(qualifiedName, out danger!))
        {
            return true;
        }

        var prefix = qualifiedName;
        while (true)
        {
            if (Modules.TryGetValue(prefix, out danger!))
            {
                return true;
            }

            var dot = prefix.LastIndexOf('.');
            if (dot <= 0)
            {
                danger = string.Empty;
                return false;
            }

            prefix = prefix.Substring(0, dot);
            if (Exact.TryGetValue(prefix, out danger!))
            {
                // An attribute reached through a dangerous callable (builtins.getattr.__call__) is as dangerous.
                return true;
            }
        }
    }

    /// <summary>The patterns, for docs and tests.</summary>
    public static IEnumerable<string> Patterns
    {
        get
        {
            foreach (var (pattern, _) in Entries)
            {
                yield return pattern;
            }
        }
    }
}
