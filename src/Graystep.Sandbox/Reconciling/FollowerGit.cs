using System.Diagnostics;
using System.Text;

namespace Graystep.Sandbox.Reconciling;

/// <summary>The result of one git command; stdout is kept as bytes because <c>cat-file --batch</c> sizes are in bytes.</summary>
internal sealed record GitResult(int ExitCode, byte[] Stdout, string Stderr)
{
    public string Text => Encoding.UTF8.GetString(Stdout);
}

/// <summary>
/// Runs the <c>git</c> command line with arguments as a list (no shell), prompts off and <c>LC_ALL=C</c>, as Argo CD
/// and Flux drive git. The sandbox only reads the followed repository; it writes only to its own scratch clone.
/// </summary>
internal sealed class FollowerGit(string git = "git")
{
    public async Task<GitResult> RunAsync(IReadOnlyList<string> arguments, string? workingDirectory = null, byte[]? stdin = null, CancellationToken cancellationToken = default)
    {
        var psi = new ProcessStartInfo(git)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        psi.Environment["LC_ALL"] = "C";
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        psi.Environment["GIT_ASKPASS"] = string.Empty;

        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run '{git}': {e.Message}; install git and put it on PATH", e);
        }

        using var stdout = new MemoryStream();
        var readOut = process.StandardOutput.BaseStream.CopyToAsync(stdout, cancellationToken);
        var readErr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin, cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
        }

        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            await readOut.ConfigureAwait(false);
            var stderr = await readErr.ConfigureAwait(false);
            return new GitResult(process.ExitCode, stdout.ToArray(), stderr);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }

            throw;
        }
    }

    public async Task<GitResult> RunCheckedAsync(IReadOnlyList<string> arguments, string? workingDirectory = null, byte[]? stdin = null, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(arguments, workingDirectory, stdin, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new GitFailure($"git {string.Join(' ', arguments)} exited with {result.ExitCode}: {result.Stderr.Trim()}");
        }

        return result;
    }
}

internal sealed class GitFailure(string message) : Exception(message);
