using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Graystep.Cli.Commands;
using Graystep.Cli.Composition;
using Graystep.Core.Errors;
using Graystep.Core.Providers;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;

namespace Graystep.Cli;

/// <summary>
/// The command tree of DESIGN.md §5. Actions only read options and call the command classes. The options that
/// depend on what is registered (<c>--git-host</c>'s ids, each provider's secret option) come from the registries.
/// </summary>
internal sealed class CommandLine
{
    public static readonly Option<string?> Repo = new("--repo") { Description = "GitOps repository: a path, file:// URL or remote URL (default: the current checkout) [GRAYSTEP_REPO]", Recursive = true };
    public static readonly Option<string?> Branch = new("--branch") { Description = "Branch to read and write (default: the repository's current/default branch) [GRAYSTEP_BRANCH]", Recursive = true };
    public static readonly Option<string?> Prometheus = new("--prometheus") { Description = "Prometheus URL; overrides spec.metricsServer [GRAYSTEP_PROMETHEUS]", Recursive = true };

    public static readonly Option<string[]> PrometheusMap = new("--prometheus-map")
    {
        Description = "IN_CLUSTER_URL=REACHABLE_URL: query a MetricTemplate's (or the spec's) Prometheus at another address; repeatable [GRAYSTEP_PROMETHEUS_MAP, comma-separated]",
        Recursive = true,
    };
    public static readonly Option<string?> AzureUrl = new("--azure-url") { Description = "Azure DevOps Server collection URL, for Azure Repos remotes on a server [GRAYSTEP_AZURE_URL, else SYSTEM_COLLECTIONURI]", Recursive = true };
    public static readonly Option<string?> Kubeconfig = new("--kubeconfig") { Description = "Kubeconfig file(s) for the sync gates, joined as in KUBECONFIG [GRAYSTEP_KUBECONFIG, else KUBECONFIG, else ~/.kube/config]", Recursive = true };
    public static readonly Option<string?> Context = new("--context") { Description = "Kubeconfig context; wins over the spec's sync.context [GRAYSTEP_KUBE_CONTEXT]", Recursive = true };
    public static readonly Option<string?> Output = new("--output", "-o") { Description = "text|json [GRAYSTEP_OUTPUT]", Recursive = true };
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "More detail, and stack traces on failure [GRAYSTEP_VERBOSE]", Recursive = true };

    private readonly CliContext _context;
    private readonly IReadOnlyList<SecretSetting> _secretSettings;
    private readonly Option<string?> _gitHost;
    private readonly IReadOnlyList<(SecretSetting Setting, Option<string?> Option)> _secrets;

    private CommandLine(CliContext context, GraystepProviders declared)
    {
        _context = context;
        _secretSettings = declared.Secrets;
        _gitHost = new Option<string?>("--git-host") { Description = $"{string.Join('|', declared.GitHosts.KnownIds)} [GRAYSTEP_GIT_HOST]", Recursive = true };
        _secrets = [.. _secretSettings.Where(s => s.Option is not null).Select(s => (s, new Option<string?>(s.Option!) { Description = s.Help, Recursive = true }))];
    }

    /// <summary>The command tree; <paramref name="declared"/> are the registries, read for ids and secret options only.</summary>
    public static RootCommand Build(CliContext context, GraystepProviders declared) => new CommandLine(context, declared).Build();

    /// <summary>The settings for this invocation: the options as parsed, then the environment, then the defaults.</summary>
    public GraystepSettings Settings(ParseResult parse)
    {
        var values = new GlobalValues
        {
            Repo = parse.GetValue(Repo),
            Branch = parse.GetValue(Branch),
            GitHost = parse.GetValue(_gitHost),
            Prometheus = parse.GetValue(Prometheus),
            PrometheusMap = parse.GetValue(PrometheusMap) ?? [],
            AzureUrl = parse.GetValue(AzureUrl),
            Kubeconfig = parse.GetValue(Kubeconfig),
            Context = parse.GetValue(Context),
            Output = parse.GetValue(Output),
            Verbose = parse.GetValue(Verbose),
            Secrets = _secrets.ToDictionary(s => s.Option.Name, s => parse.GetValue(s.Option), StringComparer.Ordinal),
        };
        // The secrets join the redactor before anything can fail, so even an error about the settings is masked.
        foreach (var secret in values.Secrets.Values)
        {
            _context.Redactor.Add(secret);
        }

        var settings = GraystepSettings.Read(_context.Environment, values, _secretSettings, CiAgents.CiAgentRegistry.CreateDefault());
        foreach (var secret in settings.SecretValues)
        {
            _context.Redactor.Add(secret);
        }

        _context.Redactor.AddUrlCredentials(settings.Repo);
        _context.Redactor.AddUrlCredentials(settings.Prometheus);
        foreach (var pair in settings.PrometheusMap)
        {
            _context.Redactor.AddUrlCredentials(pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        }

        return settings;
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

            var image = value[(eq + 1)..];
            if (!ImageReference.IsValid(image))
            {
                throw new GraystepException($"--image {SafeNames.Quote(value)}: {SafeNames.Quote(image)} is not a valid image reference", ExitCodes.Usage, "use " + ImageReference.Rule);
            }

            images[value[..eq]] = image;
        }

        return images;
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

    private RootCommand Build()
    {
        var root = new RootCommand("Graystep: progressive delivery through Git. Every traffic change is a commit.");
        foreach (var option in new Option[] { Repo, Branch, _gitHost, AzureUrl, Prometheus, PrometheusMap, Kubeconfig, Context, Output, Verbose }.Concat(_secrets.Select(s => s.Option)))
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(ValidateCommand());
        root.Subcommands.Add(RenderCommand());
        root.Subcommands.Add(RunCommand());
        root.Subcommands.Add(StatusCommand("status", "Show the rollout's state as recorded in Git"));
        root.Subcommands.Add(StatusCommand("history", "The timeline of every rollout of the app, rebuilt from git log"));
        root.Subcommands.Add(AnalyzeCommand());
        root.Subcommands.Add(ReportCommand());
        root.Subcommands.Add(ManualCommand("promote", "Promote the version in progress now, skipping the remaining steps"));
        root.Subcommands.Add(ManualCommand("rollback", "Roll back the version in progress: all traffic to stable (after a promotion: switch back to the standby)"));
        root.Subcommands.Add(ManualCommand("pause", "Pause the rollout at its current step"));
        root.Subcommands.Add(ManualCommand("resume", "Resume a paused rollout"));
        root.Subcommands.Add(SetWeightCommand());
        return root;
    }

    private Command ValidateCommand()
    {
        var command = new Command("validate", "Check rollout specs and MetricTemplates; print every problem at once");
        var path = PathArgument(optional: true);
        command.Arguments.Add(path);
        command.SetAction(parse => new ValidateCommand(_context, Settings(parse)).Execute(parse.GetValue(path)!));
        return command;
    }

    private Command RenderCommand()
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
        command.SetAction(parse => new RenderCommand(_context, Settings(parse)).Execute(
            parse.GetValue(path)!, parse.GetValue(version)!, ParseImages(parse.GetValue(images)), parse.GetValue(weight)));
        return command;
    }

    private Command RunCommand()
    {
        var command = new Command("run", "The pipeline step: start a version if asked, then drive the rollout to promotion or rollback");
        var path = PathArgument(optional: false);
        var version = new Option<string?>("--version") { Description = "Start this version [GRAYSTEP_VERSION]" };
        var images = ImageOption(fromEnvironment: true);
        var once = new Option<bool>("--once") { Description = "Advance at most one step, then exit (5 when not finished)" };
        var timeout = new Option<string?>("--timeout") { Description = "Exit with 5 when this much time has passed (e.g. 30m) [GRAYSTEP_TIMEOUT]" };
        var supersede = new Option<bool>("--supersede") { Description = "Roll back a different version in progress, then start this one" };
        var retry = new Option<bool>("--retry") { Description = "Start a version that was rolled back again, as its next attempt" };
        command.Arguments.Add(path);
        foreach (var option in new Option[] { version, images, once, timeout, supersede, retry })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) =>
        {
            var settings = Settings(parse);
            var defaults = settings.Run;
            var imageValues = parse.GetValue(images) is { Length: > 0 } given ? given : defaults.Images;
            var timeoutText = parse.GetValue(timeout);
            return new RunCommand(_context, settings).ExecuteAsync(
                parse.GetValue(path)!,
                parse.GetValue(version) ?? defaults.Version,
                ParseImages(imageValues),
                parse.GetValue(once) || defaults.Once,
                timeoutText is null ? defaults.Timeout : GraystepSettings.ParseDuration("--timeout", timeoutText),
                parse.GetValue(supersede),
                ct,
                parse.GetValue(retry));
        });
        return command;
    }

    private Command StatusCommand(string name, string description)
    {
        var command = new Command(name, description);
        var path = PathArgument(optional: false);
        command.Arguments.Add(path);
        command.SetAction((parse, ct) => name == "status"
            ? new StatusCommand(_context, Settings(parse)).StatusAsync(parse.GetValue(path)!, ct)
            : new StatusCommand(_context, Settings(parse)).HistoryAsync(parse.GetValue(path)!, ct));
        return command;
    }

    private Command AnalyzeCommand()
    {
        var command = new Command("analyze", "Run the analysis once now: each metric, query, value, threshold and verdict");
        var path = PathArgument(optional: false);
        command.Arguments.Add(path);
        command.SetAction((parse, ct) => new AnalyzeCommand(_context, Settings(parse)).ExecuteAsync(parse.GetValue(path)!, ct));
        return command;
    }

    private Command ReportCommand()
    {
        var command = new Command("report", "Write one self-contained HTML page of the latest rollout: weight, metrics, judge and every decision");
        var path = PathArgument(optional: false);
        var output = new Option<string?>("--out") { Description = $"The HTML file to write (default: {Commands.ReportCommand.DefaultFile}; - for stdout)" };
        command.Arguments.Add(path);
        command.Options.Add(output);
        command.SetAction((parse, ct) => new ReportCommand(_context, Settings(parse)).ExecuteAsync(parse.GetValue(path)!, parse.GetValue(output), ct));
        return command;
    }

    private Command SetWeightCommand()
    {
        var command = new Command("set-weight", "Set the canary's weight by hand (0-99) and pause there; resume continues from it");
        var path = PathArgument(optional: false);
        var weight = new Argument<int>("WEIGHT") { Description = "The canary's share of traffic, in percent" };
        var reason = new Option<string?>("--reason") { Description = "Why; recorded in the commit" };
        command.Arguments.Add(path);
        command.Arguments.Add(weight);
        command.Options.Add(reason);
        command.SetAction((parse, ct) => new ManualCommand(_context, Settings(parse))
            .ExecuteAsync(Core.Rollouts.ManualAction.SetWeight, parse.GetValue(path)!, parse.GetValue(reason), ct, parse.GetValue(weight)));
        return command;
    }

    private Command ManualCommand(string name, string description)
    {
        var command = new Command(name, description);
        var path = PathArgument(optional: false);
        var reason = new Option<string?>("--reason") { Description = "Why; recorded in the commit" };
        command.Arguments.Add(path);
        command.Options.Add(reason);
        var action = Enum.Parse<Core.Rollouts.ManualAction>(name, ignoreCase: true);
        command.SetAction((parse, ct) => new ManualCommand(_context, Settings(parse)).ExecuteAsync(action, parse.GetValue(path)!, parse.GetValue(reason), ct));
        return command;
    }
}
