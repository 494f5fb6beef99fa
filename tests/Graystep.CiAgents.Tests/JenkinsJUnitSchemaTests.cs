using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Graystep.CiAgents.Jenkins;
using Graystep.TestKit;
using Graystep.TestKit.Processes;

namespace Graystep.CiAgents.Tests;

/// <summary>
/// <c>graystep-junit.xml</c> as the Jenkins agent writes it to the workspace validates against the JUnit XML schema
/// Jenkins reads (Schemas/jenkins-junit.xsd, with its sources in Schemas/README.md).
/// </summary>
public sealed class JenkinsJUnitSchemaTests
{
    private static readonly XmlSchemaSet Schema = LoadSchema();

    [Fact]
    public void The_written_junit_file_validates_with_passing_and_failing_checks()
    {
        var errors = Validate(WriteThroughAgent(Samples.Progressing()));

        Assert.Empty(errors);
    }

    [Fact]
    public void The_written_junit_file_validates_with_markup_and_no_checks()
    {
        var markup = Samples.Progressing() with
        {
            Analysis = [new AnalysisRow("p99 <latency> & \"more\" ]]>", "no data", "<= 500", "no data", false)],
        };
        var empty = Samples.Progressing() with { Analysis = [] };

        Assert.Empty(Validate(WriteThroughAgent(markup)));
        Assert.Empty(Validate(WriteThroughAgent(empty)));
    }

    [Theory]
    [InlineData("<testsuites><testsuite name=\"a\" tests=\"1\"><testcase classname=\"c\"/></testsuite></testsuites>", "name")]
    [InlineData("<testsuites><testsuite name=\"a\" tests=\"one\"/></testsuites>", "tests")]
    [InlineData("<testsuites><testsuite name=\"a\" tests=\"1\"><testcase name=\"t\" time=\"soon\"/></testsuite></testsuites>", "time")]
    [InlineData("<testsuites><testsuite name=\"a\" tests=\"1\"><testcase name=\"t\"><failure/><error/></testcase></testsuite></testsuites>", "error")]
    [InlineData("<testsuites><suite name=\"a\"/></testsuites>", "suite")]
    public void The_schema_rejects_what_Jenkins_would_misread(string xml, string named)
    {
        var errors = Validate(xml);

        Assert.Contains(errors, e => e.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_published_CLI_under_Jenkins_leaves_a_valid_file_in_WORKSPACE()
    {
        using var temp = new TempDirectory("graystep-junit");
        // No retire delay: the run adopts the Deployment and starts within the bound, which is all this test needs.
        var remote = ExampleRemote.Create(temp.Path, "bookinfo", "rollout.yaml", [("http://prometheus.istio-system:9090", "http://127.0.0.1:9"), RetireDelay.Pin]);
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

    private static string WriteThroughAgent(RunReport report)
    {
        using var temp = new TempDirectory();
        var env = FakeEnvironment.Of(("JENKINS_URL", "http://jenkins/"), ("WORKSPACE", temp.Path));
        new JenkinsAgent().CreateWriter(new CiSinks(new StringWriter(), env, CiFiles.Physical, "/unused")).ReportRun(report);
        return File.ReadAllText(Path.Combine(temp.Path, JenkinsReport.JUnitFileName));
    }

    private static List<string> Validate(string xml)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = Schema, DtdProcessing = DtdProcessing.Prohibit };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity}: {e.Message}");
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        while (reader.Read())
        {
        }

        return errors;
    }

    private static XmlSchemaSet LoadSchema()
    {
        var set = new XmlSchemaSet();
        var path = Path.Combine(RepoPaths.Root, "tests", "Graystep.CiAgents.Tests", "Schemas", "jenkins-junit.xsd");
        using var reader = XmlReader.Create(path);
        set.Add(null, reader);
        set.Compile();
        return set;
    }
}
