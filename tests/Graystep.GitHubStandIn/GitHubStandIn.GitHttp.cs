using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Graystep.GitHubStandIn;

// Git's smart HTTP protocol, as github.com serves it beside the API: clone, fetch and push over
// http://127.0.0.1:PORT/OWNER/NAME.git, through the real `git http-backend` (CGI). A remote URL of that shape names
// the owner and repository the way a GitHub remote does, so a client detects the host and maps the repository as
// it would on github.com. No authentication unless GitHubStandInOptions.GitBasicCredential asks for HTTP Basic.
public sealed partial class GitHubStandIn
{
    private static readonly TimeSpan GitHttpTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The repository's clone URL over smart HTTP, as GitHub's <c>clone_url</c>: <c>http://127.0.0.1:PORT/OWNER/NAME.git</c>.</summary>
    public string CloneUrl(StandInRepository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return $"{WebUrl}/{Uri.EscapeDataString(repository.Owner)}/{Uri.EscapeDataString(repository.Name)}.git";
    }

    private int _gitAuthFailures;

    /// <summary>How many git requests were refused for want of the Basic credential.</summary>
    public int GitAuthFailures => Volatile.Read(ref _gitAuthFailures);

    private async Task<bool> TryServeGitAsync(HttpContext context)
    {
        var match = GitPath().Match(context.Request.Path.Value ?? string.Empty);
        if (!match.Success)
        {
            return false;
        }

        var fullName = $"{match.Groups["owner"].Value}/{match.Groups["name"].Value}";
        var repository = WithGate(() => _repositories.GetValueOrDefault(fullName));
        if (repository is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return true;
        }

        if (_options.GitBasicCredential is { } credential
            && context.Request.Headers.Authorization.ToString() != "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credential)))
        {
            Interlocked.Increment(ref _gitAuthFailures);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"GitHub\"";
            return true;
        }

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
        environment["GIT_PROJECT_ROOT"] = Path.GetDirectoryName(Path.GetDirectoryName(repository.BarePath));
        environment["PATH_INFO"] = $"/{repository.Owner}/{repository.Name}.git/{match.Groups["service"].Value}";
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
        environment["GIT_CONFIG_GLOBAL"] = _git.GlobalConfig;

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

        return true;
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

    [GeneratedRegex(@"^/(?<owner>[^/]+)/(?<name>[^/]+?)\.git/(?<service>info/refs|git-upload-pack|git-receive-pack|HEAD)$")]
    private static partial Regex GitPath();
}
