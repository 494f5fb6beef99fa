using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Graystep.Cli.Tests.Support;
using Graystep.Core.History;
using Graystep.TestKit;

namespace Graystep.Cli.Tests;

/// <summary><c>history</c> and <c>status</c>, text and <c>-o json</c>, read from git alone with unrelated commits interleaved.</summary>
public sealed class HistoryAndStatusTests
{
    [Fact]
    public async Task History_rebuilds_every_rollout_of_the_app_from_git_log_with_unrelated_commits_interleaved()
    {
        using var repo = new GitOpsRepo();
        await PlayAsync(repo);

        var text = await repo.RunAsync("history", "rollout.yaml", "--repo", repo.Remote);
        var json = await repo.RunAsync("history", "rollout.yaml", "--repo", repo.Remote, "-o", "json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.True(json.ExitCode == 0, json.ToString());
        var ours = repo.RolloutCommits();
        string[] expected =
        [
            "initialize v1 100 0/0 reviews: initialize v1 at 100%",
            "retire v1 100 0/0 reviews-v1 runs beside reviews; v1's traffic moves to reviews-v1 and reviews leaves.",
            "start v2 0 0/3 reviews: start v2 at 0%",
            "step v2 10 1/3 reviews: shift 10% to v2 (step 1/3)",
            "pause v2 10 1/3 holiday freeze",
            "resume v2 10 1/3 graystep resume by hand",
            "step v2 20 2/3 reviews: shift 20% to v2 (step 2/3)",
            "step v2 50 3/3 reviews: shift 50% to v2 (step 3/3)",
            "promote v2 100 3/3 reviews: promote v2 to 100%",
            "start v3 0 0/3 reviews: start v3 at 0%",
            "rollback v3 0 0/3 p99 latency doubled",
        ];
        Assert.Equal(expected.Length, ours.Count);
        Assert.True(repo.Log().Count >= ours.Count + 5, "the unrelated commits are on the branch too");

        // Text: a title line, a header, one row per change with time, action, version, weight, step, commit and reason.
        var lines = text.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal($"bookinfo/reviews: {expected.Length} changes on main, oldest first", lines[0]);
        Assert.Matches(@"^time \(UTC\)\s+action\s+version\s+weight\s+step\s+commit\s+reason$", lines[1]);
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i].Split(' ', 5);
            var time = ours[i].CommittedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            Assert.Matches($@"^{time}\s+{e[0]}\s+{e[1]}\s+{e[2]}%\s+{Regex.Escape(e[3])}\s+{ours[i].Sha[..7]}\s+{Regex.Escape(e[4])}$", lines[i + 2]);
        }

        // JSON: the documented schema (docs/cli-json.md), each entry matching the commit in git.
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.Equal("bookinfo/reviews", doc.RootElement.GetProperty("rollout").GetString());
        var entries = doc.RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(expected.Length, entries.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            var entry = entries[i];
            var e = expected[i].Split(' ', 5);
            Assert.Equal(["time", "action", "version", "attempt", "weight", "step", "reason", "commit", "subject", "author"], entry.EnumerateObject().Select(p => p.Name));
            Assert.Equal(ours[i].CommittedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), entry.GetProperty("time").GetString());
            Assert.Equal(e[0], entry.GetProperty("action").GetString());
            Assert.Equal(e[1], entry.GetProperty("version").GetString());
            Assert.Equal(int.Parse(e[2], CultureInfo.InvariantCulture), entry.GetProperty("weight").GetInt32());
            Assert.Equal(e[3], entry.GetProperty("step").GetString());
            Assert.Equal(e[4], entry.GetProperty("reason").GetString());
            Assert.Equal(ours[i].Sha, entry.GetProperty("commit").GetString());
            Assert.Equal(ours[i].Message.Subject, entry.GetProperty("subject").GetString());
            Assert.Equal("Graystep", entry.GetProperty("author").GetString());
        }
    }

    [Fact]
    public async Task Status_json_is_the_state_in_the_status_file_and_its_commit()
    {
        using var repo = new GitOpsRepo();
        var empty = await repo.RunAsync("status", "rollout.yaml", "--repo", repo.Remote, "-o", "json");
        Assert.True(empty.ExitCode == 0, empty.ToString());
        Assert.Equal(
            """
            {
              "rollout": "bookinfo/reviews",
              "spec": "rollout.yaml",
              "statusFile": "rendered/graystep-status.yaml",
              "initialized": false
            }

            """,
            empty.Stdout);

        await PlayAsync(repo);
        var result = await repo.RunAsync("status", "rollout.yaml", "--repo", repo.Remote, "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var rollback = repo.RolloutCommits()[^1];
        // The time of the decision, as the status file records it (the commit may be a second later).
        var time = Regex.Match(RawGit.Show(repo.Remote, rollback.Sha, "rendered/graystep-status.yaml"), "lastTransitionTime: \"([^\"]+)\"").Groups[1].Value;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", time);
        Assert.Equal(
            $$"""
            {
              "rollout": "bookinfo/reviews",
              "spec": "rollout.yaml",
              "statusFile": "rendered/graystep-status.yaml",
              "initialized": true,
              "phase": "Failed",
              "active": false,
              "paused": false,
              "stable": {
                "version": "v2",
                "images": {
                  "reviews": "registry.example/reviews:2.0.0"
                }
              },
              "canary": {
                "version": "v3",
                "images": {
                  "reviews": "registry.example/reviews:3.0.0"
                }
              },
              "attempt": 1,
              "retiring": null,
              "standby": null,
              "adopting": null,
              "canaryWeight": 0,
              "matchActive": false,
              "mirrorActive": false,
              "stepIndex": 0,
              "stepCount": 3,
              "failedChecks": 0,
              "threshold": 5,
              "lastTransitionTime": "{{time}}",
              "reason": "p99 latency doubled",
              "commit": "{{rollback.Sha}}"
            }

            """,
            result.Stdout);
        Assert.Equal(string.Empty, result.Stderr);
    }

    /// <summary>Two rollouts (v2 promoted after a pause, v3 rolled back by hand), with other people's commits in between.</summary>
    private static async Task PlayAsync(GitOpsRepo repo)
    {
        string[] r = ["--repo", repo.Remote];
        await Expect(5, repo.RunAsync(["run", "rollout.yaml", .. r, "--version", "v2", "--image", "reviews=registry.example/reviews:2.0.0", "--once"]));
        repo.PushFromElsewhere("other/config.yaml", "name: other\nreplicas: 2\n", "other: two replicas");
        await Expect(5, repo.RunAsync(["run", "rollout.yaml", .. r, "--once"]));
        repo.PushFromElsewhere("rendered/NOTES.md", "Hand-written notes beside the render.\n", "docs: notes in rendered/");
        await Expect(0, repo.RunAsync(["pause", "rollout.yaml", .. r, "--reason", "holiday freeze"]));
        repo.PushFromElsewhere("README.md", "# GitOps\n", "readme");
        await Expect(0, repo.RunAsync(["resume", "rollout.yaml", .. r]));
        await Expect(0, repo.RunAsync(["run", "rollout.yaml", .. r]));
        repo.PushFromElsewhere("other/config.yaml", "name: other\nreplicas: 3\n", "other: three replicas");
        await Expect(5, repo.RunAsync(["run", "rollout.yaml", .. r, "--version", "v3", "--image", "reviews=registry.example/reviews:3.0.0", "--once"]));
        await Expect(0, repo.RunAsync(["rollback", "rollout.yaml", .. r, "--reason", "p99 latency doubled"]));
        repo.PushFromElsewhere("other/config.yaml", "name: other\nreplicas: 4\n", "other: four replicas");
        Assert.All(repo.RolloutCommits(), c => Assert.NotNull(c.Trailer(Trailers.Action)));
    }

    private static async Task Expect(int exitCode, Task<ChildProcessResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode}: {result}");
    }
}
