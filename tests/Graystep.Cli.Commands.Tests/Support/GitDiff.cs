using System.Diagnostics;

namespace Graystep.Cli.Commands.Tests.Support;

/// <summary><c>git diff --no-index</c> between two folders: what a reviewer sees in the commit.</summary>
internal static class GitDiff
{
    /// <summary>The changed lines ('+…' and '-…', without the '+++'/'---' headers) per file, with zero context.</summary>
    public static IReadOnlyDictionary<string, List<string>> Changes(string before, string after)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = before,
        };
        foreach (var arg in new[] { "-c", "core.quotepath=off", "diff", "--no-index", "--no-color", "-U0", "--no-renames", Path.GetFullPath(before), Path.GetFullPath(after) })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LC_ALL"] = "C";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start git");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("git diff --no-index did not finish within a minute");
        }

        // 0: no difference, 1: differences; anything else is a failure of git itself.
        Assert.True(process.ExitCode is 0 or 1, $"git diff failed ({process.ExitCode}): {stderr.Result}");
        var changes = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        foreach (var line in stdout.Result.Split('\n'))
        {
            if (line.StartsWith("diff --git ", StringComparison.Ordinal))
            {
                var name = line[(line.LastIndexOf('/') + 1)..];
                changes[name] = current = [];
            }
            else if (current is not null && line.Length > 0 && line[0] is '+' or '-' && !line.StartsWith("+++", StringComparison.Ordinal) && !line.StartsWith("---", StringComparison.Ordinal))
            {
                current.Add(line);
            }
        }

        return changes;
    }
}
