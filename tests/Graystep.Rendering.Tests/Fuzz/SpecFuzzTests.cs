using System.Diagnostics;
using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Graystep.Core.Manifests;
using Graystep.TestKit;
using Xunit.Abstractions;

namespace Graystep.Rendering.Tests.Fuzz;

/// <summary>
/// A bounded fuzz run over spec and template YAML (issue 13): FsCheck mutates the examples' files (their rollout
/// specs, Canaries, MetricTemplates and templates) and every mutant goes through validate and render in-process.
/// Each must end valid (exit 0) or invalid with located messages (exit 3), never with an unexpected exception, a
/// hang or a runaway allocation. Bounded by count and by wall time, so CI time stays flat on a slow machine.
/// </summary>
public sealed class SpecFuzzTests(ITestOutputHelper output)
{
    /// <summary>Inputs per run; GRAYSTEP_FUZZ_INPUTS raises it for a longer local run.</summary>
    private static readonly int MaxInputs = int.TryParse(Environment.GetEnvironmentVariable("GRAYSTEP_FUZZ_INPUTS"), CultureInfo.InvariantCulture, out var n) ? n : 12_000;

    /// <summary>The run stops generating new inputs after this much wall time, whatever the count.</summary>
    private static readonly TimeSpan WallTime = TimeSpan.FromSeconds(45);

    /// <summary>The seed; GRAYSTEP_FUZZ_SEED replays a run, else each run explores new inputs (printed for replay).</summary>
    private static readonly ulong Seed = ulong.TryParse(Environment.GetEnvironmentVariable("GRAYSTEP_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s)
        ? s
        : (ulong)Random.Shared.NextInt64(1, long.MaxValue);

    /// <summary>What a mutation may put in place of a value, a line or a key: YAML's sharp edges and hostile text.</summary>
    private static readonly string[] Tokens =
    [
        "", "-1", "0", "101", "1e309", "NaN", ".nan", ".inf", "~", "null", "[]", "{}", "[a, b]", "{a: 1}", "[[[[", "}}}",
        "\"ok\\n::error title=INJECTED::x\"", "\"##vso[task.setvariable variable=x]1\"", "\"\\e[31mred\"", "*undefined", "&a x", "*a",
        "!!binary AAAA", "!!int x", "!custom x", "'unterminated", "\"unterminated", "|", ">-", "? complex", "<<: *a", "1m", "-5s",
        "999999999999999999999999", "true", "yes", "\t", new string('x', 300), "é漢字🚀", "\u0000", "\u001b[2J", "%TAG ! !",
        "@", "`", "---", "...", "- a", ": b: c", "plain-string", "${VAR}", "$(touch pwned)", "../../etc", ".git/", "/abs",
        "a:\n  : b: c", "- plain-string", "metrics:\n  - x", "{name: \"a\\nb\"}", "&b [*b]",
    ];

    private static readonly string[] Specials = [":", "-", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`", "\t", "\n", " ", "\r", "\u0000", "\u00a0", "\ufeff"];

    private static readonly (string Name, IReadOnlyList<SourceFile> Files)[] Seeds = [.. LoadExamples()];

    [Fact]
    public void Mutated_examples_validate_and_render_to_exit_0_or_3_within_bounds()
    {
        var clock = Stopwatch.StartNew();
        var inputs = 0;
        var outcomes = new int[2];
        var gen =
            from example in Gen.Choose(0, Seeds.Length - 1)
            from file in Gen.Choose(0, 1000)
            from mutations in Gen.ListOf(MutationGen, 4).Select(m => m.ToArray())
            select (Example: example, File: file, Mutations: mutations);

        var property = Prop.ForAll(Arb.From(gen), input =>
        {
            // Past the wall-time bound the remaining generated inputs pass untried: the run ends on time.
            if (clock.Elapsed > WallTime)
            {
                return true;
            }

            var files = Mutate(Seeds[input.Example].Files, input.File, input.Mutations);
            Interlocked.Increment(ref outcomes[(int)FuzzHarness.Run(files)]);
            Interlocked.Increment(ref inputs);
            return true;
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(MaxInputs).WithReplay(Seed, 1).WithQuietOnSuccess(true)
            .WithParallelRunConfig(new ParallelRunConfig(Environment.ProcessorCount)), property);
        clock.Stop();

        var rate = inputs / clock.Elapsed.TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fuzz: {inputs} inputs in {clock.Elapsed.TotalSeconds:0.0}s ({rate:0} inputs/s), {outcomes[0]} valid, {outcomes[1]} invalid; seed {Seed} (GRAYSTEP_FUZZ_SEED to replay)"));
        // A run that tried almost nothing, or whose mutants are all valid or all invalid, tests nothing.
        Assert.True(inputs >= Math.Min(MaxInputs, 1_000), $"only {inputs} inputs in {clock.Elapsed}");
        Assert.True(outcomes[0] > 0 && outcomes[1] > 0, $"{outcomes[0]} valid, {outcomes[1]} invalid");
    }

    public static TheoryData<string> CorpusEntries => new(FuzzCorpus.Entries.Select(Path.GetFileName).OfType<string>());

    [Theory]
    [MemberData(nameof(CorpusEntries))]
    public void Every_input_that_once_failed_ends_in_exit_0_or_3(string entry)
    {
        var files = FuzzCorpus.Read(Path.Combine(FuzzCorpus.Folder, entry));

        var outcome = FuzzHarness.Run(files);

        Assert.True(outcome is FuzzOutcome.Valid or FuzzOutcome.Invalid);
    }

    [Fact]
    public void The_corpus_holds_the_crashes_and_exhaustion_inputs_issue_13_found()
    {
        var names = FuzzCorpus.Entries.Select(Path.GetFileName).ToList();

        Assert.Contains("metrics-first-item-plain-string.corpus", names);
        Assert.Contains("missing-key-before-nested-mapping.corpus", names);
        Assert.Contains("alias-bomb-in-template.corpus", names);
        Assert.Contains("nesting-40000-levels.corpus", names);
    }

    [Fact]
    public void Every_example_is_a_valid_seed()
    {
        Assert.Equal(9, Seeds.Length);
        Assert.All(Seeds, seed => Assert.True(FuzzHarness.Run(seed.Files) == FuzzOutcome.Valid, seed.Name));
    }

    private static Gen<Mutation> MutationGen =>
        from kind in Gen.Choose(0, 9)
        from a in Gen.Choose(0, 100_000)
        from b in Gen.Choose(0, 100_000)
        from token in Gen.Choose(0, Tokens.Length - 1)
        select new Mutation(kind, a, b, token);

    internal readonly record struct Mutation(int Kind, int A, int B, int Token);

    private static List<SourceFile> Mutate(IReadOnlyList<SourceFile> files, int which, Mutation[] mutations)
    {
        var result = files.ToList();
        var index = which % result.Count;
        var text = result[index].Text;
        foreach (var mutation in mutations)
        {
            text = Apply(text, mutation);
        }

        result[index] = result[index] with { Text = text };
        return result;
    }

    private static string Apply(string text, Mutation m)
    {
        var lines = text.Split('\n').ToList();
        var a = m.A % lines.Count;
        var b = m.B % lines.Count;
        var token = Tokens[m.Token];
        switch (m.Kind)
        {
            case 0:
                lines.RemoveAt(a);
                break;
            case 1:
                lines.Insert(b, lines[a]);
                break;
            case 2:
                (lines[a], lines[b]) = (lines[b], lines[a]);
                break;
            case 3:
                var colon = lines[a].IndexOf(": ", StringComparison.Ordinal);
                lines[a] = colon >= 0 ? lines[a][..(colon + 2)] + token : lines[a] + token;
                break;
            case 4:
                lines.Insert(a, Indent(lines[a]) + token);
                break;
            case 5:
                var shift = (m.B % 5) - 2;
                lines[a] = shift >= 0 ? new string(' ', shift) + lines[a] : lines[a].TrimStart().PadLeft(Math.Max(0, lines[a].Length + shift));
                break;
            case 6:
                var at = text.Length == 0 ? 0 : m.B % text.Length;
                return text.Insert(at, Specials[m.Token % Specials.Length]);
            case 7:
                return text[..(text.Length == 0 ? 0 : m.B % text.Length)];
            case 8:
                var item = lines[a].TrimStart();
                lines[a] = Indent(lines[a]) + (item.StartsWith("- ", StringComparison.Ordinal) ? "- " + token : "- " + item);
                break;
            default:
                var key = lines[b].TrimStart().Split(':')[0];
                var at2 = lines[a].IndexOf(':', StringComparison.Ordinal);
                lines[a] = at2 >= 0 ? Indent(lines[a]) + key + lines[a][at2..] : lines[a];
                break;
        }

        return string.Join('\n', lines);
    }

    private static string Indent(string line) => line[..(line.Length - line.TrimStart().Length)];

    private static IEnumerable<(string, IReadOnlyList<SourceFile>)> LoadExamples()
    {
        foreach (var example in Directory.EnumerateDirectories(RepoPaths.Examples).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(example);
            var files = Directory.EnumerateFiles(example, "*.yaml", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal)
                .Select(f => new SourceFile(name + "/" + Path.GetRelativePath(example, f).Replace('\\', '/'), File.ReadAllText(f, Encoding.UTF8)))
                .ToList();
            yield return (name, files);
        }
    }
}
