using System.CommandLine;
using System.CommandLine.Parsing;
using Graystep.CiAgents;
using Graystep.Cli.Commands;
using Graystep.Cli.Output;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using Graystep.Cli.Composition;
using Graystep.Engine.Specs;
using GitException = Graystep.Git.GitException;
using Graystep.Rendering.IO;

namespace Graystep.Cli;

/// <summary>The composition root: parses the command line, runs one command, maps every failure to an exit code.</summary>
public static class GraystepApp
{
    public static int Run(string[] args)
    {
        var context = new CliContext(
            Console.Out,
            Console.Error,
            SystemEnvironment.Instance,
            new PhysicalFileSystem(),
            TimeProvider.System,
            Directory.GetCurrentDirectory(),
            () => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl+C stops at the next safe point; nothing half-made is committed.
            e.Cancel = true;
            cancellation.Cancel();
        };
        return RunAsync(args, context, cancellation.Token).GetAwaiter().GetResult();
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Every byte to stdout and stderr goes through one safe writer: secrets masked, control characters stripped,
        // untrusted lines inert for the CI systems that read this log.
        var inert = Inert(context);
        using var stdout = new SafeWriter(context.Out, context.Redactor, inert);
        using var stderr = new SafeWriter(context.Error, context.Redactor, inert);
        return await RunSafelyAsync(args, context with { Out = stdout, Error = stderr }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The CI systems whose runners read this process's log (whatever GRAYSTEP_CI forces for the outputs): each one's inert form, in turn.</summary>
    private static Func<string, string> Inert(CliContext context)
    {
        var readers = CiAgentRegistry.CreateDefault().Agents.Where(a => a.HasLogCommands && a.IsSupported(context.Environment)).ToList();
        return line => readers.Aggregate(line, (text, agent) => agent.Inert(text));
    }

    private static async Task<int> RunSafelyAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        // The registries as declared, before any setting is read: what the command line offers comes from them.
        using var declared = GraystepProviders.Create(context, GraystepSettings.Unread);
        var root = CommandLine.Build(context, declared);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await context.Error.WriteLineAsync($"error: {Describe(error)}").ConfigureAwait(false);
            }

            // Point at the help of the command that was being parsed: that is where the missing piece is described.
            var command = parse.CommandResult.Command;
            var help = command is RootCommand ? "graystep --help" : $"graystep {command.Name} --help";
            await context.Error.WriteLineAsync($"hint: run '{help}' for usage").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var verbose = GraystepSettings.IsVerbose(parse.GetValue(CommandLine.Verbose), context.Environment);
        try
        {
            var configuration = new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                Output = context.Out,
                Error = context.Error,
            };
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (SpecInvalidException invalid)
        {
            foreach (var problem in invalid.Problems)
            {
                await context.Error.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            }

            await context.Error.WriteLineAsync($"error: {invalid.Message}; nothing was written").ConfigureAwait(false);
            return invalid.ExitCode;
        }
        catch (GraystepException failure)
        {
            // One error line in our words; git's own words follow it, indented, so the line stays readable.
            var git = failure as GitException;
            await context.Error.WriteLineAsync($"error: {git?.Summary ?? failure.Message}").ConfigureAwait(false);
            if (git is { GitExitCode: >= 0, GitMessage.Length: > 0 })
            {
                foreach (var line in git.GitMessage.Split('\n'))
                {
                    await context.Error.WriteLineAsync($"  git: {line}").ConfigureAwait(false);
                }
            }

            if (verbose && git is not null)
            {
                await context.Error.WriteLineAsync($"  command: {git.Command}").ConfigureAwait(false);
            }

            if (failure.Hint is { Length: > 0 } hint)
            {
                await context.Error.WriteLineAsync($"hint: {hint}").ConfigureAwait(false);
            }

            if (verbose && failure.InnerException is { } inner)
            {
                await context.Error.WriteLineAsync(inner.ToString()).ConfigureAwait(false);
            }

            return failure.ExitCode;
        }
        catch (Exception io) when (io is IOException or UnauthorizedAccessException)
        {
            // A file the command needs cannot be read or written: the path is in the message; the fix is on disk.
            await context.Error.WriteLineAsync($"error: {io.Message}").ConfigureAwait(false);
            await context.Error.WriteLineAsync(verbose ? io.ToString() : "hint: check that the path exists, is the right kind (file or folder) and is readable and writable").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("error: interrupted; the rollout's state is whatever was last pushed, run again to continue").ConfigureAwait(false);
            return ExitCodes.InProgress;
        }
#pragma warning disable CA1031 // The one top-level handler: a bug still gets one clear line, the stack only with --verbose.
        catch (Exception bug)
#pragma warning restore CA1031
        {
            await context.Error.WriteLineAsync($"error: unexpected failure: {bug.Message}").ConfigureAwait(false);
            await context.Error.WriteLineAsync(verbose ? bug.ToString() : "hint: run again with --verbose for the stack trace, and report it").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// System.CommandLine's wording for a missing argument names the command but not the argument; ours names
    /// both, with the argument's description, so the message says what to add.
    /// </summary>
    private static string Describe(ParseError error) => error.SymbolResult switch
    {
        ArgumentResult { Argument: { Arity.MinimumNumberOfValues: > 0 } argument } missing when missing.Tokens.Count == 0 && missing.Parent is CommandResult parent =>
            $"{parent.Command.Name}: missing {argument.Name}: {argument.Description}",
        OptionResult { Option: { Required: true } option } given when given.Implicit || given.IdentifierToken is null =>
            $"{option.Name} is required: {option.Description}",
        _ => error.Message,
    };

}
