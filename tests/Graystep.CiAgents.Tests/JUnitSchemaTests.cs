using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Graystep.CiAgents.Jenkins;
using Graystep.TestKit;
using Graystep.TestKit.Processes;

namespace Graystep.CiAgents.Tests;

/// <summary>
/// graystep-junit.xml against the JUnit XML that Jenkins' JUnit plugin reads (Schemas/jenkins-junit.xsd; its header
/// says where it comes from): the file the Jenkins writer produces, and the file the published CLI leaves in
/// $WORKSPACE when it runs under Jenkins.
/// </summary>
public sealed class JUnitSchemaTests
{
    private static readonly Lazy<XmlSchemaSet> Schema = new(() =>
    {
        var set = new XmlSchemaSet();
        using (var reader = XmlReader.Create(Path.Combine(RepoPaths.Root, "tests", "Graystep.CiAgents.Tests", "Schemas", "jenkins-junit.xsd")))
        {
            set.Add(targetNamespace: null, reader);
        }

        set.Compile();
        return set;
    });

    [Fact]
    public void The_Jenkins_writers_file_is_valid_with_passes_failures_and_characters_to_escape()
    {
        var report = Samples.Progressing() with
        {
            Analysis =
            [
                new AnalysisRow("request-success-rate", "99.9", ">= 99", "pass", true),
                new AnalysisRow("p99 <latency> & \"more\"", "no data", "<= 500", "no data", false),
                new AnalysisRow("line\nbreak", "612", "<= 500", "fail", false),
            ],
        };
        var capture = new Capture(FakeEnvironment.Of(("JENKINS_URL", "http://jenkins/"), ("WORKSPACE", "/ws")));
        new JenkinsAgent().CreateWriter(capture.Sinks).ReportRun(report);

        var xml = capture.Files.Read("/ws/" + JenkinsReport.JUnitFileName);
        Assert.Empty(Validate(xml));
        Assert.Equal(3, XDocument.Parse(xml).Descendants("testcase").Count());
    }

    [Fact]
    public void A_run_without_analysis_is_a_valid_empty_suite()
    {
        Assert.Empty(Validate(JenkinsReport.JUnit(Samples.Progressing() with { Analysis = [] })));
    }

    [Theory]
    [InlineData("<testsuites><testsuite name=\"s\"><testcase classname=\"c\"/></testsuite></testsuites>", "name")]
    [InlineData("<testsuites><testsuite name=\"s\" failures=\"some\"/></testsuites>", "failures")]
    [InlineData("<testsuites><testcase name=\"loose\"/></testsuites>", "testcase")]
    [InlineData("<results><testsuite name=\"s\"/></results>", "results")]
    public void The_schema_rejects_what_the_plugin_cannot_read(string xml, string mentioned)
    {
        var errors = Validate(xml);
        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Contains(mentioned, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_published_CLI_under_Jenkins_leaves_a_valid_file_in_WORKSPACE()
    {
        using var temp = new TempDirectory("graystep-junit");
        var remote = ExampleRemote.Create(temp.Path, "bookinfo", "rollout.yaml", [("http://prometheus.istio-system:9090", "http://127.0.0.1:9")]);
        var workspace = temp.Combine("jenkins-workspace");
        Directory.CreateDirectory(workspace);
        var environment = new Dictionary<string, string?>
        {
            ["JENKINS_URL"] = "http://jenkins.example/",
            ["WORKSPACE"] = workspace,
            ["GRAYSTEP_WORKSPACE"] = temp.Combine("clones"),
            ["GRAYSTEP_GIT_AUTHOR_NAME"] = "Jenkins",
            ["GRAYSTEP_GIT_AUTHOR_EMAIL"] = "jenkins@example.com",
        };

        var run = await GraystepProcess.RunAsync(["run", remote.SpecPath, "--repo", remote.Remote, "--once"], workspace, environment, TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 0, run.Describe("graystep run --once under Jenkins"));
        var file = Path.Combine(workspace, JenkinsReport.JUnitFileName);
        Assert.True(File.Exists(file), run.Describe("graystep run (no graystep-junit.xml)"));
        Assert.Empty(Validate(File.ReadAllText(file)));
        Assert.Equal("bookinfo/reviews", XDocument.Load(file).Descendants("testsuite").Single().Attribute("name")!.Value);
    }

    private static List<string> Validate(string xml)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = Schema.Value };
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity}: {e.Message} (line {e.Exception?.LineNumber})");
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        while (reader.Read())
        {
        }

        return errors;
    }
}
