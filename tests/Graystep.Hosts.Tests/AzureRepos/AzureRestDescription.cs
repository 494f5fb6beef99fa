using System.Text.Json;
using Graystep.TestKit;

namespace Graystep.Hosts.Tests.AzureRepos;

/// <summary>
/// Azure DevOps' own REST description (MicrosoftDocs/vsts-rest-api-specs, git.json, Swagger 2.0) in
/// ../shared/api-specs/azure-devops: does a request's method and path name an operation, are its query parameters
/// declared, does its body fit the operation's body schema (every property declared, types and enums right).
/// The stored description is 7.2-preview; the paths, parameters and bodies Graystep uses are those of 7.1.
/// </summary>
internal sealed class AzureRestDescription
{
    public static readonly string SpecRoot = Path.Combine(RepoPaths.Root, "..", "shared", "api-specs", "azure-devops", "git", "7.2");

    private static readonly Lazy<AzureRestDescription> Instance = new(() => new AzureRestDescription(Path.Combine(SpecRoot, "git.json")));

    private readonly JsonDocument _document;

    private AzureRestDescription(string file)
    {
        using var stream = File.OpenRead(file);
        _document = JsonDocument.Parse(stream);
    }

    public static AzureRestDescription Git => Instance.Value;

    private JsonElement Root => _document.RootElement;

    /// <summary>The operation's id for a method and a full path (<c>/{org}/{project}/_apis/git/...</c>), or null.</summary>
    public (string Template, JsonElement Operation)? Find(string method, string path)
    {
        var segments = path.Split('?')[0].Split('/', StringSplitOptions.RemoveEmptyEntries);
        (string, JsonElement)? best = null;
        var bestLiterals = -1;
        foreach (var entry in Root.GetProperty("paths").EnumerateObject())
        {
            var template = entry.Name.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (template.Length != segments.Length || !entry.Value.TryGetProperty(method.ToLowerInvariant(), out var operation))
            {
                continue;
            }

            // Azure DevOps routes ignore case (the description spells both pullrequests and pullRequests).
            if (template.Zip(segments).All(p => p.First.StartsWith('{') || p.First.Equals(p.Second, StringComparison.OrdinalIgnoreCase)))
            {
                var literals = template.Count(s => !s.StartsWith('{'));
                if (literals > bestLiterals)
                {
                    best = (entry.Name, operation);
                    bestLiterals = literals;
                }
            }
        }

        return best;
    }

    public IReadOnlyList<string> ValidateRequest(string method, string path, string query, string? body)
    {
        if (Find(method, path) is not var (template, operation))
        {
            return [$"{method} {path}: no such operation in git.json"];
        }

        var problems = new List<string>();
        var id = operation.GetProperty("operationId").GetString();
        var parameters = operation.GetProperty("parameters").EnumerateArray().Select(Resolve).ToList();
        var given = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(kv => (Name: Uri.UnescapeDataString(kv[0]), Value: kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : string.Empty))
            .ToList();
        foreach (var (name, value) in given)
        {
            var parameter = parameters.FirstOrDefault(p => p.GetProperty("in").GetString() == "query" && p.GetProperty("name").GetString() == name);
            if (parameter.ValueKind == JsonValueKind.Undefined)
            {
                problems.Add($"{id}: query parameter {name} is not declared");
            }
            else if (parameter.TryGetProperty("enum", out var values) && values.EnumerateArray().All(v => !string.Equals(v.GetString(), value, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"{id}: query {name}={value} is not one of {string.Join(", ", values.EnumerateArray())}");
            }
            else if (parameter.TryGetProperty("type", out var type) && type.GetString() == "integer" && !int.TryParse(value, out _))
            {
                problems.Add($"{id}: query {name}={value} is not an integer");
            }
        }

        if (given.Where(g => g.Name == "api-version").Select(g => g.Value).SingleOrDefault() != "7.1")
        {
            problems.Add($"{id}: api-version is not 7.1 ({query})");
        }

        var bodyParameter = parameters.FirstOrDefault(p => p.GetProperty("in").GetString() == "body");
        if (string.IsNullOrEmpty(body))
        {
            if (bodyParameter.ValueKind != JsonValueKind.Undefined && bodyParameter.TryGetProperty("required", out var required) && required.GetBoolean())
            {
                problems.Add($"{id} requires a body");
            }
        }
        else if (bodyParameter.ValueKind == JsonValueKind.Undefined)
        {
            problems.Add($"{id} takes no body");
        }
        else
        {
            using var json = JsonDocument.Parse(body);
            Validate(json.RootElement, bodyParameter.GetProperty("schema"), $"{id} body", problems);
        }

        _ = template;
        return problems;
    }

    private void Validate(JsonElement value, JsonElement schema, string at, List<string> problems)
    {
        schema = Resolve(schema);
        var type = schema.TryGetProperty("type", out var t) ? t.GetString() : null;
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                if (type is not (null or "object"))
                {
                    problems.Add($"{at}: an object where {type} is declared");
                    return;
                }

                var properties = Properties(schema);
                foreach (var property in value.EnumerateObject())
                {
                    if (!properties.TryGetValue(property.Name, out var declared))
                    {
                        problems.Add($"{at}.{property.Name} is not declared");
                        continue;
                    }

                    Validate(property.Value, declared, $"{at}.{property.Name}", problems);
                }

                break;
            case JsonValueKind.Array:
                if (type != "array")
                {
                    problems.Add($"{at}: an array where {type ?? "an object"} is declared");
                    return;
                }

                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Validate(item, schema.GetProperty("items"), $"{at}[{index++}]", problems);
                }

                break;
            case JsonValueKind.String:
                // Enums are declared without a type (x-ms-enum); Graystep sends their names.
                var isEnum = schema.TryGetProperty("enum", out var values);
                if ((type is not "string" && !isEnum) || (isEnum && values.EnumerateArray().All(v => v.GetString() != value.GetString())))
                {
                    problems.Add($"{at}: \"{value.GetString()}\" does not fit {Describe(schema)}");
                }

                break;
            case JsonValueKind.Number:
                if (type is not ("integer" or "number"))
                {
                    problems.Add($"{at}: a number where {Describe(schema)} is declared");
                }

                break;
            case JsonValueKind.True or JsonValueKind.False:
                if (type != "boolean")
                {
                    problems.Add($"{at}: a boolean where {Describe(schema)} is declared");
                }

                break;
        }
    }

    /// <summary>A schema's properties, with those of the schemas it extends (allOf).</summary>
    private Dictionary<string, JsonElement> Properties(JsonElement schema)
    {
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var part in allOf.EnumerateArray())
            {
                foreach (var (name, value) in Properties(Resolve(part)))
                {
                    properties[name] = value;
                }
            }
        }

        if (schema.TryGetProperty("properties", out var own))
        {
            foreach (var property in own.EnumerateObject())
            {
                properties[property.Name] = property.Value;
            }
        }

        return properties;
    }

    private static string Describe(JsonElement schema) =>
        schema.TryGetProperty("enum", out var values) ? "enum " + string.Join("|", values.EnumerateArray()) : schema.TryGetProperty("type", out var t) ? t.GetString() ?? "?" : "object";

    private JsonElement Resolve(JsonElement element)
    {
        while (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("$ref", out var reference))
        {
            element = Root;
            foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/'))
            {
                element = element.GetProperty(part);
            }
        }

        return element;
    }
}
