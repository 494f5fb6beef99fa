using Graystep.Core.Spec;
using Graystep.TestKit;

namespace Graystep.Core.Tests.Spec;

/// <summary>
/// The spec reference covers every field the schema accepts, says no more than the schema, and docs/spec-reference.md
/// is what it generates (rewritten with GRAYSTEP_UPDATE_SNAPSHOTS=1).
/// </summary>
public sealed class SpecReferenceTests
{
    private static IEnumerable<string> SchemaPaths() =>
        SpecPaths.Of(SpecSchemas.RolloutDocument).Select(p => p.Path)
            .Concat(SpecPaths.Of(SpecSchemas.CanaryDocument).Select(p => p.Path))
            .Concat(SpecPaths.Of(SpecSchemas.MetricTemplateDocument).Select(p => SpecReference.TemplatePrefix + p.Path))
            .Concat(SpecPaths.Of(SpecSchemas.AlertProviderDocument).Select(p => SpecReference.AlertProviderPrefix + p.Path))
            .Distinct(StringComparer.Ordinal);

    [Fact]
    public void Every_field_the_schema_accepts_has_a_row_and_every_row_a_field()
    {
        var missing = SchemaPaths().Where(p => SpecReference.For(p) is null).ToList();
        Assert.True(missing.Count == 0, "fields without a row in SpecReference: " + string.Join(", ", missing));

        var paths = SchemaPaths().ToHashSet(StringComparer.Ordinal);
        var stale = SpecReference.Entries.Keys.Where(k => !paths.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "rows for fields the schema does not accept: " + string.Join(", ", stale));
        Assert.All(SpecReference.Entries.Values, e => Assert.False(string.IsNullOrWhiteSpace(e.Meaning), e.Path));
    }

    [Fact]
    public void The_defaults_the_reference_states_are_the_ones_the_binder_applies()
    {
        var rollout = Assert.Single(SpecLoader.Load([new Manifests.SourceFile("app/rollout.yaml", SpecFixtures.Rollout), new Manifests.SourceFile("app/deployment.yaml", SpecFixtures.Deployment)], StandardProviders.Catalogue).Rollouts);

        Assert.Equal("30s (Rollout)", SpecReference.For("spec.analysis.scaleDownDelay")!.Default);
        Assert.Equal(TimeSpan.FromSeconds(30), rollout.Analysis.ScaleDownDelay);
        Assert.Equal("600", SpecReference.For("spec.progressDeadlineSeconds")!.Default);
        Assert.Equal(600, rollout.ProgressDeadlineSeconds);
        Assert.Equal("rendered/", SpecReference.For("spec.output")!.Default);
        Assert.Equal(Treatment.Honoured, SpecReference.For("spec.analysis.keepPrevious")!.Treatment);
        Assert.Equal(Treatment.Refused, SpecReference.For("spec.analysis.sessionAffinity")!.With("nginx"));
        Assert.Equal(Treatment.Honoured, SpecReference.For("spec.analysis.sessionAffinity.primaryCookieName")!.With("istio"));
        Assert.Equal(Treatment.Refused, SpecReference.For("spec.analysis.sessionAffinity.primaryCookieName")!.With("nginx"));
        Assert.Equal(Treatment.Warned, SpecReference.For("spec.analysis.primaryReadyThreshold")!.Treatment);
        Assert.Equal(Treatment.Honoured, SpecReference.For("spec.service.retries")!.With("istio"));
        Assert.Equal(Treatment.Refused, SpecReference.For("spec.service.retries")!.With("nginx"));
    }

    [Fact]
    public void Docs_spec_reference_is_the_generated_text()
    {
        var path = Path.Combine(RepoPaths.Root, "docs", "spec-reference.md");
        var generated = SpecReference.Markdown();
        if (Environment.GetEnvironmentVariable("GRAYSTEP_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, generated);
        }

        Assert.True(File.Exists(path), "docs/spec-reference.md is missing: run the tests with GRAYSTEP_UPDATE_SNAPSHOTS=1");
        Assert.True(File.ReadAllText(path) == generated, "docs/spec-reference.md is stale: run the tests with GRAYSTEP_UPDATE_SNAPSHOTS=1 and review the diff");
        Assert.Contains("| `spec.analysis.scaleDownDelay` | duration | `30s (Rollout)` | honoured |", generated, StringComparison.Ordinal);
        Assert.Contains("| `spec.output` | string | `rendered/` | honoured | The folder Graystep renders into and the reconciler applies. Rollout only. |", generated, StringComparison.Ordinal);
    }
}
