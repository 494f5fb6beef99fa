using System.Net;
using Graystep.Core.Analysis;
using Graystep.Core.Spec;
using Graystep.TestKit;
using Graystep.TestKit.Prometheus;
using static Graystep.Metrics.Tests.FakePrometheusHandler;

namespace Graystep.Metrics.Tests;

/// <summary>An analysis round (<c>MetricAnalysisRunner</c>) with Prometheus as the metric provider, against a fake Prometheus API.</summary>
public sealed class PrometheusAnalysisRoundTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly FakeTimeProvider _time = new(TestClock.Start);

    [Fact]
    public async Task Checks_every_metric_once_in_the_specs_order()
    {
        var handler = new FakePrometheusHandler((r, _) => Vector(r.Form("query").Contains("histogram_quantile", StringComparison.Ordinal) ? "120.7" : "99.9"));
        var spec = Spec([AnalysisSpecs.Metric("request-success-rate", Minute, min: 99), AnalysisSpecs.Metric("request-duration", Minute, max: 500)]);

        var results = await Runner(handler).RunAsync(Context(spec), CancellationToken.None);

        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(
            [("request-success-rate", 99.9, Verdict.Pass), ("request-duration", 120d, Verdict.Pass)],
            results.Select(r => (r.Name, r.Value!.Value, r.Verdict)));
        Assert.Equal(BuiltinQuery(StandardProviders.Istio.Queries.RequestSuccessRate, "1m"), results[0].Query);
        Assert.All(results, r => Assert.Equal(Minute, r.Window));
    }

    [Fact]
    public async Task The_window_starts_when_the_step_was_applied_rounded_down_to_whole_seconds()
    {
        var handler = new FakePrometheusHandler((_, _) => Vector("100"));
        var spec = Spec([AnalysisSpecs.Metric("request-success-rate", Minute, min: 99)]);
        var context = Context(spec) with { AppliedAt = _time.GetUtcNow() - TimeSpan.FromSeconds(42.7) };

        var result = Assert.Single(await Runner(handler).RunAsync(context, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(42), result.Window);
        Assert.Contains("}[42s]", handler.Requests[0].Form("query"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Right_after_the_step_was_applied_there_is_no_data_and_no_query()
    {
        var handler = new FakePrometheusHandler((_, _) => Vector("100"));
        var spec = Spec([AnalysisSpecs.Metric("request-success-rate", Minute, min: 99)]);
        var context = Context(spec) with { AppliedAt = _time.GetUtcNow() - TimeSpan.FromMilliseconds(300) };

        var result = Assert.Single(await Runner(handler).RunAsync(context, CancellationToken.None));

        Assert.Equal(Verdict.NoData, result.Verdict);
        Assert.Equal("the step was applied less than a second ago: there is no window to measure yet", result.Detail);
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData("99", Verdict.Pass, null)]
    [InlineData("101", Verdict.Pass, null)]
    [InlineData("98.9999", Verdict.Fail, "98.9999 is below the minimum 99")]
    [InlineData("101.5", Verdict.Fail, "101.5 is above the maximum 101")]
    public async Task Thresholds_are_inclusive_as_in_Flagger(string value, Verdict verdict, string? detail)
    {
        var handler = new FakePrometheusHandler((_, _) => Vector(value));
        var spec = Spec([AnalysisSpecs.Metric("request-success-rate", Minute, min: 99, max: 101)]);

        var result = Assert.Single(await Runner(handler).RunAsync(Context(spec), CancellationToken.None));

        Assert.Equal(verdict, result.Verdict);
        Assert.Equal(detail, result.Detail);
    }

    [Fact]
    public async Task Request_duration_is_read_as_whole_milliseconds_as_Flagger_does()
    {
        var handler = new FakePrometheusHandler((_, _) => Vector("500.9"));
        var spec = Spec([AnalysisSpecs.Metric("request-duration", Minute, max: 500)]);

        var result = Assert.Single(await Runner(handler).RunAsync(Context(spec), CancellationToken.None));

        Assert.Equal(500, result.Value);
        Assert.Equal(Verdict.Pass, result.Verdict);
    }

    [Fact]
    public async Task No_data_for_a_built_in_asks_whether_the_canary_gets_traffic()
    {
        var handler = new FakePrometheusHandler((_, _) => Vector("NaN"));
        var spec = Spec([AnalysisSpecs.Metric("request-success-rate", Minute, min: 99)]);

        var result = Assert.Single(await Runner(handler).RunAsync(Context(spec), CancellationToken.None));

        Assert.Equal(Verdict.NoData, result.Verdict);
        Assert.Null(result.Value);
        Assert.Equal("the query returned NaN (no requests in the window?); is podinfo-v2 receiving traffic?", result.Detail);
    }

    [Fact]
    public async Task One_failing_metric_never_fails_the_round()
    {
        var handler = new FakePrometheusHandler((r, _) => r.Form("query").StartsWith("broken", StringComparison.Ordinal)
            ? Error(HttpStatusCode.BadRequest, "bad_data", "parse error")
            : r.Form("query").StartsWith("many", StringComparison.Ordinal) ? Vector("1", "2") : Vector("1"));
        var spec = Spec(
        [
            AnalysisSpecs.Metric("a", Minute, max: 5, query: "broken("),
            AnalysisSpecs.Metric("b", Minute, max: 5, query: "many"),
            AnalysisSpecs.Metric("c", Minute, max: 5, query: "sum(x{ns=\"{{ namespace }}\"})"),
            AnalysisSpecs.Metric("d", Minute, max: 5, templateRef: "missing"),
            AnalysisSpecs.Metric("e", Minute, max: 5),
            AnalysisSpecs.Metric("f", Minute, max: 5, query: "x{n=\"{{ name }}\"}"),
        ]);

        var results = await Runner(handler).RunAsync(Context(spec), CancellationToken.None);

        Assert.Equal(
            [
                ("a", Verdict.Error, "Prometheus at http://prometheus:9090/ rejected the query (400 bad_data: parse error)"),
                ("b", Verdict.Error, "query returned 2 series; a metric query must return one: aggregate with sum(): many"),
                ("c", Verdict.Pass, null),
                ("d", Verdict.Error, "MetricTemplate test/missing not found: add its file beside the rollout spec"),
                ("e", Verdict.Error, "metric \"e\" is not a built-in (request-success-rate, request-duration) and has no templateRef or query"),
                ("f", Verdict.Error, "unknown template variable \"name\" at 1:6; known: namespace, target, stable, interval, service, ingress, variables.X"),
            ],
            results.Select(r => (r.Name, r.Verdict, r.Detail)));
        Assert.Equal("sum(x{ns=\"test\"})", results[2].Query);
    }

    [Fact]
    public async Task The_address_is_the_templates_own_then_the_override_then_the_specs_metricsServer()
    {
        var handler = new FakePrometheusHandler((_, _) => Vector("1"));
        var templates = new[]
        {
            AnalysisSpecs.Template("own", "test", "vector(1)", address: "http://template-prom:9090"),
            AnalysisSpecs.Template("shared", "test", "vector(1)"),
        };
        var spec = Spec([AnalysisSpecs.Metric("own", Minute, max: 5, templateRef: "own"), AnalysisSpecs.Metric("shared", Minute, max: 5, templateRef: "shared")]);

        await Runner(handler).RunAsync(Context(spec, templates), CancellationToken.None);
        await Runner(handler, new Uri("http://override:9090")).RunAsync(Context(spec, templates), CancellationToken.None);

        var hosts = handler.Requests.Select(r => r.Uri.Host).ToList();
        Assert.Equal(["prometheus", "template-prom"], hosts.Take(2).Order(StringComparer.Ordinal));
        Assert.Equal(["override", "template-prom"], hosts.Skip(2).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Without_any_address_the_metric_is_an_error_that_says_how_to_set_one()
    {
        var handler = new FakePrometheusHandler((_, _) => Vector("1"));
        var spec = Spec([AnalysisSpecs.Metric("request-success-rate", Minute, min: 99)]) with { MetricsServer = null };

        var result = Assert.Single(await Runner(handler).RunAsync(Context(spec), CancellationToken.None));

        Assert.Equal(Verdict.Error, result.Verdict);
        Assert.Equal("no Prometheus address: set spec.metricsServer or pass --prometheus", result.Detail);
    }

    [Fact]
    public async Task Templates_are_rendered_with_Flaggers_model_plus_stable()
    {
        var handler = new FakePrometheusHandler((_, _) => Vector("1"));
        var template = AnalysisSpecs.Template(
            "all", "shared", "x{ns=\"{{ namespace }}\",t=\"{{ target }}\",s=\"{{ stable }}\",svc=\"{{ service }}\",i=\"{{ ingress }}\",d=\"{{ variables.direction }}\"}[{{ interval }}]");
        var metric = AnalysisSpecs.Metric("all", TimeSpan.FromSeconds(30), max: 5, templateRef: "all") with
        {
            TemplateNamespace = "shared",
            TemplateVariables = new Dictionary<string, string> { ["direction"] = "inbound" },
        };
        var withDefaults = Spec([metric]);
        var withNames = AnalysisSpecs.Rollout(StandardProviders.Nginx, "test", "podinfo", "http://prometheus:9090", [metric], ingress: "web", serviceName: "front");

        var first = await Runner(handler).RunAsync(Context(withDefaults, [template]), CancellationToken.None);
        var second = await Runner(handler).RunAsync(Context(withNames, [template]), CancellationToken.None);

        Assert.Equal("x{ns=\"test\",t=\"podinfo-v2\",s=\"podinfo-v1\",svc=\"podinfo\",i=\"podinfo\",d=\"inbound\"}[30s]", first[0].Query);
        Assert.Equal("x{ns=\"test\",t=\"podinfo-v2\",s=\"podinfo-v1\",svc=\"front\",i=\"web\",d=\"inbound\"}[30s]", second[0].Query);
    }

    [Fact]
    public async Task A_template_for_another_provider_type_is_an_error()
    {
        var handler = new FakePrometheusHandler((_, _) => Vector("1"));
        var template = AnalysisSpecs.Template("dd", "test", "sum:x{*}") with { ProviderType = "datadog" };
        var spec = Spec([AnalysisSpecs.Metric("dd", Minute, max: 5, templateRef: "dd")]);

        var result = Assert.Single(await Runner(handler).RunAsync(Context(spec, [template]), CancellationToken.None));

        Assert.Equal("MetricTemplate test/dd uses provider type \"datadog\"; Graystep queries Prometheus only", result.Detail);
        Assert.Empty(handler.Requests);
    }

    private static string BuiltinQuery(string template, string interval) => MetricQueryBuilder.Build(template, new MetricQueryModel
    {
        Namespace = "test",
        Target = "podinfo-v2",
        Stable = "podinfo-v1",
        Interval = interval,
        Service = "podinfo",
        Ingress = "podinfo",
    });

    private static RolloutSpec Spec(IReadOnlyList<MetricSpec> metrics) =>
        AnalysisSpecs.Rollout(StandardProviders.Istio, "test", "podinfo", "http://prometheus:9090", metrics);

    private AnalysisContext Context(RolloutSpec spec, IReadOnlyList<MetricTemplate>? templates = null) =>
        AnalysisSpecs.Context(spec, _time.GetUtcNow() - TimeSpan.FromMinutes(5), templates: templates);

    private IAnalysisRunner Runner(FakePrometheusHandler handler, Uri? prometheusOverride = null) =>
        PrometheusAnalysis.Create(handler, _time, prometheusOverride, maxConcurrentQueries: 1, delay: (_, _) => Task.CompletedTask);
}
