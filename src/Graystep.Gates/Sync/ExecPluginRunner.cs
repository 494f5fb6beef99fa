using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using k8s.KubeConfigModels;

namespace Graystep.Gates.Sync;

/// <summary>
/// Runs kubeconfig exec credential plugins (<c>aws eks get-token</c>, <c>gke-gcloud-auth-plugin</c>, <c>kubelogin</c>)
/// the way a CI job needs: without a terminal (<c>KUBERNETES_EXEC_INFO</c> says <c>interactive: false</c>, stdin is
/// empty), bounded by a timeout, and once per process: the credential is kept until its expirationTimestamp.
/// </summary>
internal sealed class ExecPluginRunner(IProcessRunner? processes, TimeProvider time, TimeSpan timeout, Action<string> mask)
{
    /// <summary>A credential this close to its expiry is fetched again rather than sent.</summary>
    internal static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(10);

    private const string DefaultApiVersion = "client.authentication.k8s.io/v1";

    public KubeCredential Credential(ExternalExecution exec, ExecExtras extras, string where, Uri server, string? caData, string rejectedHint)
    {
        if (string.Equals(extras.InteractiveMode, "Always", StringComparison.Ordinal))
        {
            throw new GraystepException(
                $"the exec plugin '{exec.Command}' of the {where} needs a terminal (interactiveMode: Always), and Graystep runs without one",
                ExitCodes.InvalidSpec,
                "log in with a plugin that runs unattended (e.g. a service principal or workload identity), or give the job a token: " + KubeApiClient.TokenVariable);
        }

        if (string.IsNullOrWhiteSpace(exec.Command))
        {
            throw new GraystepException($"the exec plugin of the {where} names no command", ExitCodes.InvalidSpec, "set users[].user.exec.command");
        }

        return new Plugin(this, exec, KubeApiClient.Nonblank(exec.ApiVersion) ?? extras.ApiVersion ?? DefaultApiVersion, where, server, caData, rejectedHint);
    }

    private async Task<(string Token, DateTimeOffset? Expires)> RunAsync(Plugin plugin, CancellationToken cancellationToken)
    {
        var exec = plugin.Exec;
        if (processes is null)
        {
            throw new InvalidOperationException("exec credential plugins need a process runner");
        }

        var command = exec.Command;
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var pair in exec.EnvironmentVariables ?? [])
        {
            if (pair.TryGetValue("name", out var name) && !string.IsNullOrEmpty(name))
            {
                environment[name] = pair.TryGetValue("value", out var value) ? value : string.Empty;
            }
        }

        environment["KUBERNETES_EXEC_INFO"] = ExecInfo(plugin, exec.ProvideClusterInfo);

        using var bound = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
        ProcessResult result;
        try
        {
            result = await processes.RunAsync(command, [.. exec.Arguments ?? []], null, environment, standardInput: null, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GraystepException(
                $"the exec plugin '{exec.Command}' of the {plugin.Where} did not finish within {Core.Spec.GoDuration.Format(timeout)}",
                ExitCodes.Failure,
                "it must not wait for input: log in before Graystep runs (it runs the plugin without a terminal), or give the job a token: " + KubeApiClient.TokenVariable);
        }
        catch (GraystepException ex)
        {
            throw new GraystepException(
                $"the exec plugin '{exec.Command}' of the {plugin.Where} could not be started",
                ExitCodes.Failure,
                KubeApiClient.Nonblank(exec.InstallHint)?.Trim() ?? "install it, or fix users[].user.exec.command in the kubeconfig",
                ex);
        }

        if (result.ExitCode != 0)
        {
            throw new GraystepException(
                $"the exec plugin '{exec.Command}' of the {plugin.Where} failed (exit code {result.ExitCode}){Said(result.Stderr)}",
                ExitCodes.Failure,
                "run it by hand to see why; Graystep runs it without a terminal (interactive: false), so log in first");
        }

        return Parse(result.Stdout, exec.Command, plugin.Where);
    }

    private (string Token, DateTimeOffset? Expires) Parse(string stdout, string command, string where)
    {
        JsonNode? status;
        try
        {
            status = JsonNode.Parse(stdout)?["status"];
        }
        catch (JsonException)
        {
            status = null;
        }

        // What it printed is a credential, or close to one: it is never quoted.
        if (status is not JsonObject found)
        {
            throw new GraystepException($"the exec plugin '{command}' of the {where} printed no ExecCredential", ExitCodes.Failure, "it must print an ExecCredential JSON object with a status on stdout; run it by hand to see what it prints");
        }

        if (found["token"]?.GetValueKind() is not JsonValueKind.String || found["token"]!.GetValue<string>() is not { Length: > 0 } token)
        {
            throw new GraystepException(
                $"the exec plugin '{command}' of the {where} returned no token" + (found["clientCertificateData"] is null ? string.Empty : " (a client certificate instead, which Graystep does not take from plugins)"),
                ExitCodes.Failure,
                "use a plugin that returns status.token, or put the client certificate in the kubeconfig (client-certificate-data, client-key-data)");
        }

        mask(token);
        DateTimeOffset? expires = found["expirationTimestamp"]?.GetValueKind() is JsonValueKind.String
            && DateTimeOffset.TryParse(found["expirationTimestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;
        return (token, expires);
    }

    private static string ExecInfo(Plugin plugin, bool provideClusterInfo)
    {
        var spec = new JsonObject { ["interactive"] = false };
        if (provideClusterInfo)
        {
            var cluster = new JsonObject { ["server"] = plugin.Server.ToString().TrimEnd('/') };
            if (plugin.CaData is { Length: > 0 } ca)
            {
                cluster["certificate-authority-data"] = ca;
            }

            spec["cluster"] = cluster;
        }

        return new JsonObject { ["apiVersion"] = plugin.ApiVersion, ["kind"] = "ExecCredential", ["spec"] = spec }.ToJsonString();
    }

    /// <summary>The last line the plugin wrote on stderr (its reason, as plugins print it), bounded.</summary>
    private static string Said(string stderr)
    {
        var line = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return line is null ? string.Empty : ": " + (line.Length > 300 ? line[..300] + "..." : line);
    }

    private sealed class Plugin(ExecPluginRunner runner, ExternalExecution exec, string apiVersion, string where, Uri server, string? caData, string rejectedHint) : KubeCredential
    {
        private readonly SemaphoreSlim _once = new(1, 1);
        private (string Token, DateTimeOffset? Expires)? _credential;

        public ExternalExecution Exec => exec;

        public string ApiVersion => apiVersion;

        public string Where => where;

        public Uri Server => server;

        public string? CaData => caData;

        public override string RejectedHint => rejectedHint;

        public override async ValueTask<bool> ForgetAsync(AuthenticationHeaderValue sent, CancellationToken cancellationToken)
        {
            // Awaited, not blocked on: another request may hold the lock while the plugin runs (up to its timeout).
            await _once.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Only the credential that was refused: another request may already have fetched a new one.
                if (_credential is { } current && current.Token == sent.Parameter)
                {
                    _credential = null;
                }

                return true;
            }
            finally
            {
                _once.Release();
            }
        }

        public override async ValueTask<AuthenticationHeaderValue?> HeaderAsync(CancellationToken cancellationToken)
        {
            await _once.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_credential is not { } current || (current.Expires is { } expires && runner.NowPlusMargin() >= expires))
                {
                    current = await runner.RunAsync(this, cancellationToken).ConfigureAwait(false);
                    _credential = current;
                }

                return new AuthenticationHeaderValue("Bearer", current.Token);
            }
            finally
            {
                _once.Release();
            }
        }
    }

    private DateTimeOffset NowPlusMargin() => time.GetUtcNow() + ExpiryMargin;
}
