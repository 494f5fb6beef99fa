using Graystep.Core.Analysis;
using Graystep.Core.Errors;

namespace Graystep.Metrics.Tests;

public sealed class MetricQueryBuilderTests
{
    private static readonly MetricQueryModel Model = new()
    {
        Namespace = "test",
        Target = "podinfo-v2",
        Stable = "podinfo-v1",
        Interval = "30s",
        Service = "podinfo",
        Ingress = "podinfo-ingress",
        Variables = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["direction"] = "inbound" },
    };

    [Fact]
    public void Renders_every_variable_with_or_without_spaces_inside_the_braces()
    {
        var query = MetricQueryBuilder.Build(
            "{{namespace}} {{ target }} {{  stable  }} {{interval }} {{ service}} {{ ingress }} {{ variables.direction }} {{variables.direction}}",
            Model);

        Assert.Equal("test podinfo-v2 podinfo-v1 30s podinfo podinfo-ingress inbound inbound", query);
    }

    [Fact]
    public void Collapses_whitespace_runs_to_one_space_as_Flagger_does_before_sending()
    {
        var query = MetricQueryBuilder.Build("sum(\n  rate(\n\tfoo{ns=\"{{ namespace }}\"}[{{ interval }}]\n  )\n)\n", Model);

        Assert.Equal("sum( rate( foo{ns=\"test\"}[30s] ) )", query);
    }

    [Fact]
    public void Honours_Go_trim_markers_and_drops_comments()
    {
        var query = MetricQueryBuilder.Build("a   {{- namespace -}}   b {{/* why */}}c", Model);

        Assert.Equal("atestb c", query);
    }

    [Fact]
    public void A_text_without_actions_is_unchanged_but_for_whitespace()
    {
        Assert.Equal("vector(1) > 0", MetricQueryBuilder.Build("vector(1)  >  0", Model));
    }

    [Fact]
    public void An_unknown_variable_is_an_input_error_with_its_position_and_the_known_names()
    {
        var error = Assert.Throws<MetricTemplateException>(() => MetricQueryBuilder.Build("sum(x)\n  / {{ name }}", Model));

        Assert.Equal(
            "unknown template variable \"name\" at 2:5; known: namespace, target, stable, interval, service, ingress, variables.X",
            error.Message);
        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
    }

    [Fact]
    public void A_template_variable_the_metric_does_not_set_is_an_error_that_says_where_to_add_it()
    {
        var error = Assert.Throws<MetricTemplateException>(() => MetricQueryBuilder.Build("x{d=\"{{ variables.zone }}\"}", Model));

        Assert.Equal("template variable \"variables.zone\" at 1:6 is not set", error.Message);
        Assert.Equal("add \"zone\" to the metric's templateVariables", error.Hint);
    }

    [Theory]
    [InlineData("{{ if namespace }}x{{ end }}", "unsupported template action \"{{ if namespace }}\" at 1:1")]
    [InlineData("a {{ namespace | printf }}", "unsupported template action \"{{ namespace | printf }}\" at 1:3")]
    [InlineData("a {{ .namespace }}", "unsupported template action \"{{ .namespace }}\" at 1:3")]
    [InlineData("rate(x[{{ interval ]", "unclosed action \"{{\" at 1:8")]
    public void Other_template_actions_are_rejected(string template, string messageStart)
    {
        var error = Assert.Throws<MetricTemplateException>(() => MetricQueryBuilder.Build(template, Model));

        Assert.StartsWith(messageStart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindVariables_lists_every_reference_with_line_and_column_for_validation()
    {
        var found = MetricQueryBuilder.FindVariables("x{a=\"{{ namespace }}\",\n b=\"{{bogus}}\", c=\"{{ variables.zone }}\"}");

        Assert.Equal(
            [("namespace", 1, 6, true), ("bogus", 2, 5, false), ("variables.zone", 2, 20, true)],
            found.Select(f => (f.Name, f.Line, f.Column, f.IsKnown)));
    }

    [Fact]
    public void The_known_variable_names_are_the_pinned_list()
    {
        Assert.Equal(["namespace", "target", "stable", "interval", "service", "ingress", "variables.*"], MetricQueryBuilder.KnownVariables);
        Assert.True(MetricQueryBuilder.IsKnownVariable("variables.direction"));
        Assert.False(MetricQueryBuilder.IsKnownVariable("variables."));
        Assert.False(MetricQueryBuilder.IsKnownVariable("name"));
        Assert.False(MetricQueryBuilder.IsKnownVariable("Namespace"));
    }
}
