using Graystep.Hosts.GitHub;
using System.Globalization;
using System.Text.Json;
using Graystep.TestKit;

namespace Graystep.Hosts.Tests.GitHub.Infrastructure;

/// <summary>
/// GitHub's own OpenAPI description (npm @octokit/openapi, api.github.com.json), read with System.Text.Json. It
/// answers three questions: does this method + path exist, does this request body fit, does this response body fit.
/// </summary>
internal sealed class OpenApiDescription
{
    private static readonly Lazy<OpenApiDescription> Instance = new(() => new OpenApiDescription(Path.Combine(
        RepoPaths.Root, "tests", "js", "node_modules", "@octokit", "openapi", "generated", "api.github.com.json")));

    private readonly JsonDocument _document;
    private readonly List<(string Template, string[] Segments)> _paths;

    private OpenApiDescription(string file)
    {
        if (!File.Exists(file))
        {
            throw new InvalidOperationException($"GitHub's OpenAPI description is missing at {file}; run `npm ci` in tests/js.");
        }

        using var stream = File.OpenRead(file);
        _document = JsonDocument.Parse(stream);
        _paths = Root.GetProperty("paths").EnumerateObject()
            .Select(p => (p.Name, p.Name.Split('/', StringSplitOptions.RemoveEmptyEntries)))
            .ToList();
    }

    public static OpenApiDescription GitHub => Instance.Value;

    public JsonElement Root => _document.RootElement;

    public sealed record Operation(string Method, string Template, JsonElement Element, IReadOnlyDictionary<string, string> PathValues)
    {
        public string Id => Element.GetProperty("operationId").GetString()!;
    }

    /// <summary>The operation for a method and an API-relative path ("/repos/o/r/pulls/1"), or null.</summary>
    public Operation? Find(string method, string path)
    {
        var segments = path.Split('?')[0].Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        Operation? best = null;
        var bestLiterals = -1;
        foreach (var (template, templateSegments) in _paths)
        {
            if (!Root.GetProperty("paths").GetProperty(template).TryGetProperty(method.ToLowerInvariant(), out var operation))
            {
                continue;
            }

            var values = new Dictionary<string, string>();
            if (Match(templateSegments, 0, segments, 0, operation, values))
            {
                var literals = templateSegments.Count(s => !s.StartsWith('{'));
                if (literals > bestLiterals)
                {
                    best = new Operation(method.ToUpperInvariant(), template, operation, values);
                    bestLiterals = literals;
                }
            }
        }

        return best;
    }

    /// <summary>Every way a request departs from the description; empty when it fits.</summary>
    public IReadOnlyList<string> ValidateRequest(string method, string pathAndQuery, string? body)
    {
        var problems = new List<string>();
        var operation = Find(method, pathAndQuery);
        if (operation is null)
        {
            return [$"{method} {pathAndQuery}: no such operation in GitHub's REST API description"];
        }

        var parameters = Parameters(operation.Element).ToList();
        foreach (var (name, value) in operation.PathValues)
        {
            var parameter = parameters.FirstOrDefault(p => p.GetProperty("in").GetString() == "path" && p.GetProperty("name").GetString() == name);
            if (parameter.ValueKind == JsonValueKind.Undefined)
            {
                problems.Add($"path parameter {name} is not declared");
                continue;
            }

            ValidateParameterValue($"path {name}", value, parameter.GetProperty("schema"), problems);
        }

        var query = pathAndQuery.Contains('?', StringComparison.Ordinal) ? pathAndQuery[(pathAndQuery.IndexOf('?', StringComparison.Ordinal) + 1)..] : string.Empty;
        var given = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(kv => (Name: Uri.UnescapeDataString(kv[0]), Value: kv.Length > 1 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : string.Empty))
            .ToList();
        foreach (var (name, value) in given)
        {
            var parameter = parameters.FirstOrDefault(p => p.GetProperty("in").GetString() == "query" && p.GetProperty("name").GetString() == name);
            if (parameter.ValueKind == JsonValueKind.Undefined)
            {
                problems.Add($"query parameter {name} is not declared for {operation.Id}");
                continue;
            }

            ValidateParameterValue($"query {name}", value, parameter.GetProperty("schema"), problems);
        }

        foreach (var required in parameters.Where(p => p.GetProperty("in").GetString() == "query" && p.TryGetProperty("required", out var r) && r.GetBoolean()))
        {
            if (given.All(g => g.Name != required.GetProperty("name").GetString()))
            {
                problems.Add($"required query parameter {required.GetProperty("name").GetString()} is missing");
            }
        }

        var hasBody = !string.IsNullOrEmpty(body);
        if (operation.Element.TryGetProperty("requestBody", out var requestBody))
        {
            requestBody = Resolve(requestBody);
            if (!hasBody)
            {
                if (requestBody.TryGetProperty("required", out var r) && r.GetBoolean())
                {
                    problems.Add($"{operation.Id} requires a body");
                }
            }
            else
            {
                var schema = requestBody.GetProperty("content").GetProperty("application/json").GetProperty("schema");
                using var json = JsonDocument.Parse(body!);
                new SchemaValidator(this, strict: true).Validate(json.RootElement, schema, "body", problems);
            }
        }
        else if (hasBody)
        {
            problems.Add($"{operation.Id} takes no body");
        }

        return problems;
    }

    /// <summary>Every way a response departs from the description (strict: no properties it does not declare).</summary>
    public IReadOnlyList<string> ValidateResponse(string method, string path, int status, string body)
    {
        var operation = Find(method, path);
        if (operation is null)
        {
            return [$"{method} {path}: no such operation"];
        }

        var problems = new List<string>();
        var responses = operation.Element.GetProperty("responses");
        JsonElement schema;
        if (responses.TryGetProperty(status.ToString(CultureInfo.InvariantCulture), out var response))
        {
            response = Resolve(response);
            if (response.TryGetProperty("content", out var content))
            {
                schema = content.GetProperty("application/json").GetProperty("schema");
            }
            else if (status >= 400 && !string.IsNullOrEmpty(body))
            {
                // Some errors are declared without a body (delete-ref's 422), yet GitHub sends its basic-error one.
                schema = Root.GetProperty("components").GetProperty("schemas").GetProperty("basic-error");
            }
            else
            {
                if (!string.IsNullOrEmpty(body))
                {
                    problems.Add($"{operation.Id} {status} has no body in the description, but one was sent");
                }

                return problems;
            }
        }
        else if (status >= 400)
        {
            // Every GitHub error not listed for an operation still has the basic-error shape.
            schema = Root.GetProperty("components").GetProperty("schemas").GetProperty("basic-error");
        }
        else
        {
            return [$"{operation.Id} does not declare status {status}"];
        }

        using var json = JsonDocument.Parse(body);
        new SchemaValidator(this, strict: true).Validate(json.RootElement, schema, $"{operation.Id} {status}", problems);
        return problems;
    }

    /// <summary>The raw JSON of <c>components.examples[name].value</c>.</summary>
    public string Example(string name) =>
        Root.GetProperty("components").GetProperty("examples").GetProperty(name).GetProperty("value").GetRawText();

    /// <summary>The raw JSON of an example declared inline on an operation's response.</summary>
    public string ResponseExample(string method, string template, int status)
    {
        var response = Resolve(Root.GetProperty("paths").GetProperty(template).GetProperty(method.ToLowerInvariant())
            .GetProperty("responses").GetProperty(status.ToString(CultureInfo.InvariantCulture)));
        var example = response.GetProperty("content").GetProperty("application/json").GetProperty("examples").EnumerateObject().First().Value;
        return Resolve(example).GetProperty("value").GetRawText();
    }

    public JsonElement Schema(string name) => Root.GetProperty("components").GetProperty("schemas").GetProperty(name);

    public JsonElement Resolve(JsonElement element)
    {
        while (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("$ref", out var reference))
        {
            var parts = reference.GetString()!.TrimStart('#', '/').Split('/');
            element = Root;
            foreach (var part in parts)
            {
                element = element.GetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
            }
        }

        return element;
    }

    private IEnumerable<JsonElement> Parameters(JsonElement operation) =>
        operation.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray().Select(Resolve) : [];

    private bool Match(string[] template, int t, string[] path, int p, JsonElement operation, Dictionary<string, string> values)
    {
        if (t == template.Length)
        {
            return p == path.Length;
        }

        if (p == path.Length)
        {
            return false;
        }

        var segment = template[t];
        if (!segment.StartsWith('{'))
        {
            return segment == path[p] && Match(template, t + 1, path, p + 1, operation, values);
        }

        var name = segment.Trim('{', '}');
        var multi = Parameters(operation).Any(x => x.GetProperty("name").GetString() == name
            && x.TryGetProperty("x-multi-segment", out var m) && m.GetBoolean());
        var maxTake = multi ? path.Length - p : 1;
        for (var take = 1; take <= maxTake; take++)
        {
            values[name] = string.Join('/', path[p..(p + take)]);
            if (Match(template, t + 1, path, p + take, operation, values))
            {
                return true;
            }
        }

        values.Remove(name);
        return false;
    }

    private void ValidateParameterValue(string where, string value, JsonElement schema, List<string> problems)
    {
        schema = Resolve(schema);
        var type = schema.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type == "integer" && !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            problems.Add($"{where}: '{value}' is not an integer");
        }

        if (type == "boolean" && value is not ("true" or "false"))
        {
            problems.Add($"{where}: '{value}' is not a boolean");
        }

        if (schema.TryGetProperty("enum", out var values) && values.EnumerateArray().All(v => v.ToString() != value))
        {
            problems.Add($"{where}: '{value}' is not one of {string.Join(", ", values.EnumerateArray())}");
        }
    }
}
