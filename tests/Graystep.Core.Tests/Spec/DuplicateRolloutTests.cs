using Graystep.Core.Manifests;
using Graystep.Core.Spec;
using Graystep.TestKit;
using static Graystep.Core.Tests.Spec.SpecFixtures;

namespace Graystep.Core.Tests.Spec;

/// <summary>Rollout ids (namespace/name) name commits, history and status: one id may appear once in the whole repository.</summary>
public sealed class DuplicateRolloutTests
{
    private static SpecSet Load(params (string Folder, string Rollout)[] rollouts) =>
        SpecLoader.Load(
            [.. rollouts.SelectMany(r => new[] { new SourceFile($"{r.Folder}/deployment.yaml", Deployment), new SourceFile($"{r.Folder}/rollout.yaml", r.Rollout) })],
            StandardProviders.Catalogue);

    [Fact]
    public void The_same_id_in_two_unrelated_folders_is_refused_in_both_files()
    {
        var set = Load(("team-a/reviews", Rollout), ("team-b/reviews", Rollout));

        Assert.Equal(
            [
                "team-a/reviews/rollout.yaml:3:18: metadata.name: rollout bookinfo/reviews is also defined at team-b/reviews/rollout.yaml:1:1; rollout names (namespace/name) must be unique across the repository, because their commits share one history: rename metadata.name in one of them",
                "team-b/reviews/rollout.yaml:3:18: metadata.name: rollout bookinfo/reviews is also defined at team-a/reviews/rollout.yaml:1:1; rollout names (namespace/name) must be unique across the repository, because their commits share one history: rename metadata.name in one of them",
            ],
            Problems(set).Order(StringComparer.Ordinal));
        Assert.Empty(set.Rollouts);
    }

    [Fact]
    public void Another_name_or_another_namespace_is_a_different_rollout()
    {
        var renamed = Rollout.With("metadata: {name: reviews, namespace: bookinfo}", "metadata: {name: reviews-b, namespace: bookinfo}");
        var elsewhere = Rollout.With("metadata: {name: reviews, namespace: bookinfo}", "metadata: {name: reviews, namespace: staging}");

        Assert.Empty(Problems(Load(("a", Rollout), ("b", renamed))));
        Assert.DoesNotContain(Problems(Load(("a", Rollout), ("b", elsewhere))), p => p.Contains("is also defined at", StringComparison.Ordinal));
    }

    [Fact]
    public void The_examples_have_one_id_each()
    {
        var files = Directory.EnumerateFiles(RepoPaths.Examples, "*.yaml", SearchOption.AllDirectories)
            .Select(f => new SourceFile(Path.GetRelativePath(RepoPaths.Examples, f).Replace('\\', '/'), File.ReadAllText(f)))
            .Where(f => !f.Text.StartsWith(ManifestDocument.RenderedMarker, StringComparison.Ordinal))
            .ToList();

        var set = SpecLoader.Load(files, StandardProviders.Catalogue);

        Assert.DoesNotContain(Problems(set), p => p.Contains("is also defined at", StringComparison.Ordinal));
        Assert.Equal(set.Rollouts.Count, set.Rollouts.Select(r => r.Id).Distinct().Count());
    }
}
