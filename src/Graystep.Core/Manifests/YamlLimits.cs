using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Graystep.Core.Manifests;

/// <summary>
/// How much YAML Graystep reads from one file. The repository is untrusted input: without these, an alias bomb
/// ("billion laughs") grows without bound when the renderer copies the tree, and deep nesting overflows the stack.
/// Specs, templates, manifests and status files all go through <see cref="BoundedParser"/>, so validate refuses
/// exactly what render would choke on.
/// </summary>
public static class YamlLimits
{
    /// <summary>Largest file read, in bytes (a Kubernetes object is at most ~1.5 MB in etcd).</summary>
    public const long MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>Deepest nesting of mappings and sequences.</summary>
    public const int MaxDepth = 100;

    /// <summary>Most nodes in one file, counting every alias as the nodes it stands for.</summary>
    public const long MaxNodes = 250_000;

    public static string Describe(long bytes) =>
        bytes >= 1024 * 1024
            ? (bytes / (1024.0 * 1024.0)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB"
            : (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KiB";

    public static string TooLarge(long bytes) =>
        "the file is " + Describe(bytes) + "; Graystep reads YAML files up to " + Describe(MaxFileBytes) +
        ": split it, or move it out of the rollout's folder";
}

/// <summary>A YAML limit was passed at <see cref="At"/>; reading stops there.</summary>
public sealed class YamlLimitException(Mark at, string message) : Exception(message)
{
    public Mark At { get; } = at;
}

/// <summary>
/// Passes a parser's events through, counting depth and nodes (aliases count as the nodes of what they name) and
/// throwing <see cref="YamlLimitException"/> before a limit is passed. The counting is iterative: it runs before
/// YamlDotNet's recursive tree building sees the events.
/// </summary>
public sealed class BoundedParser(IParser inner) : IParser
{
    private readonly Dictionary<string, long> _anchorSizes = new(StringComparer.Ordinal);
    private readonly Stack<(string? Anchor, long NodesAtStart)> _open = new();
    private long _nodes;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }

        switch (inner.Current)
        {
            case MappingStart start:
                Open(start, start.Anchor);
                break;
            case SequenceStart start:
                Open(start, start.Anchor);
                break;
            case MappingEnd or SequenceEnd when _open.Count > 0:
                var (anchor, atStart) = _open.Pop();
                if (anchor is not null)
                {
                    _anchorSizes[anchor] = _nodes - atStart;
                }

                break;
            case Scalar scalar:
                Count(scalar, 1);
                if (!scalar.Anchor.IsEmpty)
                {
                    _anchorSizes[scalar.Anchor.Value] = 1;
                }

                break;
            case AnchorAlias alias:
                // An alias inside the node it names makes a cycle, which every walk of the tree would follow forever.
                if (_open.Any(open => open.Anchor == alias.Value.Value))
                {
                    throw new YamlLimitException(alias.Start,
                        "alias *" + alias.Value.Value + " is used inside the node &" + alias.Value.Value + " it names, which makes it endless; Graystep refuses recursive aliases: repeat the content instead");
                }

                // Unknown anchors are YamlDotNet's to report; they stand for nothing here.
                Count(alias, _anchorSizes.GetValueOrDefault(alias.Value.Value, 1));
                break;
        }

        return true;
    }

    private void Open(ParsingEvent start, AnchorName anchor)
    {
        if (_open.Count >= YamlLimits.MaxDepth)
        {
            throw new YamlLimitException(start.Start, string.Create(CultureInfo.InvariantCulture,
                $"YAML nested more than {YamlLimits.MaxDepth} levels deep; Graystep reads at most {YamlLimits.MaxDepth} levels: flatten this structure"));
        }

        Count(start, 1);
        _open.Push((anchor.IsEmpty ? null : anchor.Value, _nodes - 1));
    }

    private void Count(ParsingEvent at, long nodes)
    {
        _nodes += nodes;
        if (_nodes > YamlLimits.MaxNodes)
        {
            throw new YamlLimitException(at.Start, string.Create(CultureInfo.InvariantCulture,
                $"the file holds more than {YamlLimits.MaxNodes:N0} YAML nodes (aliases count as the nodes they repeat); Graystep reads at most {YamlLimits.MaxNodes:N0}: split the file, or use fewer aliases"));
        }
    }
}
