using System.Text;
using Graystep.Core.Abstractions;
using Graystep.Core.History;
using Graystep.Core.Manifests;
using Graystep.Core.Rollouts;
using Graystep.Engine.Specs;
using Graystep.Rendering;
using Graystep.Rendering.IO;

namespace Graystep.Engine.Rollouts;

/// <summary>
/// Reads the rollout's state from a git workspace and records transitions as commits: render the output, write the
/// status file, commit exactly the output folder, push without force.
/// </summary>
public sealed class RolloutStore(IGitWorkspace workspace, SpecSource specs, ManifestRenderer renderer, string specPath)
{
    /// <summary>How far back a rollback looks for the last good render (commits that changed the status file).</summary>
    private const int MaxStatusCommits = 10_000;

    private readonly IFileSystem _files = specs.Files;

    public IGitWorkspace Workspace => workspace;

    /// <summary>Where the command looked for the spec before the repository root, named when it is found in neither.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// Reads the state again: after a fetch unless <paramref name="fresh"/> (opening the workspace fetched already).
    /// Every decision starts here, so a lost race, a killed process or a second runner only ever leads to a new
    /// decision on fresh state.
    /// </summary>
    public async Task<RolloutState> ReadAsync(bool fresh, CancellationToken cancellationToken)
    {
        if (!fresh)
        {
            await workspace.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }

        return await LoadAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<RolloutState> LoadAsync(CancellationToken cancellationToken)
    {
        var loaded = specs.LoadRollout(workspace.Root, specPath, WorkingDirectory);
        var statusFile = Path.Combine(workspace.Root, loaded.StatusPath);
        RolloutStatus? status = null;
        CommitRecord? commit = null;
        if (_files.FileExists(statusFile))
        {
            status = StatusDocument.Read(loaded.StatusPath, new PathGuard(_files, workspace.Root).ReadYaml(statusFile));
            var log = await workspace.LogAsync(loaded.StatusPath, 1, cancellationToken).ConfigureAwait(false);
            commit = log.Count > 0 ? log[0] : null;
        }

        return new RolloutState(loaded, status, commit);
    }

    /// <summary>
    /// Records <paramref name="transition"/> as one commit and pushes it. Returns the commit SHA, or null when the
    /// push lost a race (the branch moved): the caller must refresh, re-read the state and decide again.
    /// </summary>
    public async Task<string?> ApplyAsync(RolloutState state, Transition transition, CancellationToken cancellationToken)
    {
        var sha = await CommitAsync(state, transition, cancellationToken).ConfigureAwait(false);
        PushOutcome pushed;
        try
        {
            pushed = await workspace.PushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is Core.Errors.GraystepException or OperationCanceledException)
        {
            // A refused push must not leave our commit behind (in a reused CI checkout it would block the next run):
            // the workspace goes back to the remote tip, which stays the only truth.
            await ResetToRemoteAsync().ConfigureAwait(false);
            throw;
        }

        return pushed == PushOutcome.Pushed ? sha : null;
    }

    /// <summary>Records <paramref name="transition"/> as one commit in the workspace only, without pushing it; returns its SHA.</summary>
    public async Task<string> CommitAsync(RolloutState state, Transition transition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);
        // The status file is committed like the message: a secret echoed into the reason by a remote stops here.
        transition = transition with { Status = transition.Status with { Reason = workspace.Redact(transition.Status.Reason) } };
        var loaded = state.Loaded;
        var switchBack = state.Status?.Phase == RolloutPhase.Succeeded;
        if (transition.Action == RolloutAction.Rollback && !switchBack && await LastGoodRenderAsync(state, cancellationToken).ConfigureAwait(false) is { } good)
        {
            // A rollback puts back exactly what ran before the canary started, not a fresh render: templates may have
            // changed since, and the stable version must come back as it was. A canary retired later keeps running
            // as it ran until then.
            var keep = transition.Status.Retiring is { } retiring ? RunningFilesOf(loaded, transition.Status.Stable, retiring) : [];
            await workspace.RestoreAsync(good, loaded.OutputPath, cancellationToken).ConfigureAwait(false);
            EditOutput(loaded, files => [.. files.Where(f => keep.All(k => k.RelativePath != f.RelativePath)), .. keep]);
            WriteStatus(_files, workspace.Root, loaded, transition.Status);
        }
        else if (transition.Action == RolloutAction.Retire && state.Status?.Retiring is { } retired)
        {
            // Only the retired version's workload leaves: everything else stays byte for byte as the switch left it.
            var gone = RunningFilesOf(loaded, transition.Status.Stable, retired).Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
            EditOutput(loaded, files => [.. files.Where(f => !gone.Contains(f.RelativePath))]);
            WriteStatus(_files, workspace.Root, loaded, transition.Status);
        }
        else
        {
            Write(_files, renderer, workspace.Root, state.Loaded, transition.Status, transition.RenderedCanary);
        }

        return await workspace.CommitAsync([state.Loaded.OutputPath], transition.Message, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("a transition changed nothing: the status file always changes");
    }

    private async Task ResetToRemoteAsync()
    {
        try
        {
            await workspace.RefreshAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Core.Errors.GraystepException)
        {
            // The remote is unreachable too; the next run resets the workspace before it decides anything.
        }
    }

    /// <summary>
    /// The newest commit of this rollout that left it at rest (initialize, promote, rollback or retire): what ran before the
    /// canary in progress started. Null when the history has none (then a rollback renders the stable version afresh).
    /// </summary>
    public async Task<string?> LastGoodRenderAsync(RolloutState state, CancellationToken cancellationToken)
    {
        var log = await workspace.LogAsync(state.Loaded.StatusPath, MaxStatusCommits, cancellationToken).ConfigureAwait(false);
        return log.FirstOrDefault(c => c.Message.Trailer(Trailers.Rollout) == state.Spec.Id
            && c.Message.Action() is RolloutAction.Initialize or RolloutAction.Promote or RolloutAction.Rollback or RolloutAction.Retire)?.Sha;
    }

    /// <summary>
    /// The files of one version's workload (Deployment, autoscaler, disruption budget) as they are in the output
    /// folder now, else as rendered: what keeps it running while no route points at it.
    /// </summary>
    private List<RenderedFile> RunningFilesOf(LoadedRollout loaded, VersionRef stable, VersionRef version)
    {
        var without = renderer.Render(Request(loaded, stable, null, TrafficSplit.AllStable, []));
        var with = renderer.Render(Request(loaded, stable, null, TrafficSplit.AllStable, [version]));
        var folder = Path.Combine(workspace.Root, loaded.OutputPath);
        return [.. with.Files
            .Where(f => f.RelativePath != ManifestRenderer.KustomizationFile && without.Find(f.RelativePath) is null)
            .Select(f => Path.Combine(folder, f.RelativePath) is var path && _files.FileExists(path)
                ? f with { Content = _files.ReadAllText(path) }
                : f)];
    }

    /// <summary>
    /// The objects the output folder holds in the work tree (the branch tip, which the rollout's last commit wrote:
    /// no other commit touches it): what the cluster must run once it has applied that commit. Only Graystep's own
    /// files count, without the kustomization and the status file.
    /// </summary>
    public IReadOnlyList<ManifestDocument> ReadOutput(LoadedRollout loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var folder = Path.Combine(workspace.Root, loaded.OutputPath);
        if (!_files.DirectoryExists(folder))
        {
            return [];
        }

        return [.. _files.EnumerateFiles(folder, "*", recursive: false)
            .Where(path => Path.GetFileName(path) is not (ManifestRenderer.KustomizationFile or OutputWriter.StatusFileName)
                && Path.GetExtension(path) is ".yaml" or ".yml")
            .Order(StringComparer.Ordinal)
            .Select(path => (Path: $"{loaded.OutputPath}/{Path.GetFileName(path)}", Bytes: _files.ReadAllBytes(path)))
            .Where(f => OutputWriter.IsOwned(f.Bytes))
            .SelectMany(f => ManifestReader.Read(new SourceFile(f.Path, Encoding.UTF8.GetString(f.Bytes))).Documents)];
    }

    /// <summary>Rewrites the output folder from its own files (the kustomization follows), changed by <paramref name="edit"/>.</summary>
    private void EditOutput(LoadedRollout loaded, Func<IReadOnlyList<RenderedFile>, IEnumerable<RenderedFile>> edit)
    {
        var folder = Path.Combine(workspace.Root, loaded.OutputPath);
        var current = _files.DirectoryExists(folder)
            ? _files.EnumerateFiles(folder, "*", recursive: false)
                .Select(path => (Name: Path.GetFileName(path), Bytes: _files.ReadAllBytes(path)))
                .Where(f => f.Name is not (ManifestRenderer.KustomizationFile or OutputWriter.StatusFileName) && OutputWriter.IsOwned(f.Bytes))
                .Select(f => new RenderedFile(f.Name, Encoding.UTF8.GetString(f.Bytes)))
                .ToList()
            : [];
        new OutputWriter(_files, WorkTree(_files, workspace.Root, loaded)).Write(folder, ManifestRenderer.Assemble(edit(current)));
    }

    /// <summary>Renders the output folder and writes the status file for a state; no git.</summary>
    public static IReadOnlyList<string> Write(IFileSystem files, ManifestRenderer renderer, string root, LoadedRollout loaded, RolloutStatus status, VersionRef? canary)
    {
        var changed = RenderOutput(files, renderer, root, loaded, status.Stable, canary, status.Traffic, out _, status.Idle, OriginalOf(status))
            .Select(p => $"{loaded.OutputPath}/{p}").ToList();
        if (WriteStatus(files, root, loaded, status))
        {
            changed.Add(loaded.StatusPath);
        }

        return changed;
    }

    /// <summary>Writes the status file; false when it already holds these bytes.</summary>
    public static bool WriteStatus(IFileSystem files, string root, LoadedRollout loaded, RolloutStatus status)
    {
        var statusFile = Path.Combine(root, loaded.StatusPath);
        return new OutputWriter(files, WorkTree(files, root, loaded)).WriteFile(statusFile, Encoding.UTF8.GetBytes(StatusDocument.Write(loaded.Spec, status)));
    }

    /// <summary>Renders the manifests into the output folder only; returns the changed paths inside it.</summary>
    public static IReadOnlyList<string> RenderOutput(IFileSystem files, ManifestRenderer renderer, string root, LoadedRollout loaded, VersionRef stable, VersionRef? canary, TrafficSplit traffic) =>
        RenderOutput(files, renderer, root, loaded, stable, canary, traffic, out _);

    /// <summary>As above, and what was rendered (which template objects were passed through).</summary>
    public static IReadOnlyList<string> RenderOutput(
        IFileSystem files, ManifestRenderer renderer, string root, LoadedRollout loaded, VersionRef stable, VersionRef? canary, TrafficSplit traffic, out RenderedOutput output,
        IReadOnlyList<VersionRef>? idle = null, OriginalWorkload original = OriginalWorkload.Gone)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        output = renderer.Render(Request(loaded, stable, canary, traffic, idle ?? []) with { Original = original });
        return new OutputWriter(files, WorkTree(files, root, loaded)).Write(Path.Combine(root, loaded.OutputPath), output);
    }

    /// <summary>Where the user's own Deployment stands in this state (see <see cref="RolloutStatus.Adopting"/>).</summary>
    public static OriginalWorkload OriginalOf(RolloutStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.Adopting is null ? OriginalWorkload.Gone
            : status.AdoptingRouted ? OriginalWorkload.WithoutTraffic
            : OriginalWorkload.BesideCopy;
    }

    private static RenderRequest Request(LoadedRollout loaded, VersionRef stable, VersionRef? canary, TrafficSplit traffic, IReadOnlyList<VersionRef> idle) =>
        new(loaded.Spec, loaded.Manifests, stable, canary, traffic)
        {
            Idle = idle,
            NotTemplateFolders = [.. loaded.Set.RolloutFiles
                .Where(f => !string.Equals(f, loaded.Spec.File, StringComparison.Ordinal))
                .Select(f => (Path.GetDirectoryName(f) ?? string.Empty).Replace('\\', '/'))
                .Append(loaded.OutputPath)
                .Distinct(StringComparer.Ordinal)],
        };

    /// <summary>The git work tree that holds the spec (else <paramref name="root"/>): no write may leave it.</summary>
    public static string WorkTree(IFileSystem files, string root, LoadedRollout loaded) =>
        PathGuard.ForWorkTree(files, Path.Combine(root, loaded.SpecDirectory), root).Root;
}
