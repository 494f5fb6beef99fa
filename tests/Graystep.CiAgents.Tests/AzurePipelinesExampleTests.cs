using System.Text.Json;
using System.Text.RegularExpressions;
using Graystep.CiAgents.Tests.Action;
using Graystep.TestKit;
using YamlDotNet.RepresentationModel;

namespace Graystep.CiAgents.Tests;

/// <summary>
/// examples/bookinfo/azure-pipelines.yml against the task it uses (tasks/GraystepRolloutV1/task.json): every input it
/// sets is declared, and every output variable a later stage reads is declared and addressed by the right stage,
/// job and step names (a mistyped stageDependencies path is an empty string at run time, not an error).
/// </summary>
public sealed partial class AzurePipelinesExampleTests
{
    private static readonly string Example = Path.Combine(RepoPaths.Root, "examples", "bookinfo", "azure-pipelines.yml");

    [Fact]
    public void The_example_sets_only_declared_inputs_of_GraystepRollout_1()
    {
        var (inputs, _) = TaskJson();
        var step = TaskSteps(WorkflowYaml.Load(Example).Root).Single(s => WorkflowYaml.Scalar(s, "task") == "GraystepRollout@1");
        var set = WorkflowYaml.Pairs(WorkflowYaml.Map(step, "inputs")).Keys.ToList();
        Assert.NotEmpty(set);
        Assert.All(set, name => Assert.Contains(name, inputs));
        Assert.Equal("graystep", WorkflowYaml.Scalar(step, "name"));
    }

    [Fact]
    public void Later_stages_read_declared_outputs_through_the_rollout_jobs_path()
    {
        var (_, outputs) = TaskJson();
        var text = File.ReadAllText(Example);
        var reads = StageDependency().Matches(text).Select(m => m.Groups).ToList();
        Assert.NotEmpty(reads);
        foreach (var read in reads)
        {
            Assert.Equal("Rollout", read["stage"].Value);
            Assert.Equal("rollout", read["job"].Value);
            Assert.Equal("rollout", read["prefix"].Value); // a runOnce deployment job prefixes the step with its name
            Assert.Equal("graystep", read["step"].Value);
            Assert.Contains(read["variable"].Value, outputs);
        }

        var root = WorkflowYaml.Load(Example).Root;
        var stages = WorkflowYaml.Seq(root, "stages")!.Children.Cast<YamlMappingNode>().ToList();
        var rollout = stages.Single(s => WorkflowYaml.Scalar(s, "stage") == "Rollout");
        var job = WorkflowYaml.Seq(rollout, "jobs")!.Children.Cast<YamlMappingNode>().Single();
        Assert.Equal("rollout", WorkflowYaml.Scalar(job, "deployment"));
        Assert.Equal("bookinfo-production", WorkflowYaml.Scalar(job, "environment"));
        var notify = stages.Single(s => WorkflowYaml.Scalar(s, "stage") == "Notify");
        Assert.Equal("Rollout", WorkflowYaml.Scalar(notify, "dependsOn"));
    }

    [Fact]
    public void The_path_check_finds_a_mistyped_read()
    {
        Assert.Empty(StageDependency().Matches("$[ stageDependencies.Rollout.rollout.outputs['graystep.result'] ]"));
    }

    private static (HashSet<string> Inputs, HashSet<string> Outputs) TaskJson()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tasks", "GraystepRolloutV1", "task.json")));
        var inputs = json.RootElement.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToHashSet(StringComparer.Ordinal);
        var outputs = json.RootElement.GetProperty("outputVariables").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToHashSet(StringComparer.Ordinal);
        return (inputs, outputs);
    }

    private static IEnumerable<YamlMappingNode> TaskSteps(YamlNode node) => node switch
    {
        YamlMappingNode map => (map.Children.ContainsKey(new YamlScalarNode("task")) ? [map] : Enumerable.Empty<YamlMappingNode>())
            .Concat(map.Children.Values.SelectMany(TaskSteps)),
        YamlSequenceNode seq => seq.Children.SelectMany(TaskSteps),
        _ => [],
    };

    [GeneratedRegex(@"stageDependencies\.(?<stage>\w+)\.(?<job>\w+)\.outputs\['(?<prefix>\w+)\.(?<step>\w+)\.(?<variable>\w+)'\]")]
    private static partial Regex StageDependency();
}
