namespace Graystep.Sandbox.Routing;

/// <summary>One simulated user request: only what routing rules look at.</summary>
internal sealed class SimRequest
{
    public const string UserAgent = "graystep-sandbox-loadgen/1.0";

    public SimRequest(int user, bool abUser)
    {
        User = user;
        AbUser = abUser;
        Headers["user-agent"] = UserAgent;
    }

    public int User { get; }

    /// <summary>The user belongs to the A/B share and carries the attributes of one A/B rule.</summary>
    public bool AbUser { get; }

    public string Method { get; set; } = "GET";

    public string Path { get; set; } = "/";

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, string> Query { get; } = new(StringComparer.Ordinal);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>A cookie from the <c>cookie</c> header, parsed the way NGINX's <c>$cookie_NAME</c> does.</summary>
    public string? Cookie(string name)
    {
        if (Header("cookie") is not { } header)
        {
            return null;
        }

        foreach (var part in header.Split(';'))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part[..eq].Trim() == name)
            {
                return part[(eq + 1)..].Trim();
            }
        }

        return null;
    }

    public void Apply(RequestAttribute attribute)
    {
        switch (attribute.Kind)
        {
            case AttributeKind.Header when attribute.Name.Equals("cookie", StringComparison.OrdinalIgnoreCase) && Header("cookie") is { Length: > 0 } existing:
                Headers["cookie"] = existing + "; " + attribute.Value;
                break;
            case AttributeKind.Header:
                Headers[attribute.Name] = attribute.Value;
                break;
            case AttributeKind.Cookie:
                Apply(new RequestAttribute(AttributeKind.Header, "cookie", $"{attribute.Name}={attribute.Value}"));
                break;
            case AttributeKind.Query:
                Query[attribute.Name] = attribute.Value;
                break;
            case AttributeKind.Path:
                Path = attribute.Value;
                break;
            case AttributeKind.Method:
                Method = attribute.Value;
                break;
        }
    }
}

internal enum AttributeKind
{
    Header,
    Cookie,
    Query,
    Path,
    Method,
}

/// <summary>Something an A/B user carries so that a match rule selects it.</summary>
internal sealed record RequestAttribute(AttributeKind Kind, string Name, string Value)
{
    public override string ToString() => Kind switch
    {
        AttributeKind.Header => $"header {Name}: {Value}",
        AttributeKind.Cookie => $"cookie {Name}={Value}",
        AttributeKind.Query => $"query {Name}={Value}",
        AttributeKind.Path => $"path {Value}",
        _ => $"method {Value}",
    };
}

/// <summary>
/// One way an A/B user can satisfy the rendered rule (one alternative of an OR). <see cref="Attributes"/> is null when
/// the sandbox could not build a value that matches (an exotic regex); such users then send plain requests.
/// </summary>
internal sealed record AbAlternative(string Rule, IReadOnlyList<RequestAttribute>? Attributes);
