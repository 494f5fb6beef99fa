using Graystep.Hosts.GitHub;
using System.Text.Json;

namespace Graystep.Hosts.Tests.GitHub.Infrastructure;

/// <summary>
/// The part of OpenAPI 3.0 schema validation that catches drift: types, nullability, enums, required properties,
/// items, allOf/anyOf/oneOf, and (when strict) properties the schema does not declare.
/// </summary>
internal sealed class SchemaValidator(OpenApiDescription description, bool strict)
{
    public void Validate(JsonElement value, JsonElement schema, string at, List<string> problems)
    {
        schema = description.Resolve(schema);
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (!AllowsNull(schema))
            {
                problems.Add($"{at}: null is not allowed");
            }

            return;
        }

        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var part in allOf.EnumerateArray())
            {
                new SchemaValidator(description, strict: false).Validate(value, part, at, problems);
            }

            if (strict && value.ValueKind == JsonValueKind.Object)
            {
                CheckUnknown(value, schema, at, problems);
            }
        }

        foreach (var keyword in new[] { "anyOf", "oneOf" })
        {
            if (schema.TryGetProperty(keyword, out var branches))
            {
                var fits = branches.EnumerateArray().Any(branch =>
                {
                    var trial = new List<string>();
                    Validate(value, branch, at, trial);
                    return trial.Count == 0;
                });
                if (!fits)
                {
                    problems.Add($"{at}: matches no branch of {keyword}");
                }
            }
        }

        if (schema.TryGetProperty("enum", out var allowed) && allowed.EnumerateArray().All(a => a.GetRawText() != value.GetRawText()))
        {
            problems.Add($"{at}: {value.GetRawText()} is not one of {string.Join(", ", allowed.EnumerateArray().Select(a => a.GetRawText()))}");
        }

        var type = schema.TryGetProperty("type", out var t) ? t.GetString() : null;
        switch (type)
        {
            case "string" when value.ValueKind != JsonValueKind.String:
            case "boolean" when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False):
            case "number" when value.ValueKind != JsonValueKind.Number:
            case "integer" when value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out _):
            case "array" when value.ValueKind != JsonValueKind.Array:
            case "object" when value.ValueKind != JsonValueKind.Object:
                problems.Add($"{at}: expected {type}, got {value.ValueKind}");
                return;
        }

        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Validate(item, items, $"{at}[{index++}]", problems);
            }
        }

        if (value.ValueKind == JsonValueKind.Object && (type == "object" || schema.TryGetProperty("properties", out _)))
        {
            if (schema.TryGetProperty("required", out var required))
            {
                foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                {
                    if (!value.TryGetProperty(name, out _))
                    {
                        problems.Add($"{at}: required property '{name}' is missing");
                    }
                }
            }

            if (schema.TryGetProperty("properties", out var properties))
            {
                foreach (var property in value.EnumerateObject())
                {
                    if (properties.TryGetProperty(property.Name, out var propertySchema))
                    {
                        Validate(property.Value, propertySchema, $"{at}.{property.Name}", problems);
                    }
                }
            }

            if (strict && !schema.TryGetProperty("allOf", out _))
            {
                CheckUnknown(value, schema, at, problems);
            }
        }
    }

    private void CheckUnknown(JsonElement value, JsonElement schema, string at, List<string> problems)
    {
        var declared = DeclaredProperties(schema);
        if (declared is null)
        {
            return;
        }

        foreach (var property in value.EnumerateObject().Where(p => !declared.Contains(p.Name)))
        {
            problems.Add($"{at}: property '{property.Name}' is not in the description");
        }
    }

    /// <summary>The declared property names, or null when the schema admits any (no properties, or additionalProperties).</summary>
    private HashSet<string>? DeclaredProperties(JsonElement schema)
    {
        schema = description.Resolve(schema);
        if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind != JsonValueKind.False)
        {
            return null;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var any = false;
        if (schema.TryGetProperty("properties", out var properties))
        {
            any = true;
            names.UnionWith(properties.EnumerateObject().Select(p => p.Name));
        }

        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var part in allOf.EnumerateArray())
            {
                var partNames = DeclaredProperties(part);
                if (partNames is null)
                {
                    return null;
                }

                any = true;
                names.UnionWith(partNames);
            }
        }

        return any ? names : null;
    }

    private bool AllowsNull(JsonElement schema)
    {
        schema = description.Resolve(schema);
        if (schema.TryGetProperty("nullable", out var nullable) && nullable.GetBoolean())
        {
            return true;
        }

        if (schema.TryGetProperty("enum", out var values) && values.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.Null))
        {
            return true;
        }

        foreach (var keyword in new[] { "anyOf", "oneOf", "allOf" })
        {
            if (schema.TryGetProperty(keyword, out var branches) && branches.EnumerateArray().Any(AllowsNull))
            {
                return keyword != "allOf" || branches.EnumerateArray().All(AllowsNull);
            }
        }

        return false;
    }
}
