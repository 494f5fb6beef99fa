using System.Text.Json;
using System.Xml.Linq;
using Graystep.CiAgents.Jenkins;
using Graystep.CiAgents.Local;
using Graystep.TestKit;

namespace Graystep.CiAgents.Tests;

public sealed class LocalAndJenkinsTests
{
    private const string ExpectedText =
        "bookinfo/reviews: in progress (Progressing), stable v1, canary v2 at 20%\n" +
        "reason: step 2/3: all checks passed\n" +
        "METRIC                VALUE  THRESHOLD  VERDICT\n" +
        "request-success-rate  99.9   >= 99      pass\n" +
        "request-duration      612    <= 500     fail\n";

    [Fact]
    public void Local_writes_plain_text_and_nothing_else()
    {
        var capture = new Capture(FakeEnvironment.Of(("GITHUB_OUTPUT", "/must/not/be/used")));
        var writer = new LocalAgent().CreateWriter(capture.Sinks);

        writer.AddMask("s3cr3t");
        writer.BeginGroup("waiting for sync");
        writer.EndGroup();
        writer.ReportProblems(
        [
            new Problem("rollout.yaml", 4, 3, "spec.provder: unknown field; did you mean 'provider'?"),
            new Problem("t.yaml", 2, null, "two\nlines", ProblemSeverity.Warning),
            new Problem(null, null, null, "no spec found"),
        ]);
        writer.ReportRun(Samples.Progressing());

        Assert.Equal(
            "waiting for sync\n" +
            "rollout.yaml:4:3: error: spec.provder: unknown field; did you mean 'provider'?\n" +
            "t.yaml:2: warning: two lines\n" +
            "<input>: error: no spec found\n" +
            ExpectedText,
            capture.Log.ToString());
        Assert.Empty(capture.Files.Paths);
    }

    [Fact]
    public void Jenkins_logs_plain_text_and_writes_the_reports_into_WORKSPACE()
    {
        var capture = new Capture(FakeEnvironment.Of(("JENKINS_URL", "http://jenkins/"), ("WORKSPACE", "/var/lib/jenkins/workspace/reviews")));
        new JenkinsAgent().CreateWriter(capture.Sinks).ReportRun(Samples.Progressing());

        Assert.Equal(
            ExpectedText +
            "graystep: wrote /var/lib/jenkins/workspace/reviews/graystep-report.json\n" +
            "graystep: wrote /var/lib/jenkins/workspace/reviews/graystep-junit.xml\n",
            capture.Log.ToString());
        Assert.Equal(Snapshot("graystep-report.json"), capture.Files.Read("/var/lib/jenkins/workspace/reviews/graystep-report.json"));
        Assert.Equal(Snapshot("graystep-junit.xml"), capture.Files.Read("/var/lib/jenkins/workspace/reviews/graystep-junit.xml"));
    }

    [Fact]
    public void Without_WORKSPACE_Jenkins_reports_go_to_the_working_directory()
    {
        var capture = new Capture(FakeEnvironment.Of(("JENKINS_URL", "http://jenkins/")), workingDirectory: "/tmp/job");
        new JenkinsAgent().CreateWriter(capture.Sinks).ReportRun(Samples.Progressing());

        Assert.Equal(["/tmp/job/graystep-report.json", "/tmp/job/graystep-junit.xml"], capture.Files.Paths);
    }

    [Fact]
    public void The_json_report_follows_the_documented_schema()
    {
        using var doc = JsonDocument.Parse(JenkinsReport.Json(Samples.Progressing()));
        var root = doc.RootElement;
        Assert.Equal(
            ["schemaVersion", "rollout", "phase", "result", "version", "stable", "canary", "weight", "reason", "analysis", "timeline", "problems"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("in-progress", root.GetProperty("result").GetString());
        Assert.Equal(20, root.GetProperty("weight").GetInt32());
        Assert.False(root.GetProperty("analysis")[1].GetProperty("passed").GetBoolean());
        Assert.Equal("2026-03-01T12:02:00Z", root.GetProperty("timeline")[2].GetProperty("time").GetString());
    }

    [Fact]
    public void Validation_problems_make_a_failed_report_with_every_problem()
    {
        using var temp = new TempDirectory();
        var log = new StringWriter();
        var env = FakeEnvironment.Of(("JENKINS_URL", "http://jenkins/"), ("WORKSPACE", temp.Path));
        new JenkinsAgent().CreateWriter(new CiSinks(log, env, CiFiles.Physical, "/unused")).ReportProblems(
        [
            new Problem("rollout.yaml", 4, 3, "spec.provder: unknown field"),
            new Problem("t.yaml", null, null, "empty \"query\"", ProblemSeverity.Warning),
        ]);

        var json = File.ReadAllText(Path.Combine(temp.Path, JenkinsReport.ReportFileName));
        Assert.Equal(Snapshot("graystep-report-problems.json"), json);
        Assert.False(File.Exists(Path.Combine(temp.Path, JenkinsReport.JUnitFileName)));
        Assert.Equal(
            "rollout.yaml:4:3: error: spec.provder: unknown field\n" +
            "t.yaml: warning: empty \"query\"\n" +
            $"graystep: wrote {Path.Combine(temp.Path, JenkinsReport.ReportFileName)}\n",
            log.ToString());
    }

    [Fact]
    public void JUnit_has_one_testcase_per_metric_check_and_escapes_xml()
    {
        var report = Samples.Progressing() with
        {
            Analysis = [new AnalysisRow("p99 <latency> & \"more\"", "no data", "<= 500", "no data", false)],
        };
        var xml = XDocument.Parse(JenkinsReport.JUnit(report));
        var suite = xml.Root!.Element("testsuite")!;
        Assert.Equal("1", suite.Attribute("tests")!.Value);
        Assert.Equal("1", suite.Attribute("failures")!.Value);
        var testcase = Assert.Single(suite.Elements("testcase"));
        Assert.Equal("p99 <latency> & \"more\"", testcase.Attribute("name")!.Value);
        Assert.Equal("graystep.bookinfo.reviews", testcase.Attribute("classname")!.Value);
        Assert.Equal("p99 <latency> & \"more\": no data is not <= 500 (no data)", testcase.Element("failure")!.Attribute("message")!.Value);
    }

    private static string Snapshot(string name) =>
        File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Graystep.CiAgents.Tests", "Snapshots", name));
}
