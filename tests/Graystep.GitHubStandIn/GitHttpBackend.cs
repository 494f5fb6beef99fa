using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Graystep.GitHubStandIn;

/// <summary>
/// Git's smart HTTP protocol through the real <c>git http-backend</c> (CGI), for the stand-ins (GitHub's and Azure
/// Repos'): clone, fetch and push reach real bare repositories. No authentication: the stand-ins trust loopback.
/// </summary>
public static class GitHttpBackend
{
    private static readonly TimeSpan GitHttpTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Serves one smart-HTTP request for the repository at <paramref name="pathInfo"/> (<c>/path/to/repo.git/info/refs</c>)
    /// under <paramref name="projectRoot"/>, with git's user configuration replaced by <paramref name="globalConfig"/>.
    /// </summary>
    public static async Task ServeAsync(HttpContext context, string projectRoot, string pathInfo, string globalConfig)
    {
        ArgumentNullException.ThrowIfNull(context);
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("http-backend");
        var request = context.Request;
        var environment = start.Environment;
        environment["GIT_PROJECT_ROOT"] = projectRoot;
        environment["PATH_INFO"] = pathInfo;
        environment["GIT_HTTP_EXPORT_ALL"] = "1";
        environment["REMOTE_USER"] = "graystep-standin"; // lets http-backend accept pushes
        environment["REMOTE_ADDR"] = "127.0.0.1";
        environment["REQUEST_METHOD"] = request.Method;
        environment["QUERY_STRING"] = request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty;
        environment["CONTENT_TYPE"] = request.ContentType ?? string.Empty;
        if (request.ContentLength is { } length)
        {
            environment["CONTENT_LENGTH"] = length.ToString(CultureInfo.InvariantCulture);
        }

        if (request.Headers.ContentEncoding.ToString() is { Length: > 0 } encoding)
        {
            environment["HTTP_CONTENT_ENCODING"] = encoding;
        }

        if (request.Headers["Git-Protocol"].ToString() is { Length: > 0 } protocol)
        {
            environment["GIT_PROTOCOL"] = protocol;
        }

        environment["LC_ALL"] = "C";
        environment["GIT_CONFIG_NOSYSTEM"] = "1";
        environment["GIT_CONFIG_GLOBAL"] = globalConfig;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start git http-backend");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(GitHttpTimeout);
        try
        {
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            var feed = FeedAsync(request.Body, process.StandardInput.BaseStream, timeout.Token);
            var stdout = process.StandardOutput.BaseStream;
            foreach (var (name, value) in await ReadCgiHeadersAsync(stdout, timeout.Token).ConfigureAwait(false))
            {
                if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.StatusCode = int.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture);
                }
                else
                {
                    context.Response.Headers[name] = value;
                }
            }

            await stdout.CopyToAsync(context.Response.Body, timeout.Token).ConfigureAwait(false);
            await feed.ConfigureAwait(false);
            await stderr.ConfigureAwait(false);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

    }

    private static async Task FeedAsync(Stream body, Stream stdin, CancellationToken cancellationToken)
    {
        try
        {
            await body.CopyToAsync(stdin, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // End of input is how the backend knows the request is complete when it has no Content-Length.
            stdin.Close();
        }
    }

    /// <summary>CGI response headers: <c>Name: value</c> lines up to the first empty line.</summary>
    private static async Task<List<(string Name, string Value)>> ReadCgiHeadersAsync(Stream stdout, CancellationToken cancellationToken)
    {
        var headers = new List<(string, string)>();
        var line = new List<byte>();
        var one = new byte[1];
        while (await stdout.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 1)
        {
            if (one[0] != '\n')
            {
                line.Add(one[0]);
                continue;
            }

            var text = Encoding.ASCII.GetString(line.ToArray()).TrimEnd('\r');
            line.Clear();
            if (text.Length == 0)
            {
                break;
            }

            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add((text[..colon].Trim(), text[(colon + 1)..].Trim()));
            }
        }

        return headers;
    }

}
