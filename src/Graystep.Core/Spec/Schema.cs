using Graystep.Core.Manifests;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Graystep.Core.Spec;

internal enum Shape
{
    /// <summary>Any scalar; Kubernetes would want a string, but numbers are kept as their text.</summary>
    String,
    Int,
    Number,
    Bool,

    /// <summary>A Go duration string: 30s, 1m, 1m30s, 500ms.</summary>
    Duration,

    /// <summary>A port number or a port name (Kubernetes IntOrString).</summary>
    IntOrString,
    Object,
    List,

    /// <summary>A mapping with free keys whose values share one type (labels, headers, templateVariables).</summary>
    Map,

    /// <summary>Accepted as it is: a Flagger or mesh field Graystep passes through or ignores.</summary>
    Any,
}

/// <summary>The type of a field in the schema table.</summary>
internal sealed record FieldType(Shape Shape, ObjectSchema? Object = null, FieldType? Element = null)
{
    public static readonly FieldType Text = new(Shape.String);
    public static readonly FieldType Int = new(Shape.Int);
    public static readonly FieldType Number = new(Shape.Number);
    public static readonly FieldType Bool = new(Shape.Bool);
    public static readonly FieldType Duration = new(Shape.Duration);
    public static readonly FieldType IntOrString = new(Shape.IntOrString);
    public static readonly FieldType Any = new(Shape.Any);
    public static readonly FieldType StringMap = MapOf(Text);
    public static readonly FieldType StringList = ListOf(Text);

    /// <summary>A mapping whose content Graystep does not inspect (Istio traffic policy, CORS policy...).</summary>
    public static readonly FieldType OpaqueMap = MapOf(Any);

    public static readonly FieldType OpaqueList = ListOf(Any);

    public static FieldType Of(ObjectSchema schema) => new(Shape.Object, schema);

    public static FieldType ListOf(FieldType element) => new(Shape.List, Element: element);

    public static FieldType MapOf(FieldType element) => new(Shape.Map, Element: element);

    public string Expected => Shape switch
    {
        Shape.String => "a string",
        Shape.Int => "an integer",
        Shape.Number => "a number",
        Shape.Bool => "true or false",
        Shape.Duration => "a duration such as 30s or 1m",
        Shape.IntOrString => "a port number or name",
        Shape.Object => "a mapping",
        Shape.List => "a list",
        Shape.Map => "a mapping",
        _ => "a value",
    };
}

internal sealed record Field(string Name, FieldType Type, bool Required = false);

/// <summary>The fields one mapping accepts. Unknown keys are problems, with a "did you mean".</summary>
internal sealed class ObjectSchema
{
    private readonly Dictionary<string, Field> fields;

    public ObjectSchema(params Field[] fields)
    {
        this.fields = fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        Fields = fields;
    }

    public IReadOnlyList<Field> Fields { get; }

    /// <summary>Extra words for a known-but-misplaced key, e.g. a Graystep field in a Flagger Canary.</summary>
    public IReadOnlyDictionary<string, string> Hints { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public bool TryGet(string name, out Field field) => fields.TryGetValue(name, out field!);

    /// <summary>True when the mapping has a key this schema does not know: the schema check reported it already.</summary>
    public bool HasUnknownKeys(YamlMappingNode? map) =>
        map is not null && map.Children.Keys.Any(k => k is not YamlScalarNode { Value: { } name } || !fields.ContainsKey(name));

    public ObjectSchema With(params Field[] more) => new(Fields.Concat(more).ToArray()) { Hints = Hints };
}

/// <summary>Walks a document against the schema table: unknown fields, wrong types, missing required fields.</summary>
internal sealed class SchemaChecker(ProblemSink sink)
{
    /// <param name="at">Where to point when a required child is missing: the key that introduced this node.</param>
    public void Check(YamlNode node, FieldType type, string path, Mark at)
    {
        if (YamlNodes.IsNull(node) || type.Shape == Shape.Any)
        {
            return;
        }

        switch (type.Shape)
        {
            case Shape.Object:
                if (node is YamlMappingNode map)
                {
                    CheckObject(map, type.Object!, path, at);
                }
                else
                {
                    WrongType(node, type, path);
                }

                break;

            case Shape.List:
                if (node is YamlSequenceNode seq)
                {
                    for (var i = 0; i < seq.Children.Count; i++)
                    {
                        var item = seq.Children[i];
                        Check(item, type.Element!, ProblemSink.Index(path, i), item.Start);
                    }
                }
                else
                {
                    WrongType(node, type, path);
                }

                break;

            case Shape.Map:
                if (node is YamlMappingNode entries)
                {
                    foreach (var entry in entries.Children)
                    {
                        if (entry.Key is not YamlScalarNode key)
                        {
                            sink.Report(entry.Key, path, "expected a name as the key, got " + YamlNodes.Describe(entry.Key));
                            continue;
                        }

                        Check(entry.Value, type.Element!, ProblemSink.Join(path, key.Value ?? ""), key.Start);
                    }
                }
                else
                {
                    WrongType(node, type, path);
                }

                break;

            default:
                if (node is not YamlScalarNode scalar || !ScalarFits(scalar, type.Shape))
                {
                    WrongType(node, type, path);
                }

                break;
        }
    }

    private void CheckObject(YamlMappingNode map, ObjectSchema schema, string path, Mark at)
    {
        foreach (var entry in map.Children)
        {
            if (entry.Key is not YamlScalarNode key || key.Value is null)
            {
                sink.Report(entry.Key, path, "expected a field name, got " + YamlNodes.Describe(entry.Key));
                continue;
            }

            var fieldPath = ProblemSink.Join(path, key.Value);
            if (!schema.TryGet(key.Value, out var field))
            {
                sink.Report(key, fieldPath, UnknownField(key.Value, schema));
                continue;
            }

            Check(entry.Value, field.Type, fieldPath, key.Start);
        }

        foreach (var field in schema.Fields)
        {
            if (field.Required && !YamlNodes.Has(map, field.Name))
            {
                var key = YamlNodes.Key(map, field.Name);
                sink.Report(key?.Start ?? at, ProblemSink.Join(path, field.Name), "required field is missing; " + HowToAdd(field));
            }
        }
    }

    /// <summary>The fix for a missing field: its name, and the required fields inside it when it is a mapping.</summary>
    private static string HowToAdd(Field field) =>
        field.Type.Object?.Fields.Where(f => f.Required).Select(f => f.Name + ": ...").ToList() is { Count: > 0 } inner
            ? "add " + field.Name + ": {" + string.Join(", ", inner) + "}"
            : "add " + field.Name + " (" + field.Type.Expected + ")";

    private static string UnknownField(string name, ObjectSchema schema)
    {
        var message = "unknown field " + YamlNodes.Quote(name);
        if (schema.Hints.TryGetValue(name, out var hint))
        {
            return message + "; " + hint;
        }

        var suggestion = Suggest.Closest(name, schema.Fields.Select(f => f.Name));
        if (suggestion is not null)
        {
            return message + "; did you mean " + YamlNodes.Quote(suggestion) + "?";
        }

        return schema.Fields.Count <= 8
            ? message + "; expected one of " + string.Join(", ", schema.Fields.Select(f => f.Name))
            : message;
    }

    private void WrongType(YamlNode node, FieldType type, string path)
    {
        if (type.Shape == Shape.Duration && node is YamlScalarNode scalar)
        {
            sink.Report(node, path, InvalidDuration(scalar.Value ?? ""));
            return;
        }

        sink.Report(node, path, "expected " + type.Expected + ", got " + YamlNodes.Describe(node));
    }

    public static string InvalidDuration(string value) =>
        "invalid duration " + YamlNodes.Quote(value) + "; use Go syntax such as 30s, 1m, 1m30s, 500ms or 1h";

    private static bool ScalarFits(YamlScalarNode scalar, Shape shape) => shape switch
    {
        Shape.String => true,
        Shape.Int => YamlNodes.TryInt(scalar, out _),
        Shape.Number => YamlNodes.TryNumber(scalar, out _),
        Shape.Bool => YamlNodes.TryBool(scalar, out _),
        Shape.Duration => GoDuration.TryParse(scalar.Value, out _),
        Shape.IntOrString => true,
        _ => false,
    };
}
