namespace Graystep.CiAgents.Tests;

/// <summary>
/// How the CI systems read back what we write, reimplemented from their documented behaviour, so tests check the
/// protocol (what the runner will see) and not only our intent.
/// </summary>
internal static class RunnerParsers
{
    /// <summary>
    /// The GitHub runner's reading of <c>$GITHUB_OUTPUT</c>: <c>key=value</c> when '=' comes before any '&lt;&lt;',
    /// else a heredoc <c>key&lt;&lt;DELIM</c> whose value runs to the line equal to DELIM.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseGitHubOutputFile(string text)
    {
        var lines = text.Split('\n');
        Assert.Equal(string.Empty, lines[^1]); // every entry ends with a line break
        var result = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var line = lines[i];
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            if (equals >= 0 && (heredoc < 0 || equals < heredoc))
            {
                result.Add(new(line[..equals], line[(equals + 1)..]));
                continue;
            }

            Assert.True(heredoc > 0, $"line {i + 1} is neither key=value nor a heredoc: {line}");
            var key = line[..heredoc];
            var delimiter = line[(heredoc + 2)..];
            var body = new List<string>();
            i++;
            while (i < lines.Length - 1 && lines[i] != delimiter)
            {
                body.Add(lines[i]);
                i++;
            }

            Assert.True(i < lines.Length - 1, $"heredoc for '{key}' has no closing delimiter");
            result.Add(new(key, string.Join('\n', body)));
        }

        return result;
    }

    /// <summary>A GitHub <c>::name k=v,k=v::data</c> line, unescaped as the runner does (%25 last).</summary>
    public static (string Name, Dictionary<string, string> Properties, string Data) ParseGitHubCommand(string line)
    {
        Assert.StartsWith("::", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
        var end = line.IndexOf("::", 2, StringComparison.Ordinal);
        var info = line[2..end];
        var data = line[(end + 2)..];
        var space = info.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? info : info[..space];
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (space >= 0)
        {
            foreach (var pair in info[(space + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                properties[pair[..eq]] = pair[(eq + 1)..]
                    .Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal)
                    .Replace("%3A", ":", StringComparison.Ordinal).Replace("%2C", ",", StringComparison.Ordinal)
                    .Replace("%25", "%", StringComparison.Ordinal);
            }
        }

        var unescaped = data.Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal)
            .Replace("%25", "%", StringComparison.Ordinal);
        return (name, properties, unescaped);
    }

    /// <summary>An Azure <c>##vso[name k=v;k=v;]data</c> line, unescaped as taskcommand.ts <c>commandFromString</c> does.</summary>
    public static (string Name, Dictionary<string, string> Properties, string Data) ParseAzureCommand(string line)
    {
        Assert.StartsWith("##vso[", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
        var lb = line.IndexOf('[', StringComparison.Ordinal);
        var rb = line.IndexOf(']', StringComparison.Ordinal);
        var info = line[(lb + 1)..rb];
        var space = info.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? info : info[..space];
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (space >= 0)
        {
            foreach (var pair in info[(space + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                properties[pair[..eq]] = pair[(eq + 1)..]
                    .Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal)
                    .Replace("%5D", "]", StringComparison.Ordinal).Replace("%3B", ";", StringComparison.Ordinal)
                    .Replace("%AZP25", "%", StringComparison.Ordinal);
            }
        }

        var data = line[(rb + 1)..].Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal)
            .Replace("%AZP25", "%", StringComparison.Ordinal);
        return (name, properties, data);
    }

    public static string[] Lines(string log) => log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
