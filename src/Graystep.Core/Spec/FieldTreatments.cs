using Graystep.Core.Manifests;
using YamlDotNet.RepresentationModel;

namespace Graystep.Core.Spec;

/// <summary>
/// Applies the spec reference's treatment to every field a document sets: a refused field is a problem that says why
/// and what to use instead, a field that means nothing outside the cluster is a warning. Nothing the user wrote is
/// dropped without a word. Runs after the schema check, so only known fields of the right shape are seen.
/// </summary>
/// <param name="provider">The rollout's traffic provider; null when it is unknown (already a problem), which skips the
/// fields that depend on it.</param>
internal sealed class FieldTreatments(ProblemSink sink, string? provider, string prefix = "")
{
    public void Check(YamlNode node, FieldType type) => Walk(node, type, string.Empty, string.Empty);

    private void Walk(YamlNode node, FieldType type, string path, string schemaPath)
    {
        switch (type.Shape)
        {
            case Shape.Object when node is YamlMappingNode map:
                foreach (var (keyNode, value) in map.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key } || !type.Object!.TryGet(key, out var field))
                    {
                        continue;
                    }

                    var fieldPath = ProblemSink.Join(path, key);
                    var fieldSchemaPath = ProblemSink.Join(schemaPath, key);
                    if (Apply(keyNode, value, fieldPath, fieldSchemaPath))
                    {
                        Walk(value, field.Type, fieldPath, fieldSchemaPath);
                    }
                }

                break;

            case Shape.List when node is YamlSequenceNode seq:
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    Walk(seq.Children[i], type.Element!, ProblemSink.Index(path, i), schemaPath + "[]");
                }

                break;

            case Shape.Map when node is YamlMappingNode entries:
                foreach (var (keyNode, value) in entries.Children)
                {
                    if (keyNode is YamlScalarNode { Value: { } key })
                    {
                        Walk(value, type.Element!, ProblemSink.Join(path, key), schemaPath + "{}");
                    }
                }

                break;
        }
    }

    /// <summary>Reports a refused or warned field that is set; true when its children are to be checked too.</summary>
    private bool Apply(YamlNode key, YamlNode value, string path, string schemaPath)
    {
        if (SpecReference.For(prefix + schemaPath) is not { } entry || !IsSet(value) || (entry.HonouredWith is not null && provider is null))
        {
            return true;
        }

        switch (entry.With(provider!))
        {
            case Treatment.Refused when entry.HonouredWith is not null:
                sink.Report(key, path, $"{Leaf(schemaPath)} works with provider {string.Join(" or ", entry.HonouredWith.Order(StringComparer.Ordinal))} only, not {provider}: {entry.Meaning} Remove it, or change the provider.");
                return false;
            case Treatment.Refused:
                sink.Report(key, path, entry.Meaning);
                return false;
            case Treatment.Warned:
                sink.Warn(key, path, "no effect: " + entry.Meaning);
                return false;
            default:
                return true;
        }
    }

    private static string Leaf(string schemaPath) => schemaPath[(schemaPath.LastIndexOf('.') + 1)..];

    /// <summary>A switch that is off, an empty block or a null asks for nothing, so it is accepted as it is.</summary>
    private static bool IsSet(YamlNode value) => value switch
    {
        _ when YamlNodes.IsNull(value) => false,
        YamlScalarNode scalar => !(YamlNodes.TryBool(scalar, out var on) && !on),
        YamlMappingNode map => map.Children.Count > 0,
        YamlSequenceNode seq => seq.Children.Count > 0,
        _ => true,
    };
}
