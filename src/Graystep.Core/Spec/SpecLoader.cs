using System.Globalization;
using Graystep.Core.Manifests;
using Graystep.Core.Providers;
using YamlDotNet.RepresentationModel;
using static Graystep.Core.Manifests.YamlNodes;

namespace Graystep.Core.Spec;

/// <summary>
/// Reads rollout specs, Flagger Canaries, MetricTemplates, AlertProviders and plain manifests from files handed in as text,
/// validates them together and reports every problem at once. Pure: no file system.
/// </summary>
public static class SpecLoader
{
    private const string GraystepGroup = "graystep.io/";
    private const string GraystepVersion = "graystep.io/v1alpha1";
    private const string FlaggerGroup = "flagger.app/";
    private const string FlaggerVersion = "flagger.app/v1beta1";
    private const int ParallelReadThreshold = 64;

    /// <param name="catalogue">What the adapters registered: the providers and kinds a spec may name.</param>
    public static SpecSet Load(IReadOnlyList<SourceFile> files, ProviderCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(catalogue);
        var problems = new List<SpecProblem>();
        var warnings = new List<SpecProblem>();
        var manifests = new List<ManifestDocument>();
        var rollouts = new List<RolloutDraft>();
        var templates = new List<TemplateDraft>();
        var alertProviders = new List<AlertProviderDraft>();
        var pendingRollouts = new List<(ManifestDocument Doc, SpecKind Kind, ProblemSink Sink)>();

        // Parsing YAML is most of the cost and each file is independent: read them in parallel, bind in order.
        var reads = new ManifestReadResult[files.Count];
        if (files.Count >= ParallelReadThreshold)
        {
            Parallel.For(0, files.Count, i => reads[i] = ManifestReader.Read(files[i]));
        }
        else
        {
            for (var i = 0; i < files.Count; i++)
            {
                reads[i] = ManifestReader.Read(files[i]);
            }
        }

        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            var read = reads[i];
            problems.AddRange(read.Problems);
            var sink = new ProblemSink(file.Path, problems, warnings);
            foreach (var doc in read.Documents)
            {
                switch (Classify(doc, sink))
                {
                    case DocClass.Rollout:
                        pendingRollouts.Add((doc, SpecKind.Rollout, sink));
                        break;
                    case DocClass.Canary:
                        pendingRollouts.Add((doc, SpecKind.FlaggerCanary, sink));
                        break;
                    case DocClass.Template:
                        templates.Add(new TemplateBinder(sink, file.Text, catalogue).Bind(doc));
                        break;
                    case DocClass.AlertProvider:
                        alertProviders.Add(new AlertProviderBinder(sink, catalogue).Bind(doc));
                        manifests.Add(doc);
                        break;
                    case DocClass.Manifest:
                        manifests.Add(doc);
                        break;
                }
            }
        }

        foreach (var (doc, kind, sink) in pendingRollouts)
        {
            rollouts.Add(new RolloutBinder(sink, catalogue).Bind(doc, kind));
        }

        var context = new SpecCrossChecks(manifests, templates, alertProviders);
        context.CheckTemplates();
        foreach (var draft in rollouts)
        {
            context.Resolve(draft);
        }

        context.CheckUnique(rollouts);

        var sorted = problems
            .OrderBy(p => p.Location.File, StringComparer.Ordinal)
            .ThenBy(p => p.Location.Line)
            .ThenBy(p => p.Location.Column)
            .ToList();

        return new SpecSet(
            rollouts.Where(r => r.Valid).Select(r => r.Spec).ToList(),
            templates.Where(t => t.Valid).Select(t => t.Template).ToList(),
            manifests,
            sorted)
        {
            RolloutFiles = pendingRollouts.Select(p => p.Doc.File).Distinct(StringComparer.Ordinal).ToList(),
            Warnings = warnings
                .OrderBy(p => p.Location.File, StringComparer.Ordinal)
                .ThenBy(p => p.Location.Line)
                .ThenBy(p => p.Location.Column)
                .ToList(),
        };
    }

    private enum DocClass
    {
        Manifest,
        Rollout,
        Canary,
        Template,
        AlertProvider,
        Skip,
    }

    private static DocClass Classify(ManifestDocument doc, ProblemSink sink)
    {
        if (doc.IsRendered || doc.ApiVersion is null)
        {
            return DocClass.Manifest;
        }

        var api = doc.ApiVersion;
        if (doc.Kind == "Rollout" && api.StartsWith(GraystepGroup, StringComparison.Ordinal))
        {
            return api == GraystepVersion ? DocClass.Rollout : WrongVersion(doc, sink, GraystepVersion);
        }

        if (doc.Kind is "Canary" or "MetricTemplate" && api.StartsWith(FlaggerGroup, StringComparison.Ordinal))
        {
            return api != FlaggerVersion ? WrongVersion(doc, sink, FlaggerVersion)
                : doc.Kind == "Canary" ? DocClass.Canary
                : DocClass.Template;
        }

        if (doc.Kind == "AlertProvider" && api.StartsWith(FlaggerGroup, StringComparison.Ordinal))
        {
            return api == FlaggerVersion ? DocClass.AlertProvider : WrongVersion(doc, sink, FlaggerVersion);
        }

        // A misspelt kind would otherwise pass as a plain manifest, and the spec would be silently ignored.
        // (RolloutStatus is the engine's status file, which lives beside the output.)
        if (doc.Kind is { } kind and not "RolloutStatus" && api.StartsWith(GraystepGroup, StringComparison.Ordinal))
        {
            return WrongKind(doc, sink, "kind " + Quote(kind) + " is not a graystep.io kind; use kind: Rollout");
        }

        if (doc.Kind is { } flaggerKind && api.StartsWith(FlaggerGroup, StringComparison.Ordinal) &&
            Suggest.Closest(flaggerKind, ["Canary", "MetricTemplate", "AlertProvider"]) is { } meant)
        {
            return WrongKind(doc, sink, "kind " + Quote(flaggerKind) + " is not a Flagger kind; did you mean " + Quote(meant) + "?");
        }

        return DocClass.Manifest;
    }

    private static DocClass WrongKind(ManifestDocument doc, ProblemSink sink, string message)
    {
        sink.Report(Child(doc.Root, "kind")!, "kind", message);
        return DocClass.Skip;
    }

    private static DocClass WrongVersion(ManifestDocument doc, ProblemSink sink, string supported)
    {
        sink.Report(Child(doc.Root, "apiVersion")!, "apiVersion", "apiVersion " + Quote(doc.ApiVersion!) + " is not supported for kind " + doc.Kind + "; use " + supported);
        return DocClass.Skip;
    }
}
