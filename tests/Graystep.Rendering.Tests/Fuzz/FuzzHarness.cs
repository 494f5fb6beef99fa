using System.Diagnostics;
using Graystep.Core.Errors;
using Graystep.Core.Manifests;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using Graystep.TestKit;

namespace Graystep.Rendering.Tests.Fuzz;

/// <summary>What validate (exit 0 or 3) and render made of one input; anything else is a finding.</summary>
internal enum FuzzOutcome
{
    Valid,
    Invalid,
}

/// <summary>
/// Runs one set of files through what <c>graystep validate</c> and <c>graystep render</c> run, in-process: load and
/// validate every file, then render every valid rollout at its first step. Each input gets a time
/// and an allocation bound; an unexpected exception, a timeout or a runaway allocation is a finding.
/// </summary>
internal static class FuzzHarness
{
    public static readonly TimeSpan PerInput = TimeSpan.FromSeconds(10);

    /// <summary>Most bytes one input may allocate (the bound is 1 GB of memory; allocation bounds it from above).</summary>
    public const long MaxAllocatedBytes = 1L << 30;

    private static readonly ManifestRenderer Renderer = new();

    /// <summary>The outcome, or throws <see cref="FuzzFinding"/> naming what went wrong.</summary>
    public static FuzzOutcome Run(IReadOnlyList<SourceFile> files)
    {
        FuzzOutcome? outcome = null;
        Exception? failure = null;
        long allocated = 0;
        var worker = new Thread(
            () =>
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    outcome = ValidateAndRender(files);
                }
#pragma warning disable CA1031 // Every exception is a finding to report, with its input.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failure = e;
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            },
            maxStackSize: 16 * 1024 * 1024) { IsBackground = true };
        var clock = Stopwatch.StartNew();
        worker.Start();
        if (!worker.Join(PerInput))
        {
            throw new FuzzFinding($"no answer within {PerInput.TotalSeconds:0}s", files);
        }

        if (failure is not null)
        {
            throw new FuzzFinding("unexpected " + failure.GetType().Name + ": " + failure.Message, files, failure);
        }

        if (allocated > MaxAllocatedBytes)
        {
            throw new FuzzFinding($"allocated {allocated:N0} bytes in {clock.Elapsed.TotalSeconds:0.0}s", files);
        }

        return outcome!.Value;
    }

    private static FuzzOutcome ValidateAndRender(IReadOnlyList<SourceFile> files)
    {
        var set = SpecLoader.Load(files, StandardProviders.Catalogue);
        foreach (var problem in set.Problems)
        {
            // Exit 3 must come with a message that says where and what.
            if (problem.Location.Line < 1 || problem.Location.Column < 1 || string.IsNullOrWhiteSpace(problem.Message))
            {
                throw new InvalidOperationException("a problem without a location or message: " + problem);
            }
        }

        var outcome = set.Problems.Count == 0 ? FuzzOutcome.Valid : FuzzOutcome.Invalid;
        foreach (var spec in set.Rollouts)
        {
            try
            {
                var loaded = new LoadedRollout(spec, set, Path.GetDirectoryName(spec.File) ?? string.Empty);
                var target = loaded.Target;
                var images = TargetWorkload.Images(target);
                var stable = VersionRef.Of(TargetWorkload.InitialVersion(target), images);
                var canary = VersionRef.Of("fuzz-v2", images);
                // The first step renders every object the stable state does, and the canary's as well.
                Renderer.Render(new RenderRequest(spec, loaded.Manifests, stable, canary, StepPlan.TrafficAt(spec, 1)));
            }
            catch (GraystepException e) when (e.ExitCode == ExitCodes.InvalidSpec && e.Message.Length > 0)
            {
                outcome = FuzzOutcome.Invalid;
            }
        }

        return outcome;
    }
}

/// <summary>An input that made validate or render fail unexpectedly, hang or allocate without bound.</summary>
internal sealed class FuzzFinding(string what, IReadOnlyList<SourceFile> files, Exception? inner = null)
    : Exception(what + "\n--- input (add it to tests/Graystep.Rendering.Tests/Fuzz/Corpus once fixed) ---\n" + FuzzCorpus.Format(files), inner);
