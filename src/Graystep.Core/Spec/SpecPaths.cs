namespace Graystep.Core.Spec;

/// <summary>One field of a spec document as the schema table accepts it: its path, type and whether it is required.</summary>
/// <param name="Path">Dotted, with <c>[]</c> for list items and <c>{}</c> for free keys: <c>spec.analysis.metrics[].name</c>.</param>
internal sealed record SpecPath(string Path, FieldType Type, bool Required)
{
    /// <summary>The type as the reference shows it.</summary>
    public string TypeName => Name(Type);

    private static string Name(FieldType type) => type.Shape switch
    {
        Shape.String => "string",
        Shape.Int => "integer",
        Shape.Number => "number",
        Shape.Bool => "boolean",
        Shape.Duration => "duration",
        Shape.IntOrString => "integer or string",
        Shape.Object => "object",
        Shape.List => $"list of {Name(type.Element!)}",
        Shape.Map => type.Element!.Shape == Shape.Any ? "object (free-form)" : $"map of {Name(type.Element!)}",
        _ => "any",
    };
}

/// <summary>Every field path of a document type in the schema table, in the table's order.</summary>
internal static class SpecPaths
{
    public static IReadOnlyList<SpecPath> Of(FieldType document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var paths = new List<SpecPath>();
        Walk(document, string.Empty, paths);
        return paths;
    }

    private static void Walk(FieldType type, string prefix, List<SpecPath> paths)
    {
        switch (type.Shape)
        {
            case Shape.Object:
                foreach (var field in type.Object!.Fields)
                {
                    var path = prefix.Length == 0 ? field.Name : $"{prefix}.{field.Name}";
                    paths.Add(new SpecPath(path, field.Type, field.Required));
                    Walk(field.Type, path, paths);
                }

                break;

            case Shape.List:
                Walk(type.Element!, prefix + "[]", paths);
                break;

            case Shape.Map:
                Walk(type.Element!, prefix + "{}", paths);
                break;
        }
    }
}
