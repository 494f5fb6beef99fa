using Graystep.CiAgents.Azure;
using Graystep.CiAgents.GitHub;
using Graystep.CiAgents.Jenkins;
using Graystep.CiAgents.Local;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;

namespace Graystep.CiAgents.Tests;

public sealed class RegistryTests
{
    private readonly CiAgentRegistry _registry = CiAgentRegistry.CreateDefault();

    [Fact]
    public void The_default_order_is_github_azure_jenkins_then_local()
    {
        Assert.Equal(["github", "azure", "jenkins", "local"], _registry.Agents.Select(a => a.Id));
    }

    [Theory]
    [InlineData("GITHUB_ACTIONS", "true", "github")]
    [InlineData("TF_BUILD", "True", "azure")]
    [InlineData("JENKINS_URL", "https://ci.example.com/", "jenkins")]
    public void Each_CI_system_is_detected_from_its_one_variable(string name, string value, string expected)
    {
        Assert.Equal(expected, _registry.Resolve(null, FakeEnvironment.Of((name, value))).Id);
    }

    [Fact]
    public void Nothing_known_falls_back_to_local()
    {
        Assert.IsType<LocalAgent>(_registry.Resolve(null, FakeEnvironment.Of(("CI", "true"), ("HOME", "/root"))));
    }

    [Theory]
    [InlineData("false")]
    [InlineData("")]
    public void GITHUB_ACTIONS_other_than_true_is_not_github(string value)
    {
        Assert.Equal("local", _registry.Resolve(null, FakeEnvironment.Of(("GITHUB_ACTIONS", value))).Id);
    }

    [Fact]
    public void An_empty_JENKINS_URL_is_not_jenkins()
    {
        Assert.Equal("local", _registry.Resolve(null, FakeEnvironment.Of(("JENKINS_URL", ""))).Id);
    }

    [Fact]
    public void When_several_match_the_explicit_order_decides()
    {
        // A Jenkins agent running an Azure-set-up container, or nested runners: the first in order wins.
        var all = FakeEnvironment.Of(("JENKINS_URL", "http://j/"), ("TF_BUILD", "True"), ("GITHUB_ACTIONS", "true"));
        Assert.IsType<GitHubActionsAgent>(_registry.Resolve(null, all));

        var azureAndJenkins = FakeEnvironment.Of(("JENKINS_URL", "http://j/"), ("TF_BUILD", "True"));
        Assert.IsType<AzurePipelinesAgent>(_registry.Resolve(null, azureAndJenkins));
    }

    [Theory]
    [InlineData("github", typeof(GitHubActionsAgent))]
    [InlineData("azure", typeof(AzurePipelinesAgent))]
    [InlineData("jenkins", typeof(JenkinsAgent))]
    [InlineData("local", typeof(LocalAgent))]
    [InlineData(" Jenkins ", typeof(JenkinsAgent))]
    public void GRAYSTEP_CI_forces_an_agent_whatever_is_detected(string id, Type expected)
    {
        var env = FakeEnvironment.Of(("GITHUB_ACTIONS", "true"), ("TF_BUILD", "True"));
        Assert.IsType(expected, _registry.Resolve(id, env));
    }

    [Fact]
    public void GRAYSTEP_CI_auto_detects()
    {
        var env = FakeEnvironment.Of(("TF_BUILD", "True"));
        Assert.IsType<AzurePipelinesAgent>(_registry.Resolve("auto", env));
    }

    [Fact]
    public void An_unknown_GRAYSTEP_CI_is_a_usage_error_that_lists_the_ids()
    {
        var error = Assert.Throws<GraystepException>(() => _registry.Resolve("circleci", new FakeEnvironment()));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Equal("unknown CI system 'circleci' in GRAYSTEP_CI", error.Message);
        Assert.Equal("set GRAYSTEP_CI to one of: auto, github, azure, jenkins, local", error.Hint);
    }

    [Fact]
    public void Duplicate_ids_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new CiAgentRegistry { new LocalAgent(), new LocalAgent() });
    }

    [Fact]
    public void Detection_reads_only_the_environment()
    {
        var reads = new List<string>();
        var env = new RecordingEnvironment(reads);
        _registry.Resolve(null, env);
        Assert.Equal(["GITHUB_ACTIONS", "TF_BUILD", "JENKINS_URL"], reads);
    }

    [Fact]
    public void Contexts_name_the_run_and_the_workspace()
    {
        var github = new GitHubActionsAgent().ReadContext(FakeEnvironment.Of(
            ("GITHUB_SERVER_URL", "https://github.com"), ("GITHUB_REPOSITORY", "acme/gitops"), ("GITHUB_RUN_ID", "42"),
            ("GITHUB_WORKSPACE", "/home/runner/work/gitops/gitops")));
        Assert.Equal(new CiContext("github", "https://github.com/acme/gitops/actions/runs/42", "/home/runner/work/gitops/gitops"), github);

        var azure = new AzurePipelinesAgent().ReadContext(FakeEnvironment.Of(
            ("SYSTEM_COLLECTIONURI", "https://dev.azure.com/acme/"), ("SYSTEM_TEAMPROJECT", "Pay Platform"), ("BUILD_BUILDID", "7"),
            ("BUILD_SOURCESDIRECTORY", "/agent/_work/1/s")));
        Assert.Equal(new CiContext("azure", "https://dev.azure.com/acme/Pay%20Platform/_build/results?buildId=7", "/agent/_work/1/s"), azure);

        var jenkins = new JenkinsAgent().ReadContext(FakeEnvironment.Of(("BUILD_URL", "https://ci/job/x/3/"), ("WORKSPACE", "/var/jenkins/ws")));
        Assert.Equal(new CiContext("jenkins", "https://ci/job/x/3/", "/var/jenkins/ws"), jenkins);

        Assert.Equal(new CiContext("github", null, null), new GitHubActionsAgent().ReadContext(new FakeEnvironment()));
    }

    private sealed class RecordingEnvironment(List<string> reads) : IEnvironment
    {
        public string? GetVariable(string name)
        {
            reads.Add(name);
            return null;
        }
    }
}
