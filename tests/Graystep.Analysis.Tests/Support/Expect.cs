namespace Graystep.Analysis.Tests.Support;

/// <summary>Text assertions that show the whole text on failure (xunit cuts long strings short).</summary>
public static class Expect
{
    public static void Contains(string expected, string actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        if (!actual.Contains(expected, StringComparison.Ordinal))
        {
            Assert.Fail($"expected to find:\n{expected}\nin:\n{actual}");
        }
    }

    public static void Matches(string pattern, string actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        if (!System.Text.RegularExpressions.Regex.IsMatch(actual, pattern, System.Text.RegularExpressions.RegexOptions.Multiline))
        {
            Assert.Fail($"expected a match for:\n{pattern}\nin:\n{actual}");
        }
    }
}
