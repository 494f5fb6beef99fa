namespace Graystep.Core.Abstractions;

/// <summary>The one reading of a yes/no value from the environment or a CI system: <c>true</c>, <c>1</c> or <c>yes</c>, any case.</summary>
public static class EnvironmentFlag
{
    public static bool IsTrue(string? value)
    {
        var text = value?.Trim();
        return text is not null && (text == "1" || text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("yes", StringComparison.OrdinalIgnoreCase));
    }
}
