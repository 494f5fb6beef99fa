using System.Globalization;
using System.Text;
using Graystep.Core.Manifests;
using Graystep.Core.Spec;
using Graystep.TestKit;
using static Graystep.Core.Tests.Spec.SpecFixtures;

namespace Graystep.Core.Tests.Spec;

/// <summary>
/// The repository is untrusted input (issue 13): YAML that would exhaust memory or the stack, and shapes that crashed
/// validate, each become one problem with file:line:col instead of an exception.
/// </summary>
public sealed class UntrustedYamlTests
{
    /// <summary>Nine levels of nine aliases: 387 million scalars once expanded, 1 KB as text.</summary>
    public static string AliasBomb(string prefix = "")
    {
        var text = new StringBuilder(prefix).Append("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 1; level < 9; level++)
        {
            var name = (char)('a' + level);
            var previous = "*" + (char)('a' + level - 1);
            text.Append(name).Append(": &").Append(name).Append(" [").AppendJoin(",", Enumerable.Repeat(previous, 9)).Append("]\n");
        }

        return text.ToString();
    }

    [Fact]
    public void An_alias_bomb_in_a_template_is_refused_at_the_node_limit_with_bounded_memory()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();

        var set = Load(Rollout, new SourceFile("app/bomb.yaml", AliasBomb("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol, namespace: bookinfo}\n")));

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var problem = Assert.Single(set.Problems);
        Assert.Equal("app/bomb.yaml", problem.Location.File);
        Assert.Contains("more than 250,000 YAML nodes (aliases count as the nodes they repeat)", problem.Message, StringComparison.Ordinal);
        Assert.True(allocated < 200_000_000, $"reading the bomb allocated {allocated:N0} bytes");
    }

    [Theory]
    [InlineData("data: &b [*b]\n", "x.yaml:1:11")]
    [InlineData("a: &m\n  b: *m\n", "x.yaml:2:6")]
    public void An_alias_inside_the_node_it_names_is_refused_not_followed_forever(string text, string at)
    {
        var problem = Assert.Single(ManifestReader.Read(new SourceFile("x.yaml", text)).Problems);

        Assert.Equal(at, problem.Location.ToString());
        Assert.Contains("Graystep refuses recursive aliases", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Aliases_that_stay_under_the_limit_still_read()
    {
        var text = "base: &base {app: reviews, tier: backend}\nlabels: *base\nselector: *base\n";

        var read = ManifestReader.Read(new SourceFile("a.yaml", text));

        Assert.Empty(read.Problems);
        Assert.Single(read.Documents);
    }

    [Theory]
    [InlineData("[", "]", 40_000)]
    [InlineData("{a: ", "}", 40_000)]
    public void Nesting_forty_thousand_levels_is_refused_not_a_stack_overflow(string open, string close, int levels)
    {
        var text = string.Concat(Enumerable.Repeat(open, levels)) + string.Concat(Enumerable.Repeat(close, levels));

        var read = ManifestReader.Read(new SourceFile("deep.yaml", text));

        var problem = Assert.Single(read.Problems);
        Assert.Equal("deep.yaml:1:" + (YamlLimits.MaxDepth * open.Length + 1).ToString(CultureInfo.InvariantCulture), problem.Location.ToString());
        Assert.Equal("YAML nested more than 100 levels deep; Graystep reads at most 100 levels: flatten this structure", problem.Message);
        Assert.Empty(read.Documents);
    }

    [Fact]
    public void Block_nesting_is_limited_the_same_way_and_the_limit_itself_still_reads()
    {
        static string Nested(int levels)
        {
            var text = new StringBuilder();
            for (var i = 0; i < levels; i++)
            {
                text.Append(' ', i).Append('k').Append(i.ToString(CultureInfo.InvariantCulture)).Append(":\n");
            }

            return text.Append(' ', levels).Append("leaf: 1\n").ToString();
        }

        Assert.Empty(ManifestReader.Read(new SourceFile("ok.yaml", Nested(YamlLimits.MaxDepth - 1))).Problems);
        var problem = Assert.Single(ManifestReader.Read(new SourceFile("deep.yaml", Nested(YamlLimits.MaxDepth))).Problems);
        Assert.Equal("deep.yaml:101:101", problem.Location.ToString());
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_without_parsing()
    {
        var text = "a: " + new string('x', (int)YamlLimits.MaxFileBytes) + "\n";

        var problem = Assert.Single(ManifestReader.Read(new SourceFile("big.yaml", text)).Problems);

        Assert.Equal("big.yaml:1:1: the file is 4 MiB; Graystep reads YAML files up to 4 MiB: split it, or move it out of the rollout's folder", problem.ToString());
    }

    [Fact]
    public void A_metrics_list_whose_first_item_is_a_plain_string_is_a_problem_not_a_crash()
    {
        var rollout = Rollout.With("      - {name: request-success-rate", "      - plain-string\n      - {name: not-found, templateRef: {name: not-found-percentage}, thresholdRange: {max: 5}}\n      - {name: request-success-rate");

        var set = Load(rollout, new SourceFile("app/template.yaml", NotFoundTemplate));

        Assert.Equal(["app/rollout.yaml:13:9: spec.analysis.metrics[0]: expected a mapping, got \"plain-string\""], Problems(set));
    }

    [Fact]
    public void A_template_metric_after_a_bad_item_resolves_its_own_template()
    {
        var rollout = Rollout.With("      - {name: request-success-rate", "      - 7\n      - {name: not-found, templateRef: {name: missing-template}, thresholdRange: {max: 5}}\n      - {name: request-success-rate");

        var problems = Problems(Load(rollout));

        // The templateRef problem names the list item as written (index 1), not its index among bound metrics.
        Assert.Contains(problems, p => p.StartsWith("app/rollout.yaml:14:27: spec.analysis.metrics[1].templateRef: MetricTemplate \"missing-template\" not found", StringComparison.Ordinal));
    }

    [Fact]
    public void A_key_missing_before_a_nested_mapping_is_invalid_yaml_not_a_crash()
    {
        var read = ManifestReader.Read(new SourceFile("x.yaml", "a:\n  : b: c\n"));

        var problem = Assert.Single(read.Problems);
        Assert.StartsWith("x.yaml:", problem.ToString(), StringComparison.Ordinal);
        Assert.Contains("invalid YAML: a key is missing", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_bytes_never_throw_and_any_problem_has_a_location()
    {
        var random = new Random(13);
        for (var i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(1, 400)];
            random.NextBytes(bytes);
            var text = Encoding.UTF8.GetString(bytes);

            var set = SpecLoader.Load([new SourceFile("random.yaml", text)], StandardProviders.Catalogue);

            Assert.All(set.Problems, p => Assert.True(p.Location.Line >= 1 && p.Message.Length > 0));
        }
    }
}
