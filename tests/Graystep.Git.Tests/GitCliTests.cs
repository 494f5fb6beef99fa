using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.TestKit;

namespace Graystep.Git.Tests;

public sealed class GitCliTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Missing_git_is_a_clear_error_with_exit_code_1()
    {
        using var empty = new TempDirectory();
        var environment = new TestEnvironment { ["PATH"] = empty.Path };
        var git = new GitCli(new ProcessRunner(), environment);

        var error = await Assert.ThrowsAsync<GitException>(() => git.RunAsync(null, ["--version"], None));
        Assert.Equal("git is not installed or not on PATH; install git 2.25+", error.Message);
        Assert.Equal(ExitCodes.Failure, error.ExitCode);

        // Opening a workspace is where users meet it.
        var factory = new GitWorkspaceFactory(git, new GitSettings { WorkspaceRoot = empty.Combine("ws") });
        var open = await Assert.ThrowsAsync<GitException>(() => factory.OpenAsync(new WorkspaceOptions { Repo = "https://example.test/gitops.git", Branch = "main" }, None));
        Assert.Equal(GitCli.MissingGitMessage, open.Message);
    }

    [Fact]
    public async Task Git_runs_non_interactive_in_the_c_locale_and_ignores_a_surrounding_git_dir()
    {
        using var temp = new TempDirectory();
        var runner = new RecordingRunner(new ProcessRunner());
        var git = new GitCli(runner, new TestEnvironment());

        var result = await git.RunAsync(temp.Path, ["-c", "alias.env=!env", "env"], None);

        var variables = result.Stdout.Split('\n').Where(l => l.Contains('=', StringComparison.Ordinal)).ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        Assert.Equal("C", variables["LC_ALL"]);
        Assert.Equal("0", variables["GIT_TERMINAL_PROMPT"]);
        Assert.Equal(string.Empty, variables["GIT_ASKPASS"]);
        Assert.Equal("never", variables["GCM_INTERACTIVE"]);
        Assert.False(variables.ContainsKey("SSH_ASKPASS"));
        Assert.Equal(["-c", "core.quotepath=off"], runner.Calls[^1].Take(2));
    }

    [Fact]
    public async Task A_failure_carries_gits_message_and_a_command_without_credentials()
    {
        using var temp = new TempDirectory();
        var git = new GitCli(new ProcessRunner(), new TestEnvironment());

        var error = await Assert.ThrowsAsync<GitException>(() => git.RunAsync(temp.Path, ["ls-remote", "file:///nonexistent/x.git", "https://user:s3cret@example.test/x"], None));

        Assert.Equal("git ls-remote file:///nonexistent/x.git https://***@example.test/x", error.Command);
        Assert.Contains("does not appear to be a git repository", error.GitMessage, StringComparison.Ordinal);
        Assert.StartsWith("git ls-remote failed: fatal: '/nonexistent/x.git' does not appear to be a git repository", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
        Assert.Equal(128, error.GitExitCode);
    }

    [Fact]
    public void Messages_lose_hints_and_credentials()
    {
        var cleaned = GitCli.CleanMessage("error: failed to push some refs to 'https://x-access-token:ghs_abc@github.com/a/b'\nhint: Updates were rejected\r\nhint: more advice\n");
        Assert.Equal("error: failed to push some refs to 'https://***@github.com/a/b'", cleaned);
    }

    private sealed class RecordingRunner(IProcessRunner inner) : IProcessRunner
    {
        public List<IReadOnlyList<string>> Calls { get; } = [];

        public Task<ProcessResult> RunAsync(string fileName, IReadOnlyList<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null, string? standardInput = null, CancellationToken cancellationToken = default)
        {
            Calls.Add(arguments);
            return inner.RunAsync(fileName, arguments, workingDirectory, environment, standardInput, cancellationToken);
        }
    }
}
