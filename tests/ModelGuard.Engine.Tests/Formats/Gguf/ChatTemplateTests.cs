using System;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Formats.Gguf;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Formats.Gguf;

/// <summary>
/// Real models' templates (Fixtures/gguf/templates, from llama.cpp's tests and models/templates) must pass; templates that
/// reach Python internals, however they spell it, must fail; literals that Jinja only prints or compares stay data.
/// </summary>
public sealed class ChatTemplateTests
{
    public static TheoryData<string> RealTemplates()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "gguf", "templates"), "*.jinja").OrderBy(p => p, StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    [Fact]
    public void The_real_template_corpus_is_there()
        => Assert.True(RealTemplates().Count >= 35, "expected the committed templates of real models");

    [Theory]
    [MemberData(nameof(RealTemplates))]
    public void A_real_model_template_passes(string name)
    {
        var template = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "gguf", "templates", name));
        var found = ChatTemplateChecker.Find(template);
        Assert.True(found.Count == 0, string.Join("\n", found.Select(f => f.Rule.Id + " " + f.Message)));
        var content = GgufWriter.Typical(template).ToArray();
        Assert.Empty(GgufTestHelpers.ScanIds(content));
    }

    [Theory]
    [InlineData("{{ ''.__class__.__mro__[1].__subclasses__() }}")]
    [InlineData("{{ cycler.__init__.__globals__.os.popen('id').read() }}")]
    [InlineData("{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('id').read() }}")]
    [InlineData("{% for c in [].__class__.__base__.__subclasses__() %}{% endfor %}")]
    [InlineData("{{ x['__class__'] }}")]
    [InlineData("{{ x[\"__globals__\"] }}")]
    [InlineData("{{ x|attr('__class__') }}")]
    [InlineData("{{ x|attr(name) }}")]
    [InlineData("{{ x|attr('\\x5f\\x5fclass\\x5f\\x5f') }}")]
    [InlineData("{{ x['\\u005f\\u005fclass\\u005f\\u005f'] }}")]
    [InlineData("{{ x[('_' ~ '_class' ~ '__')] }}")]
    [InlineData("{{ x['_' * 2 ~ 'class' ~ '_' * 2] }}")]
    [InlineData("{% set k = '__class__' %}{{ x[k] }}")]
    [InlineData("{{ '{0.__class__}'.format(x) }}")]
    [InlineData("{{ x|map(attribute='__class__')|list }}")]
    [InlineData("{{ lipsum.__globals__['os'].system('id') }}")]
    [InlineData("{{ request.application.__globals__.__builtins__.__import__('os') }}")]
    [InlineData("{{ x.mro() }}")]
    [InlineData("{{ eval('1') }}")]
    [InlineData("{{ exec }}")]
    [InlineData("{{ subprocess.check_output('id') }}")]
    [InlineData("{%- if true -%}{{- x.__init__ -}}{%- endif -%}")]
    [InlineData("{{ {'a': x.__class__} }}")]
    [InlineData("{% raw %}{{ safe }}{% endraw %}{{ x.__class__ }}")]
    [InlineData("{# comment #}{{ x.__dict__ }}")]
    public void A_template_that_reaches_python_internals_fails(string template)
    {
        var found = ChatTemplateChecker.Find(template);
        Assert.Contains(found, f => f.Rule.Id == "MG6018");
        Assert.Contains("MG6018", GgufTestHelpers.ScanIds(GgufWriter.Typical(template).ToArray()));
    }

    [Theory]
    [InlineData("__class__ in plain text is output, not code")]
    [InlineData("{{ '__class__' }}")]
    [InlineData("{% if message['content'] == '__class__' %}yes{% endif %}")]
    [InlineData("{% if '__init__' in message['content'] %}x{% endif %}")]
    [InlineData("{# {{ x.__class__ }} is a comment #}ok")]
    [InlineData("{% raw %}{{ x.__class__ }}{% endraw %}")]
    [InlineData("{{ message['content'] }} with os and eval as words outside tags")]
    [InlineData("{%- set ns = namespace(system_message='') -%}{{ ns.system_message }}")]
    [InlineData("{{ {'a': {'b': 1}} }}")]
    [InlineData("{{ x|attr('content') }}")]
    public void A_template_that_only_prints_or_compares_such_text_passes(string template)
    {
        var found = ChatTemplateChecker.Find(template);
        Assert.True(found.Count == 0, string.Join("\n", found.Select(f => f.Rule.Id + " " + f.Message)));
    }

    [Theory]
    [InlineData("{{ x ")]
    [InlineData("{% if x %}{{ 'unterminated }}{% endif %}")]
    [InlineData("{# never closed")]
    [InlineData("{% raw %} never ended")]
    [InlineData("{{ x ] }}")]
    public void A_template_jinja_cannot_tokenize_is_reported_as_unverified(string template)
    {
        var found = ChatTemplateChecker.Find(template);
        Assert.Equal(new[] { "MG6019" }, found.Select(f => f.Rule.Id).ToArray());
    }

    [Fact]
    public void A_template_too_large_to_check_is_reported_as_unverified()
    {
        var template = "{{ x }}" + new string('a', GgufHeaderReader.MaxTemplateBytes);
        Assert.Contains("MG6019", GgufTestHelpers.ScanIds(GgufWriter.Typical(template).ToArray()));
    }
}
