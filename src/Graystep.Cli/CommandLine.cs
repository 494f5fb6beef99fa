using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Graystep.Cli.Commands;
using Graystep.Core.Errors;

namespace Graystep.Cli;

/// <summary>The command tree of DESIGN.md §5. Actions only read options and call the command classes.</summary>
internal static class CommandLine
{
    public static readonly Option<string?> Repo = new("--repo") { Description = "GitOps repository: a path, file:// URL or remote URL (default: the current checkout) [GRAYSTEP_REPO]", Recursive = true };
    public static readonly Option<string?> Branch = new("--branch") { Description = "Branch to read and write (default: the repository's current/default branch) [GRAYSTEP_BRANCH]", Recursive = true };
    public static readonly Option<string?> GitHost = new("--git-host") { Description = "auto|local|github|azure|gitlab [GRAYSTEP_GIT_HOST]", Recursive = true };
    public static readonly Option<string?> Prometheus = new("--prometheus") { Description = "Prometheus URL; overrides spec.metricsServer [GRAYSTEP_PROMETHEUS]", Recursive = true };
    public static readonly Option<string?> Output = new("--output", "-o") { Description = "text|json [GRAYSTEP_OUTPUT]", Recursive = true };
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "More detail, and stack traces on failure [GRAYSTEP_VERBOSE]", Recursive = true };
    public static readonly Option<string?> GitHubToken = new("--github-token") { Description = "Token for the GitHub API when git.pullRequests is true; never printed [GRAYSTEP_GITHUB_TOKEN, else GITHUB_TOKEN, GH_TOKEN]", Recursive = true };

    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("Graystep: progressive delivery through Git. Every traffic change is a commit.");
        foreach (var option in new Option[] { Repo, Branch, GitHost, Prometheus, Output, Verbose, GitHubToken })
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(ValidateCommand(context));
        root.Subcommands.Add(RenderCommand(context));
        root.Subcommands.Add(RunCommand(context));
        root.Subcommands.Add(StatusCommand(context, "status", "Show the rollout's state as recorded in Git"));
        root.Subcommands.Add(StatusCommand(context, "history", "The timeline of every rollout of the app, rebuilt from git log"));
        root.Subcommands.Add(AnalyzeCommand(context));
        root.Subcommands.Add(ManualCommand(context, "promote", "Promote the version in progress now, skipping the remaining steps"));
        root.Subcommands.Add(ManualCommand(context, "rollback", "Roll back the version in progress: all traffic to stable"));
        root.Subcommands.Add(ManualCommand(context, "pause", "Pause the rollout at its current step"));
        root.Subcommands.Add(ManualCommand(context, "resume", "Resume a paused rollout"));
        return root;
    }

    public static GlobalOptions Globals(ParseResult parse, CliContext context)
    {
        string? Env(string name) => context.Environment.GetVariable(name) is { Length: > 0 } value ? value : null;
        var output = parse.GetValue(Output) ?? Env("GRAYSTEP_OUTPUT") ?? "text";
        var format = output.ToLowerInvariant() switch
        {
            "text" => OutputFormat.Text,
            "json" => OutputFormat.Json,
            _ => throw new GraystepException($"-o {output}: unknown output format", ExitCodes.Usage, "use -o text or -o json"),
        };
        return new GlobalOptions(
            parse.GetValue(Repo) ?? Env("GRAYSTEP_REPO"),
            parse.GetValue(Branch) ?? Env("GRAYSTEP_BRANCH"),
            (parse.GetValue(GitHost) ?? Env("GRAYSTEP_GIT_HOST") ?? "auto").ToLowerInvariant(),
            parse.GetValue(Prometheus) ?? Env("GRAYSTEP_PROMETHEUS"),
            format,
            parse.GetValue(Verbose) || GraystepApp.IsTrue(Env("GRAYSTEP_VERBOSE")),
            parse.GetValue(GitHubToken) ?? Env("GRAYSTEP_GITHUB_TOKEN"));
    }

    private static Argument<string> PathArgument(bool optional) => new("PATH")
    {
        Description = "A rollout spec file, or a folder that holds one",
        Arity = optional ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
        DefaultValueFactory = optional ? _ => "." : null!,
    };

    private static Option<string[]> ImageOption(bool fromEnvironment) => new("--image")
    {
        Description = "CONTAINER=IMAGE for the new version (repeatable)" + (fromEnvironment ? " [GRAYSTEP_IMAGE, comma-separated]" : string.Empty),
        AllowMultipleArgumentsPerToken = false,
    };

    private static Command ValidateCommand(CliContext context)
    {
        var command = new Command("validate", "Check rollout specs and MetricTemplates; print every problem at once");
        var path = PathArgument(optional: true);
        command.Arguments.Add(path);
        command.SetAction(parse => new ValidateCommand(context, Globals(parse, context)).Execute(parse.GetValue(path)!));
        return command;
    }

    private static Command RenderCommand(CliContext context)
    {
        var command = new Command("render", "Write the manifests for a version into the spec's output folder (no git)");
        var path = PathArgument(optional: false);
        var version = new Option<string>("--version") { Description = "The version to render as canary", Required = true };
        var images = ImageOption(fromEnvironment: false);
        var weight = new Option<int?>("--weight")
        {
            Description = "Canary weight 0..100 (A/B and mirroring: >0 turns the match/mirror on)",
            CustomParser = ParseWeight,
        };
        command.Arguments.Add(path);
        command.Options.Add(version);
        command.Options.Add(images);
        command.Options.Add(weight);
        command.SetAction(parse => new RenderCommand(context, Globals(parse, context)).Execute(
            parse.GetValue(path)!, parse.GetValue(version)!, ParseImages(parse.GetValue(images)), parse.GetValue(weight)));
        return command;
    }

    private static Command RunCommand(CliContext context)
    {
        var command = new Command("run", "The pipeline step: start a version if asked, then drive the rollout to promotion or rollback");
        var path = PathArgument(optional: false);
        var version = new Option<string?>("--version") { Description = "Start this version [GRAYSTEP_VERSION]" };
        var images = ImageOption(fromEnvironment: true);
        var once = new Option<bool>("--once") { Description = "Advance at most one step, then exit (5 when not finished)" };
        var timeout = new Option<string?>("--timeout") { Description = "Exit with 5 when this much time has passed (e.g. 30m) [GRAYSTEP_TIMEOUT]" };
        var supersede = new Option<bool>("--supersede") { Description = "Roll back a different version in progress, then start this one" };
        command.Arguments.Add(path);
        foreach (var option in new Option[] { version, images, once, timeout, supersede })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) =>
        {
            var env = context.Environment;
            var imageValues = parse.GetValue(images) is { Length: > 0 } given ? given
                : env.GetVariable("GRAYSTEP_IMAGE")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            var timeoutText = parse.GetValue(timeout) ?? env.GetVariable("GRAYSTEP_TIMEOUT");
            return new RunCommand(context, Globals(parse, context)).ExecuteAsync(
                parse.GetValue(path)!,
                parse.GetValue(version) ?? (env.GetVariable("GRAYSTEP_VERSION") is { Length: > 0 } v ? v : null),
                ParseImages(imageValues),
                parse.GetValue(once) || GraystepApp.IsTrue(env.GetVariable("GRAYSTEP_ONCE")),
                timeoutText is null ? null : ParseDuration("--timeout", timeoutText),
                parse.GetValue(supersede),
                ct);
        });
        return command;
    }

    private static Command StatusCommand(CliContext context, string name, string description)
    {
        var command = new Command(name, description);
        var path = PathArgument(optional: false);
        command.Arguments.Add(path);
        command.SetAction((parse, ct) => name == "status"
            ? new StatusCommand(context, Globals(parse, context)).StatusAsync(parse.GetValue(path)!, ct)
            : new StatusCommand(context, Globals(parse, context)).HistoryAsync(parse.GetValue(path)!, ct));
        return command;
    }

    private static Command AnalyzeCommand(CliContext context)
    {
        var command = new Command("analyze", "Run the analysis once now: each metric, query, value, threshold and verdict");
        var path = PathArgument(optional: false);
        command.Arguments.Add(path);
        command.SetAction((parse, ct) => new AnalyzeCommand(context, Globals(parse, context)).ExecuteAsync(parse.GetValue(path)!, ct));
        return command;
    }

    private static Command ManualCommand(CliContext context, string name, string description)
    {
        var command = new Command(name, description);
        var path = PathArgument(optional: false);
        var reason = new Option<string?>("--reason") { Description = "Why; recorded in the commit" };
        command.Arguments.Add(path);
        command.Options.Add(reason);
        command.SetAction((parse, ct) => new ManualCommand(context, Globals(parse, context)).ExecuteAsync(name, parse.GetValue(path)!, parse.GetValue(reason), ct));
        return command;
    }

    internal static Dictionary<string, string> ParseImages(IEnumerable<string>? values)
    {
        var images = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == value.Length - 1)
            {
                throw new GraystepException($"--image {value}: expected CONTAINER=IMAGE", ExitCodes.Usage, "e.g. --image reviews=docker.io/istio/examples-bookinfo-reviews-v2:1.20.1");
            }

            images[value[..eq]] = value[(eq + 1)..];
        }

        return images;
    }

    /// <summary>A whole percentage; the default parser's message names a CLR type instead of the fix.</summary>
    private static int? ParseWeight(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[^1].Value;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var weight) && weight is >= 0 and <= 100)
        {
            return weight;
        }

        result.AddError($"--weight {text}: expected a whole percentage from 0 to 100, e.g. --weight 20");
        return null;
    }

    internal static TimeSpan ParseDuration(string option, string text)
    {
        if (Core.Spec.GoDuration.TryParse(text, out var span) && span >= TimeSpan.Zero)
        {
            return span;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        throw new GraystepException($"{option} {text}: not a duration", ExitCodes.Usage, "use Go duration syntax, e.g. 90s, 15m, 1h30m");
    }
}
