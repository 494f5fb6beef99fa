using Graystep.CiAgents.Azure;
using Graystep.CiAgents.GitHub;
using Graystep.CiAgents.Jenkins;
using Graystep.CiAgents.Local;

namespace Graystep.CiAgents.Tests;

public sealed class SecretTests
{
    // Contains every character some protocol escapes, so an escaped copy of it would also be caught.
    private const string Token = "ghs_Zx9%:,;]tok";
    private const string PemLine2 = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC";

    public static TheoryData<string> AgentIds => ["github", "azure", "jenkins", "local"];

    [Theory]
    [MemberData(nameof(AgentIds))]
    public void Secrets_never_appear_except_in_the_masking_command(string id)
    {
        var env = FakeEnvironment.Of(
            ("GITHUB_OUTPUT", "/out"), ("GITHUB_STEP_SUMMARY", "/summary"), ("WORKSPACE", "/ws"), ("GITHUB_WORKSPACE", "/gh"));
        var capture = new Capture(env);
        var agent = CiAgentRegistry.CreateDefault().Agents.Single(a => a.Id == id);
        var writer = agent.CreateWriter(capture.Sinks);

        writer.AddMask(Token);
        writer.AddMask($"-----BEGIN KEY-----\n{PemLine2}\n-----END KEY-----");
        writer.AddMask(Token); // registering twice is harmless
        var leaky = $"push to https://x-access-token:{Token}@github.com failed\n{PemLine2}";
        writer.BeginGroup($"cloning with {Token}");
        writer.EndGroup();
        writer.ReportProblems([new Problem($"/gh/{Token}/rollout.yaml", 1, 1, leaky)]);
        writer.ReportRun(Samples.Progressing(leaky) with
        {
            Canary = $"v2-{Token}",
            Analysis = [new AnalysisRow($"m-{Token}", Token, "<= 1", "fail", false)],
            Timeline = [new TimelinePoint(Samples.T0, Token, PemLine2, 5)],
        });

        var maskLines = RunnerParsers.Lines(capture.Log.ToString())
            .Where(l => l.StartsWith("::add-mask::", StringComparison.Ordinal) || l.StartsWith("##vso[task.setsecret]", StringComparison.Ordinal))
            .ToList();
        var everythingElse = capture.AllBytes();
        foreach (var line in maskLines)
        {
            everythingElse = everythingElse.Replace(line, string.Empty, StringComparison.Ordinal);
        }

        foreach (var form in Forms(Token).Concat(Forms(PemLine2)))
        {
            Assert.DoesNotContain(form, everythingElse, StringComparison.Ordinal);
        }

        Assert.Contains(SecretMask.Placeholder, everythingElse, StringComparison.Ordinal);
        Assert.Contains("failed", everythingElse, StringComparison.Ordinal); // masking hides the secret, not the message
        switch (id)
        {
            case "github":
                Assert.Equal(
                    new[] { Token, $"-----BEGIN KEY-----\n{PemLine2}\n-----END KEY-----", "-----BEGIN KEY-----", PemLine2, "-----END KEY-----" }
                        .Select(v => GitHubActionsCommands.AddMask(v).TrimEnd('\n')),
                    maskLines);
                break;
            case "azure":
                Assert.Equal(AzurePipelinesCommands.SetSecret(Token).TrimEnd('\n'), maskLines[0]);
                Assert.Equal(5, maskLines.Count);
                break;
            default:
                Assert.Empty(maskLines);
                break;
        }
    }

    [Fact]
    public void The_mask_prefers_the_longest_secret()
    {
        var mask = new SecretMask();
        mask.Add("abc");
        mask.Add("abcdef");
        Assert.Equal("x *** y ***", mask.Apply("x abcdef y abc"));
        Assert.Empty(mask.Add("   "));
    }

    /// <summary>The secret raw and as every protocol would escape it.</summary>
    private static IEnumerable<string> Forms(string secret) =>
    [
        secret,
        GitHubActionsCommands.EscapeData(secret),
        GitHubActionsCommands.EscapeProperty(secret),
        AzurePipelinesCommands.EscapeData(secret),
        AzurePipelinesCommands.EscapeProperty(secret),
        System.Text.Json.JsonEncodedText.Encode(secret).ToString(),
        System.Security.SecurityElement.Escape(secret)!,
    ];
}
