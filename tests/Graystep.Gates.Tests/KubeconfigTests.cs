using System.Text;
using Graystep.Core.Errors;
using Graystep.Core.Gates;
using Graystep.Core.Spec;
using Graystep.Gates.Sync;
using Graystep.Gates.Tests.Support;
using Graystep.Git;
using Graystep.TestKit;
using Graystep.TestKit.Http;

namespace Graystep.Gates.Tests;

/// <summary>
/// The sync gates reach a TLS Kubernetes API through a kubeconfig, end to end through the real client: token,
/// client certificate, exec plugin, contexts, merged KUBECONFIG lists, and what is refused.
/// </summary>
public sealed class KubeconfigTests : IAsyncLifetime, IDisposable
{
    private const string AppPath = "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/reviews";

    private readonly TempDirectory _folder = new("kubeconfig");
    private readonly FakeTimeProvider _time = new(Commits.At(12, 5, 0));
    private readonly List<string> _masked = [];
    private TlsKubeApi _api = null!;

    public async Task InitializeAsync()
    {
        _api = await TlsKubeApi.StartAsync();
        _api.Serve(AppPath, Fixtures.Read("argocd/application-synced.json"));
        _api.Tokens["ci-token"] = true;
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    public void Dispose() => _folder.Dispose();

    private SyncGateRegistry Gates(KubeSettings kube, FakeFileSystem? files = null) =>
        SyncGates.Create(() => throw new InvalidOperationException("a kubeconfig cluster gets its own HTTP stack"), _time, kube, files ?? new FakeFileSystem(), new ProcessRunner(), _masked.Add);

    private static Task<SyncObservation> Observe(SyncGateRegistry gates, string? context = null) =>
        gates.ObserveAsync(ReviewsSpecs.Reviews(new SyncSpec { Kind = "argocd", Context = context }), Commits.Sha, Commits.CommittedAt, CancellationToken.None);

    private string Write(string name, string text)
    {
        var path = _folder.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Cluster(string name, TlsKubeApi api, string extra = "") =>
        $"""
        - name: {name}
          cluster:
            server: {api.Base}
            certificate-authority-data: {api.CaData}
        {extra}
        """;

    private static string Kubeconfig(string clusters, string users, string contexts, string current = "ci") =>
        $"""
        apiVersion: v1
        kind: Config
        current-context: {current}
        clusters:
        {clusters}
        users:
        {users}
        contexts:
        {contexts}
        """;

    private static string Context(string name, string cluster, string user) => $"- name: {name}\n  context: {{cluster: {cluster}, user: {user}}}\n";

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Sends_the_kubeconfig_token_over_tls_trusting_its_inline_ca()
    {
        var path = Write("config", Kubeconfig(Cluster("prod", _api), "- name: ci\n  user:\n    token: ci-token\n", Context("ci", "prod", "ci")));

        var observation = await Observe(Gates(new KubeSettings { Kubeconfig = path }));

        Assert.Equal(new SyncObservation.Synced(Commits.At(12, 0, 41)), observation);
        Assert.Equal("Bearer ci-token", Assert.Single(_api.Requests).Authorization);
        Assert.Contains("ci-token", _masked);
    }

    [Fact]
    public async Task Finds_the_home_kubeconfig_when_none_is_named()
    {
        Directory.CreateDirectory(_folder.Combine(".kube"));
        Write(".kube/config", Kubeconfig(Cluster("prod", _api), "- name: ci\n  user:\n    token: ci-token\n", Context("ci", "prod", "ci")));

        Assert.IsType<SyncObservation.Synced>(await Observe(Gates(new KubeSettings { Home = _folder.Path })));
    }

    [Fact]
    public async Task Presents_the_client_certificate_whose_cn_the_api_server_checks()
    {
        await using var api = await TlsKubeApi.StartAsync(requireClientCertificate: true);
        api.Serve(AppPath, Fixtures.Read("argocd/application-synced.json"));
        api.ClientNames["graystep-ci"] = true;
        var (certificate, key) = api.IssueClient("graystep-ci");
        var inline = Write("inline", Kubeconfig(Cluster("prod", api), $"- name: ci\n  user:\n    client-certificate-data: {B64(certificate)}\n    client-key-data: {B64(key)}\n", Context("ci", "prod", "ci")));
        Write("ci.crt", certificate);
        Write("ci.key", key);
        Write("ca.crt", api.CaPem);
        var files = Write("files", Kubeconfig($"- name: prod\n  cluster:\n    server: {api.Base}\n    certificate-authority: ca.crt\n", "- name: ci\n  user:\n    client-certificate: ci.crt\n    client-key: ci.key\n", Context("ci", "prod", "ci")));

        Assert.IsType<SyncObservation.Synced>(await Observe(Gates(new KubeSettings { Kubeconfig = inline })));
        Assert.IsType<SyncObservation.Synced>(await Observe(Gates(new KubeSettings { Kubeconfig = files })));

        Assert.All(api.Requests, r => Assert.Equal(("graystep-ci", (string?)null), (r.ClientName, r.Authorization)));
        Assert.Equal(2, api.Requests.Count);
        Assert.Contains(B64(key), _masked);
    }

    [Fact]
    public async Task A_client_certificate_with_another_cn_is_rejected_with_the_context_in_the_hint()
    {
        await using var api = await TlsKubeApi.StartAsync(requireClientCertificate: true);
        api.Serve(AppPath, Fixtures.Read("argocd/application-synced.json"));
        api.ClientNames["graystep-ci"] = true;
        var (certificate, key) = api.IssueClient("someone-else");
        var path = Write("config", Kubeconfig(Cluster("prod", api), $"- name: ci\n  user:\n    client-certificate-data: {B64(certificate)}\n    client-key-data: {B64(key)}\n", Context("ci", "prod", "ci")));

        var error = await Assert.ThrowsAsync<GraystepException>(() => Observe(Gates(new KubeSettings { Kubeconfig = path })));

        Assert.Equal($"the Kubernetes API at {api.Base} rejected the credentials (401 Unauthorized) when reading Argo CD Application argocd/reviews", error.Message);
        Assert.Equal("the credentials of the kubeconfig context 'ci' (user 'ci') have expired or are not valid for this cluster: log in again, or choose another context with --context or sync.context", error.Hint);
        Assert.Equal("someone-else", Assert.Single(api.Requests).ClientName);
    }

    [Fact]
    public async Task Runs_the_exec_plugin_once_per_process_without_a_terminal_and_again_only_after_expiry()
    {
        var calls = _folder.Combine("calls");
        var expires = _time.GetUtcNow().AddMinutes(15).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var plugin = Plugin("get-token", $$$"""
            echo "$KUBERNETES_EXEC_INFO" >> '{{{calls}}}'
            echo "stdin: $(cat)" >> '{{{calls}}}'
            echo "$1 $AWS_PROFILE" >> '{{{calls}}}'
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"ci-token","expirationTimestamp":"{{{expires}}}"}}'
            """);
        var path = Write("config", Kubeconfig(Cluster("prod", _api), $$"""
            - name: ci
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: ./{{Path.GetFileName(plugin)}}
                  args: [eks-token]
                  env: [{name: AWS_PROFILE, value: ci}]
                  interactiveMode: IfAvailable
                  provideClusterInfo: true
            """, Context("ci", "prod", "ci")));
        var gates = Gates(new KubeSettings { Kubeconfig = path });

        for (var i = 0; i < 3; i++)
        {
            Assert.IsType<SyncObservation.Synced>(await Observe(gates));
        }

        var lines = await File.ReadAllLinesAsync(calls);
        Assert.Equal(3, lines.Length);
        var info = System.Text.Json.JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal("ExecCredential", info.GetProperty("kind").GetString());
        Assert.Equal("client.authentication.k8s.io/v1", info.GetProperty("apiVersion").GetString());
        Assert.False(info.GetProperty("spec").GetProperty("interactive").GetBoolean());
        Assert.Equal(_api.Base, info.GetProperty("spec").GetProperty("cluster").GetProperty("server").GetString());
        Assert.Equal(["stdin: ", "eks-token ci"], lines[1..]);
        Assert.All(_api.Requests, r => Assert.Equal("Bearer ci-token", r.Authorization));
        Assert.Contains("ci-token", _masked);

        _time.Advance(TimeSpan.FromMinutes(15));
        Assert.IsType<SyncObservation.Synced>(await Observe(gates));
        Assert.Equal(6, (await File.ReadAllLinesAsync(calls)).Length);
    }

    [Fact]
    public async Task A_refused_exec_credential_is_fetched_again_once_and_the_request_repeated()
    {
        // No expirationTimestamp: the first token is kept until the server refuses it (revoked, as kubectl then sees).
        var calls = _folder.Combine("calls");
        var plugin = CountingPlugin("rotating", calls, $"if [ \"$(wc -l < '{calls}')\" -eq 1 ]; then token=revoked-token; else token=ci-token; fi");
        var path = ExecKubeconfig("config", plugin);
        var gates = Gates(new KubeSettings { Kubeconfig = path });

        Assert.IsType<SyncObservation.Synced>(await Observe(gates));
        Assert.IsType<SyncObservation.Synced>(await Observe(gates));

        Assert.Equal(["Bearer revoked-token", "Bearer ci-token", "Bearer ci-token"], _api.Requests.Select(r => r.Authorization));
        Assert.Equal(2, (await File.ReadAllLinesAsync(calls)).Length);
    }

    [Fact]
    public async Task A_fresh_exec_credential_refused_too_is_one_401_error_after_a_single_retry()
    {
        var calls = _folder.Combine("calls");
        var plugin = CountingPlugin("wrong-account", calls, "token=other-account-token");
        var path = ExecKubeconfig("config", plugin);

        var error = await Assert.ThrowsAsync<GraystepException>(() => Observe(Gates(new KubeSettings { Kubeconfig = path })));

        Assert.StartsWith($"the Kubernetes API at {_api.Base.TrimEnd('/')} rejected the credentials (401 Unauthorized)", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _api.Requests.Count);
        Assert.Equal(2, (await File.ReadAllLinesAsync(calls)).Length);
    }

    [Fact]
    public async Task Refuses_an_exec_plugin_that_needs_a_terminal()
    {
        var plugin = Plugin("login", "echo should-not-run >&2; exit 3");
        var path = ExecKubeconfig("config", plugin, "      interactiveMode: Always\n");

        var error = await Assert.ThrowsAsync<GraystepException>(() => Observe(Gates(new KubeSettings { Kubeconfig = path })));

        Assert.Equal($"the exec plugin '{plugin}' of the kubeconfig context 'ci' (user 'ci') needs a terminal (interactiveMode: Always), and Graystep runs without one", error.Message);
        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task A_failing_exec_plugin_is_one_clear_error_that_never_quotes_its_output()
    {
        var failing = Plugin("failing", "echo '{\"status\":{\"token\":\"half-printed-secret\"}}'; echo 'error: SSO session expired, run aws sso login' >&2; exit 1");
        var silent = Plugin("silent", "echo 'not json: secret-ish-output'");
        var slow = Plugin("slow", "sleep 20");
        string Config(string name, string command) => ExecKubeconfig(name, command);

        var failed = await Assert.ThrowsAsync<GraystepException>(() => Observe(Gates(new KubeSettings { Kubeconfig = Config("a", failing) })));
        var empty = await Assert.ThrowsAsync<GraystepException>(() => Observe(Gates(new KubeSettings { Kubeconfig = Config("b", silent) })));
        var timedOut = await Assert.ThrowsAsync<GraystepException>(() => Observe(Gates(new KubeSettings { Kubeconfig = Config("c", slow), ExecTimeout = TimeSpan.FromSeconds(1) })));

        Assert.Equal($"the exec plugin '{failing}' of the kubeconfig context 'ci' (user 'ci') failed (exit code 1): error: SSO session expired, run aws sso login", failed.Message);
        Assert.Equal($"the exec plugin '{silent}' of the kubeconfig context 'ci' (user 'ci') printed no ExecCredential", empty.Message);
        Assert.Equal($"the exec plugin '{slow}' of the kubeconfig context 'ci' (user 'ci') did not finish within 1s", timedOut.Message);
        Assert.All(new[] { failed, empty, timedOut }, e => Assert.DoesNotContain("secret", e.Message + e.Hint, StringComparison.Ordinal));
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task Each_context_selects_its_own_server_and_user_and_the_option_wins_over_the_spec()
    {
        await using var other = await TlsKubeApi.StartAsync(requireClientCertificate: true);
        other.Serve(AppPath, Fixtures.Read("argocd/application-synced.json"));
        other.ClientNames["staging-ci"] = true;
        var (certificate, key) = other.IssueClient("staging-ci");
        var path = Write("config", Kubeconfig(
            Cluster("prod", _api) + Cluster("staging", other),
            $"- name: prod-ci\n  user:\n    token: ci-token\n- name: staging-ci\n  user:\n    client-certificate-data: {B64(certificate)}\n    client-key-data: {B64(key)}\n",
            Context("prod", "prod", "prod-ci") + Context("staging", "staging", "staging-ci"),
            current: "prod"));

        await Observe(Gates(new KubeSettings { Kubeconfig = path }));
        await Observe(Gates(new KubeSettings { Kubeconfig = path }), context: "staging");
        await Observe(Gates(new KubeSettings { Kubeconfig = path, Context = "prod" }), context: "staging");

        Assert.Equal([("Bearer ci-token", (string?)null), ("Bearer ci-token", null)], _api.Requests.Select(r => (r.Authorization, r.ClientName)));
        Assert.Equal(((string?)null, "staging-ci"), (Assert.Single(other.Requests).Authorization, other.Requests[0].ClientName));
    }

    [Fact]
    public async Task Merges_a_KUBECONFIG_list_as_kubectl_does()
    {
        Directory.CreateDirectory(_folder.Combine("team"));
        Write("team/ca.crt", _api.CaPem);
        var first = Write("first", "apiVersion: v1\nkind: Config\ncurrent-context: ci\nusers:\n- name: ci\n  user:\n    token: ci-token\n");
        var second = Write("team/second", $"apiVersion: v1\nkind: Config\ncurrent-context: ignored\nclusters:\n- name: prod\n  cluster:\n    server: {_api.Base}\n    certificate-authority: ca.crt\nusers:\n- name: ci\n  user:\n    token: shadowed\ncontexts:\n{Context("ci", "prod", "ci")}");

        var observation = await Observe(Gates(new KubeSettings { Kubeconfig = string.Join(Path.PathSeparator, first, _folder.Combine("missing"), second) }));

        Assert.IsType<SyncObservation.Synced>(observation);
        Assert.Equal("Bearer ci-token", Assert.Single(_api.Requests).Authorization);
    }

    [Fact]
    public async Task An_explicit_server_never_gets_the_kubeconfig_credentials()
    {
        var path = Write("config", Kubeconfig(Cluster("prod", _api), "- name: ci\n  user:\n    token: kubeconfig-token\n", Context("ci", "prod", "ci")));
        await using var plain = await FakeKubeApi.StartAsync();
        plain.Serve(AppPath, "argocd/application-synced.json");
        using var handler = new SocketsHttpHandler();
        var gates = SyncGates.Create(() => handler, _time, new KubeSettings { Kubeconfig = path, Server = plain.Base }, new FakeFileSystem(), new ProcessRunner(), _masked.Add);

        Assert.IsType<SyncObservation.Synced>(await Observe(gates));

        Assert.Null(Assert.Single(plain.Requests).Header("authorization"));
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task The_token_override_replaces_the_kubeconfig_user()
    {
        _api.Tokens["override"] = true;
        var path = Write("config", Kubeconfig(Cluster("prod", _api), "- name: ci\n  user:\n    token: ci-token\n", Context("ci", "prod", "ci")));

        await Observe(Gates(new KubeSettings { Kubeconfig = path, Token = "override" }));

        Assert.Equal("Bearer override", Assert.Single(_api.Requests).Authorization);
    }

    [Fact]
    public async Task Honours_insecure_skip_tls_verify_and_proxy_url()
    {
        var skip = Write("skip", Kubeconfig($"- name: prod\n  cluster:\n    server: {_api.Base}\n    insecure-skip-tls-verify: true\n", "- name: ci\n  user:\n    token: ci-token\n", Context("ci", "prod", "ci")));
        var deadProxy = $"http://127.0.0.1:{FreePort.Next()}";
        var proxied = Write("proxied", Kubeconfig(Cluster("prod", _api, $"    proxy-url: {deadProxy}"), "- name: ci\n  user:\n    token: ci-token\n", Context("ci", "prod", "ci")));

        Assert.IsType<SyncObservation.Synced>(await Observe(Gates(new KubeSettings { Kubeconfig = skip })));
        var pending = Assert.IsType<SyncObservation.Pending>(await Observe(Gates(new KubeSettings { Kubeconfig = proxied })));

        Assert.StartsWith($"cannot reach the Kubernetes API at {_api.Base}", pending.Reason, StringComparison.Ordinal);
        Assert.Single(_api.Requests);
    }

    [Theory]
    [InlineData("missing-context", "the kubeconfig {0} has no context 'nope'", "set --context or sync.context to one it has: ci")]
    [InlineData("auth-provider", "the kubeconfig context 'ci' (user 'ci') logs in with the auth-provider 'oidc', which Graystep does not support", "use the provider's exec plugin instead (kubelogin, gke-gcloud-auth-plugin, aws eks get-token), as current kubectl does")]
    [InlineData("bad-proxy", "the proxy-url of the cluster of the kubeconfig context 'ci' (user 'ci') is not an http, https or socks5 URL", "use e.g. proxy-url: http://proxy.example.com:3128 or socks5://127.0.0.1:1080")]
    public async Task Refuses_what_it_cannot_honour_with_one_clear_error(string @case, string message, string hint)
    {
        var user = @case == "auth-provider" ? "- name: ci\n  user:\n    auth-provider:\n      name: oidc\n      config: {id-token: secret-id-token}\n" : "- name: ci\n  user:\n    token: ci-token\n";
        var path = Write("config", Kubeconfig(Cluster("prod", _api, @case == "bad-proxy" ? "    proxy-url: ftp://proxy:21" : ""), user, Context("ci", "prod", "ci")));

        var error = await Assert.ThrowsAsync<GraystepException>(() => Observe(Gates(new KubeSettings { Kubeconfig = path, Context = @case == "missing-context" ? "nope" : null })));

        Assert.Equal((string.Format(System.Globalization.CultureInfo.InvariantCulture, message, path), hint), (error.Message, error.Hint));
        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task A_token_file_wins_over_the_token_and_is_read_again_for_every_request()
    {
        _api.Tokens["rotated"] = true;
        var path = Write("config", Kubeconfig(Cluster("prod", _api), "- name: ci\n  user:\n    token: stale-token\n    tokenFile: secrets/token\n", Context("ci", "prod", "ci")));
        var tokenFile = _folder.Combine("secrets/token");
        var files = new FakeFileSystem().Add(tokenFile, "ci-token\n");
        var gates = Gates(new KubeSettings { Kubeconfig = path }, files);

        await Observe(gates);
        files.Add(tokenFile, "rotated");
        await Observe(gates);

        Assert.Equal(["Bearer ci-token", "Bearer rotated"], _api.Requests.Select(r => r.Authorization));
        Assert.Contains("ci-token", _masked);
        Assert.Contains("rotated", _masked);
    }

    [Fact]
    public async Task A_token_file_that_does_not_exist_is_one_clear_error_before_any_request()
    {
        var path = Write("config", Kubeconfig(Cluster("prod", _api), "- name: ci\n  user:\n    tokenFile: /run/ci/token\n", Context("ci", "prod", "ci")));

        var error = await Assert.ThrowsAsync<GraystepException>(() => Observe(Gates(new KubeSettings { Kubeconfig = path })));

        Assert.Equal("the tokenFile /run/ci/token of the kubeconfig context 'ci' (user 'ci') does not exist", error.Message);
        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
        Assert.Empty(_api.Requests);
    }

    [Theory]
    [InlineData("as: cluster-admin")]
    [InlineData("as-groups: [system:masters]")]
    [InlineData("as-uid: \"1000\"")]
    public async Task Impersonation_is_refused_rather_than_sending_the_requests_as_the_base_user(string field)
    {
        var path = Write("config", Kubeconfig(Cluster("prod", _api), $"- name: ci\n  user:\n    token: ci-token\n    {field}\n", Context("ci", "prod", "ci")));

        var error = await Assert.ThrowsAsync<GraystepException>(() => Observe(Gates(new KubeSettings { Kubeconfig = path })));

        Assert.Equal($"the kubeconfig context 'ci' (user 'ci') impersonates another identity ({field.Split(':')[0]}), which Graystep does not support", error.Message);
        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task A_named_kubeconfig_that_does_not_exist_and_a_context_without_any_kubeconfig_are_errors()
    {
        var missing = _folder.Combine("nope");

        var noFile = await Assert.ThrowsAsync<GraystepException>(() => Observe(Gates(new KubeSettings { Kubeconfig = missing, KubeconfigSource = "--kubeconfig" })));
        var noConfig = await Assert.ThrowsAsync<GraystepException>(() => Observe(Gates(new KubeSettings { Home = _folder.Path }), context: "prod"));

        Assert.Equal($"the kubeconfig {missing} (--kubeconfig) does not exist", noFile.Message);
        Assert.Equal("the kubeconfig context 'prod' is asked for (sync.context), but there is no kubeconfig", noConfig.Message);
    }

    [Fact]
    public async Task In_the_cluster_over_tls_sends_the_rotated_token_on_the_next_call()
    {
        const string TokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token";
        _api.Tokens["rotated"] = true;
        var port = new Uri(_api.Base).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var settings = new KubeSettings { ServiceHost = "127.0.0.1", ServicePort = port };
        var files = new FakeFileSystem().Add(TokenFile, "ci-token").Add(KubeApiHandler.ServiceAccountCaFile, _api.CaPem);
        using var handler = KubeApiHandler.Create(settings, files);
        var gates = SyncGates.Create(() => handler, _time, settings, files, new ProcessRunner(), _masked.Add);

        await Observe(gates);
        files.Add(TokenFile, "rotated");
        await Observe(gates);

        Assert.Equal(["Bearer ci-token", "Bearer rotated"], _api.Requests.Select(r => r.Authorization));
    }

    /// <summary>A kubeconfig whose only user runs <paramref name="command"/> as its exec plugin (v1, no expiry given).</summary>
    private string ExecKubeconfig(string name, string command, string extra = "") =>
        Write(name, Kubeconfig(Cluster("prod", _api), $"- name: ci\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {command}\n{extra}", Context("ci", "prod", "ci")));

    /// <summary>A plugin that adds a line to <paramref name="calls"/> each run and prints the token <paramref name="chooseToken"/> sets in <c>$token</c>.</summary>
    private string CountingPlugin(string name, string calls, string chooseToken) => Plugin(name, $$$"""
        echo call >> '{{{calls}}}'
        {{{chooseToken}}}
        echo "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"$token\"}}"
        """);

    /// <summary>An executable bash script in the test's folder.</summary>
    private string Plugin(string name, string body)
    {
        var path = Write(name, "#!/usr/bin/env bash\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
