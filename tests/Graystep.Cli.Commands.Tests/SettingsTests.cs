using Graystep.CiAgents;
using Graystep.Cli.Commands.Tests.Support;
using Graystep.Cli.Composition;
using Graystep.Core.Errors;
using Graystep.Core.History;
using Graystep.Core.Providers;
using Graystep.Gates.Sync;
using Graystep.Hosts.GitHub;
using Graystep.Metrics.Prometheus;

namespace Graystep.Cli.Commands.Tests;

/// <summary>
/// <see cref="GraystepSettings"/>: the one place every <c>GRAYSTEP_*</c> variable is read, with options first,
/// variables next, defaults last; the CI system's say on the job; and the secrets the registered providers declare.
/// </summary>
public sealed class SettingsTests
{
    private static readonly IReadOnlyList<SecretSetting> Secrets = [GitHubHost.Token, PrometheusProvider.Token, KubeApiClient.Token];

    private static GraystepSettings Read(GlobalValues? options = null, params (string Name, string Value)[] variables) =>
        GraystepSettings.Read(
            new FakeEnvironment(variables.ToDictionary(v => v.Name, v => v.Value)),
            options ?? new GlobalValues(),
            Secrets,
            CiAgentRegistry.CreateDefault());

    [Fact]
    public void An_option_wins_over_its_variable_which_wins_over_the_default()
    {
        var fromVariables = Read(null, ("GRAYSTEP_REPO", "https://git.example/gitops.git"), ("GRAYSTEP_BRANCH", "prod"), ("GRAYSTEP_GIT_HOST", "GitHub"),
            ("GRAYSTEP_PROMETHEUS", "http://prom:9090"), ("GRAYSTEP_OUTPUT", "json"), ("GRAYSTEP_VERBOSE", "yes"));
        Assert.Equal(("https://git.example/gitops.git", "prod", "github", "http://prom:9090", OutputFormat.Json, true),
            (fromVariables.Repo, fromVariables.Branch, fromVariables.GitHost, fromVariables.Prometheus, fromVariables.Output, fromVariables.Verbose));

        var fromOptions = Read(new GlobalValues { Repo = "/srv/gitops", Branch = "main", GitHost = "local", Output = "text" }, ("GRAYSTEP_REPO", "x"), ("GRAYSTEP_BRANCH", "y"), ("GRAYSTEP_OUTPUT", "json"));
        Assert.Equal(("/srv/gitops", "main", "local", OutputFormat.Text), (fromOptions.Repo, fromOptions.Branch, fromOptions.GitHost, fromOptions.Output));

        var defaults = Read();
        Assert.Equal((null, null, "auto", null, OutputFormat.Text, false), (defaults.Repo, defaults.Branch, defaults.GitHost, defaults.Prometheus, defaults.Output, defaults.Verbose));
    }

    [Fact]
    public void The_kubeconfig_and_context_come_from_the_options_then_graystep_variables_then_kubectl_s()
    {
        var kubectl = Read(null, ("KUBECONFIG", "/a:/b"), ("HOME", "/home/ci"));
        var graystep = Read(null, ("KUBECONFIG", "/a"), ("GRAYSTEP_KUBECONFIG", "/ci/config"), ("GRAYSTEP_KUBE_CONTEXT", "prod"));
        var options = Read(new GlobalValues { Kubeconfig = "/opt/config", Context = "staging" }, ("GRAYSTEP_KUBECONFIG", "/ci/config"), ("GRAYSTEP_KUBE_CONTEXT", "prod"));

        Assert.Equal(("/a:/b", "KUBECONFIG", "/home/ci", (string?)null), (kubectl.Kube.Kubeconfig, kubectl.Kube.KubeconfigSource, kubectl.Kube.Home, kubectl.Kube.Context));
        Assert.Equal(("/ci/config", "GRAYSTEP_KUBECONFIG", "prod"), (graystep.Kube.Kubeconfig, graystep.Kube.KubeconfigSource, graystep.Kube.Context));
        Assert.Equal(("/opt/config", "--kubeconfig", "staging"), (options.Kube.Kubeconfig, options.Kube.KubeconfigSource, options.Kube.Context));
    }

    [Fact]
    public void An_unknown_output_format_is_a_usage_error()
    {
        var error = Assert.Throws<GraystepException>(() => Read(new GlobalValues { Output = "yaml" }));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Equal("-o yaml: unknown output format", error.Message);
    }

    [Fact]
    public void The_commit_identity_is_graystep_variables_then_the_ci_job_then_the_default()
    {
        Assert.Equal(GitIdentity.Default, Read().Git.Identity);
        Assert.Equal(new GitIdentity("Graystep", "graystep@users.noreply.local"), GitIdentity.Default);

        (string, string)[] github = [("GITHUB_ACTIONS", "true"), ("GITHUB_ACTOR", "octocat")];
        Assert.Equal(new GitIdentity("octocat", "octocat@users.noreply.github.com"), Read(null, github).Git.Identity);
        Assert.Equal(new GitIdentity("octocat", "583231+octocat@users.noreply.github.com"), Read(null, [.. github, ("GITHUB_ACTOR_ID", "583231")]).Git.Identity);
        Assert.Equal(new GitIdentity("Release Bot", "583231+octocat@users.noreply.github.com"),
            Read(null, [.. github, ("GITHUB_ACTOR_ID", "583231"), ("GRAYSTEP_GIT_AUTHOR_NAME", "Release Bot")]).Git.Identity);
        Assert.Equal(new GitIdentity("Release Bot", "bot@example.test"),
            Read(null, [.. github, ("GRAYSTEP_GIT_AUTHOR_NAME", "Release Bot"), ("GRAYSTEP_GIT_AUTHOR_EMAIL", "bot@example.test")]).Git.Identity);

        Assert.Equal(new GitIdentity("Jane", "jane@example.test"),
            Read(null, ("TF_BUILD", "True"), ("BUILD_REQUESTEDFOR", "Jane"), ("BUILD_REQUESTEDFOREMAIL", "jane@example.test")).Git.Identity);

        // The actor is only trusted when the job runs in GitHub Actions.
        Assert.Equal(GitIdentity.Default, Read(null, ("GITHUB_ACTOR", "octocat")).Git.Identity);
    }

    [Theory]
    [InlineData("CI", "true", true)]
    [InlineData("CI", "1", true)]
    [InlineData("GITHUB_ACTIONS", "true", true)]
    [InlineData("TF_BUILD", "True", true)]
    [InlineData("JENKINS_URL", "http://jenkins.local/", true)]
    [InlineData("CI", "false", false)]
    [InlineData("GRAYSTEP_CI", "github", false)]
    [InlineData("HOME", "/root", false)]
    public void Only_what_the_environment_says_of_the_job_lets_a_checkout_be_reused_in_place(string name, string value, bool inCi)
    {
        var settings = Read(null, (name, value));
        Assert.Equal(inCi, settings.Git.InCi);
    }

    [Fact]
    public void GRAYSTEP_CI_forces_the_agent_that_writes_the_output_and_is_checked_only_when_one_is_needed()
    {
        var settings = Read(null, ("GRAYSTEP_CI", " jenkins "));
        Assert.Equal("jenkins", settings.Ci);
        Assert.Equal("jenkins", CiAgentRegistry.CreateDefault().Resolve(settings.Ci, new FakeEnvironment()).Id);

        var unknown = Read(null, ("GRAYSTEP_CI", "circleci"));
        var error = Assert.Throws<GraystepException>(() => CiAgentRegistry.CreateDefault().Resolve(unknown.Ci, new FakeEnvironment()));
        Assert.Equal("unknown CI system 'circleci' in GRAYSTEP_CI", error.Message);
    }

    [Fact]
    public void Managed_workspaces_live_in_graystep_workspace_else_the_cache_folder_else_home()
    {
        Assert.Equal("/work/ws", Read(null, ("GRAYSTEP_WORKSPACE", "/work/ws"), ("XDG_CACHE_HOME", "/xdg"), ("HOME", "/home/u")).Git.WorkspaceRoot);
        Assert.Equal("/xdg/graystep/workspaces", Read(null, ("XDG_CACHE_HOME", "/xdg"), ("HOME", "/home/u")).Git.WorkspaceRoot);
        Assert.Equal("/home/u/.cache/graystep/workspaces", Read(null, ("HOME", "/home/u")).Git.WorkspaceRoot);
    }

    [Fact]
    public void A_secret_is_its_option_else_its_first_variable_and_every_value_in_reach_is_masked()
    {
        var settings = Read(
            new GlobalValues { Secrets = new Dictionary<string, string?> { ["--github-token"] = "ghp_from_option" } },
            ("GRAYSTEP_GITHUB_TOKEN", "ghp_graystep"), ("GITHUB_TOKEN", "ghs_actions"), ("GH_TOKEN", "gho_cli"),
            ("GRAYSTEP_PROMETHEUS_TOKEN", "prom-bearer"), ("GRAYSTEP_KUBE_TOKEN", "kube-bearer"));

        Assert.Equal("ghp_from_option", settings.Get(GitHubHost.Token));
        Assert.Equal("prom-bearer", settings.Get(PrometheusProvider.Token));
        Assert.Equal("kube-bearer", settings.Kube.Token);
        Assert.Equal(["ghp_from_option", "ghp_graystep", "ghs_actions", "gho_cli", "prom-bearer", "kube-bearer"], settings.SecretValues);
        Assert.DoesNotContain("ghp_", settings.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("kube-bearer", settings.Kube.ToString(), StringComparison.Ordinal);

        Assert.Equal("ghs_actions", Read(null, ("GITHUB_TOKEN", "ghs_actions"), ("GH_TOKEN", "gho_cli")).Get(GitHubHost.Token));
        Assert.Null(Read().Get(GitHubHost.Token));
    }

    [Fact]
    public void Run_defaults_come_from_the_environment_and_a_bad_timeout_fails_only_the_run_that_asks_for_it()
    {
        var settings = Read(null, ("GRAYSTEP_VERSION", "v2"), ("GRAYSTEP_IMAGE", "reviews=r:2, ratings=t:2"), ("GRAYSTEP_ONCE", "1"), ("GRAYSTEP_TIMEOUT", "15m"));
        Assert.Equal(("v2", true, TimeSpan.FromMinutes(15)), (settings.Run.Version, settings.Run.Once, settings.Run.Timeout));
        Assert.Equal(["reviews=r:2", "ratings=t:2"], settings.Run.Images);

        var bad = Read(null, ("GRAYSTEP_TIMEOUT", "soon"), ("GRAYSTEP_PULL_REQUEST_POLL_INTERVAL", "90s"));
        Assert.Equal(TimeSpan.FromSeconds(90), bad.PullRequestPollInterval);
        var error = Assert.Throws<GraystepException>(() => bad.Run.Timeout);
        Assert.Equal("--timeout soon: not a duration", error.Message);
    }

    [Fact]
    public void The_kubernetes_settings_come_from_graystep_variables_and_the_in_cluster_service()
    {
        var kube = Read(null, ("GRAYSTEP_KUBE_API", "https://k8s:6443"), ("GRAYSTEP_KUBE_CA_FILE", "/ca.pem"), ("KUBERNETES_SERVICE_HOST", "10.0.0.1"), ("KUBERNETES_SERVICE_PORT", "443")).Kube;
        Assert.Equal(("https://k8s:6443", "/ca.pem", "10.0.0.1", "443"), (kube.Server, kube.CaFile, kube.ServiceHost, kube.ServicePort));
    }

    [Fact]
    public void The_registries_declare_the_secret_options_and_the_git_host_ids_the_command_line_offers()
    {
        var context = new CliContext(TextWriter.Null, TextWriter.Null, new FakeEnvironment(), new Rendering.IO.PhysicalFileSystem(), TimeProvider.System, "/",
            () => throw new InvalidOperationException("declaring providers must not touch the network"));
        using var providers = GraystepProviders.Create(context, GraystepSettings.Unread);

        Assert.Equal(["--github-token", "--azure-token", "--prometheus-token"], providers.Secrets.Select(s => s.Option).OfType<string>());
        Assert.Contains(KubeApiClient.Token, providers.Secrets);
        Assert.Contains(providers.Secrets, s => s.Option is null && s.Variables.SequenceEqual(["SYSTEM_ACCESSTOKEN"]));
        Assert.Equal(["auto", "local", "github", "azure", "gitlab"], providers.GitHosts.KnownIds);
        Assert.Equal(["istio", "nginx", "gateway-api", "kubernetes"], providers.Catalogue.TrafficProviders.Select(p => p.Id));
        Assert.Equal(["prometheus"], providers.Catalogue.MetricProviders.Select(m => m.Type));
        Assert.Equal(["none", "delay", "argocd", "flux", "kubernetes"], providers.Catalogue.SyncKinds);
    }

    [Fact]
    public void The_azure_collection_url_comes_from_the_option_else_its_variable_and_must_be_a_url()
    {
        var fromVariable = Read(null, ("GRAYSTEP_AZURE_URL", "https://tfs.example.com/tfs/DefaultCollection"));
        var none = Read(null);

        Assert.Equal(new Uri("https://tfs.example.com/tfs/DefaultCollection"), fromVariable.AzureUrl);
        Assert.Null(none.AzureUrl);
        var error = Assert.Throws<GraystepException>(() => Read(null, ("GRAYSTEP_AZURE_URL", "tfs.example.com")));
        Assert.Equal("--azure-url tfs.example.com: not an http(s) URL", error.Message);
    }
}
