using Graystep.CiAgents;
using Graystep.CiAgents.Azure;
using Graystep.CiAgents.GitHub;
using Graystep.Cli.Output;
using Graystep.Core.Secrets;

namespace Graystep.Cli.Commands.Tests;

/// <summary>
/// The one writer in front of stdout and stderr (issue 13, probes 2, 4 and 5): secrets masked, control characters
/// stripped, untrusted lines inert for the CI system reading the log; protocol commands pass, the masking command
/// alone holds the secret. Pinned to the byte per protocol.
/// </summary>
public sealed class SafeWriterTests
{
    private const string Token = "ghp_0123456789abcdefSECRET";
    private const string Untrusted = "hook x\n::error title=INJECTED::pwned\n##vso[task.complete result=Succeeded;]y\n\u001b[2Jcleared " + Token + "\n";

    private static (SafeWriter Writer, StringWriter Inner) Create(ICiAgent? agent)
    {
        var redactor = new Redactor();
        redactor.Add(Token);
        var inner = new StringWriter { NewLine = "\n" };
        return (new SafeWriter(inner, redactor, line => agent is null ? line : agent.Inert(line)), inner);
    }

    [Fact]
    public void GitHub_untrusted_lines_are_wrapped_in_stop_commands_and_masked()
    {
        var (writer, inner) = Create(new GitHubActionsAgent(newStopToken: () => "stop-42"));

        writer.Write(Untrusted);
        writer.Flush();

        Assert.Equal(
            "hook x\n" +
            "::stop-commands::stop-42\n::error title=INJECTED::pwned\n::stop-42::\n" +
            "##vso[task.complete result=Succeeded;]y\n" +
            "[2Jcleared ***\n",
            inner.ToString());
    }

    [Fact]
    public void Azure_untrusted_lines_have_their_commands_broken_up_and_masked()
    {
        var (writer, inner) = Create(new AzurePipelinesAgent());

        writer.Write(Untrusted);
        writer.Flush();

        Assert.Equal(
            "hook x\n::error title=INJECTED::pwned\n##vso [task.complete result=Succeeded;]y\n[2Jcleared ***\n",
            inner.ToString());
    }

    [Fact]
    public void Plain_and_Jenkins_logs_get_masked_text_without_control_characters()
    {
        var (writer, inner) = Create(null);

        writer.Write(Untrusted);
        writer.WriteLine("tab\tkept, bell\u0007 and CR\r gone");
        writer.Flush();

        Assert.Equal(
            "hook x\n::error title=INJECTED::pwned\n##vso[task.complete result=Succeeded;]y\n[2Jcleared ***\ntab\tkept, bell and CR gone\n",
            inner.ToString());
    }

    [Fact]
    public void Protocol_commands_pass_as_written_masked_and_only_the_masking_command_holds_the_secret()
    {
        var (writer, inner) = Create(new GitHubActionsAgent(newStopToken: () => "stop-42"));

        writer.Write("partial untrusted ::");
        writer.Masks.Write($"::add-mask::{Token}\n");
        writer.Protocol.Write($"::error title=Graystep::token {Token}\n");
        writer.Write("::warning::forged\n");
        writer.Flush();

        Assert.Equal(
            "partial untrusted ::\n" +
            $"::add-mask::{Token}\n" +
            "::error title=Graystep::token ***\n" +
            "::stop-commands::stop-42\n::warning::forged\n::stop-42::\n",
            inner.ToString());
    }

    [Fact]
    public void A_secret_split_across_writes_is_still_masked_and_so_are_URL_credentials()
    {
        var (writer, inner) = Create(null);

        writer.Write("error: you sent Bearer ghp_0123456789");
        writer.Write("abcdefSECRET and https://user:pw@example.test/repo.git\n");
        writer.Flush();

        Assert.Equal("error: you sent Bearer *** and https://***@example.test/repo.git\n", inner.ToString());
    }

    [Fact]
    public void The_redactor_knows_URL_user_info_in_its_raw_and_decoded_forms()
    {
        var redactor = new Redactor();
        redactor.AddUrlCredentials("https://x-access-token:tok%2Fen-1234@github.com/acme/gitops.git");

        Assert.Equal("a *** b *** c", redactor.Apply("a tok%2Fen-1234 b tok/en-1234 c"));
        Assert.Equal("plain", redactor.Apply("plain"));
        Assert.Null(UrlCredentials.UserInfo("https://github.com/acme/gitops.git"));
        Assert.Equal("u:p", UrlCredentials.UserInfo("https://u:p@h/x"));
    }
}
