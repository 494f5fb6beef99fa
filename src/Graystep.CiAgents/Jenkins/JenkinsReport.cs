using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Xml;

namespace Graystep.CiAgents.Jenkins;

/// <summary>
/// The files the Jenkins agent leaves in the workspace: <c>graystep-report.json</c> (schema in docs/ci-agents.md,
/// <c>schemaVersion</c> 1) for <c>readJSON</c>, and <c>graystep-junit.xml</c> with one testcase per metric check
/// for the <c>junit</c> step. Pure: the same report gives the same bytes.
/// </summary>
public static class JenkinsReport
{
    public const string ReportFileName = "graystep-report.json";
    public const string JUnitFileName = "graystep-junit.xml";
    public const int SchemaVersion = 1;

    public static string Json(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return WriteJson(json =>
        {
            json.WriteString("rollout", report.RolloutId);
            json.WriteString("phase", report.Phase.ToString());
            json.WriteString("result", report.Result.ToWire());
            json.WriteString("version", report.Version);
            json.WriteString("stable", report.Stable);
            if (string.IsNullOrEmpty(report.Canary))
            {
                json.WriteNull("canary");
            }
            else
            {
                json.WriteString("canary", report.Canary);
            }

            json.WriteNumber("weight", report.Weight);
            json.WriteString("reason", report.Reason);
            json.WriteStartArray("analysis");
            foreach (var row in report.Analysis)
            {
                json.WriteStartObject();
                json.WriteString("metric", row.Metric);
                json.WriteString("value", row.Value);
                json.WriteString("threshold", row.Threshold);
                json.WriteString("verdict", row.Verdict);
                json.WriteBoolean("passed", row.Passed);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("timeline");
            foreach (var point in report.Timeline)
            {
                json.WriteStartObject();
                json.WriteString("time", point.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                json.WriteString("action", point.Action);
                json.WriteString("version", point.Version);
                json.WriteNumber("weight", point.Weight);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("problems");
            json.WriteEndArray();
        });
    }

    /// <summary>
    /// The report of a run that stopped before it had a rollout state (a spec problem, a remote that refused):
    /// result failed, the reason (by default the count of problems), every problem.
    /// </summary>
    public static string Json(IReadOnlyList<Problem> problems, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return WriteJson(json =>
        {
            json.WriteNull("rollout");
            json.WriteNull("phase");
            json.WriteString("result", StepResult.Failed.ToWire());
            json.WriteNull("version");
            json.WriteNull("stable");
            json.WriteNull("canary");
            json.WriteNull("weight");
            json.WriteString("reason", reason ?? (problems.Count == 1 ? "1 problem in the input" : $"{problems.Count} problems in the input"));
            json.WriteStartArray("analysis");
            json.WriteEndArray();
            json.WriteStartArray("timeline");
            json.WriteEndArray();
            json.WriteStartArray("problems");
            foreach (var problem in problems)
            {
                json.WriteStartObject();
                WriteStringOrNull(json, "file", problem.File);
                WriteNumberOrNull(json, "line", problem.Line);
                WriteNumberOrNull(json, "column", problem.Column);
                json.WriteString("severity", problem.Severity == ProblemSeverity.Warning ? "warning" : "error");
                json.WriteString("message", problem.Message);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    /// <summary>One testsuite named after the rollout, one testcase per metric check; a failed check is a failure.</summary>
    public static string JUnit(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var failures = report.Analysis.Count(r => !r.Passed).ToString(CultureInfo.InvariantCulture);
        var tests = report.Analysis.Count.ToString(CultureInfo.InvariantCulture);
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Entitize,
        };
        using var stream = new MemoryStream();
        using (var xml = XmlWriter.Create(stream, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", "graystep");
            xml.WriteAttributeString("tests", tests);
            xml.WriteAttributeString("failures", failures);
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", report.RolloutId);
            xml.WriteAttributeString("tests", tests);
            xml.WriteAttributeString("failures", failures);
            xml.WriteAttributeString("errors", "0");
            xml.WriteAttributeString("skipped", "0");
            var className = "graystep." + report.RolloutId.Replace('/', '.');
            foreach (var row in report.Analysis)
            {
                xml.WriteStartElement("testcase");
                xml.WriteAttributeString("classname", className);
                xml.WriteAttributeString("name", row.Metric);
                xml.WriteAttributeString("time", "0");
                if (!row.Passed)
                {
                    xml.WriteStartElement("failure");
                    xml.WriteAttributeString("type", row.Verdict);
                    xml.WriteAttributeString("message", $"{row.Metric}: {row.Value} is not {row.Threshold} ({row.Verdict})");
                    xml.WriteEndElement();
                }
                else
                {
                    xml.WriteStartElement("system-out");
                    xml.WriteString($"{row.Metric}: {row.Value} is {row.Threshold}");
                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>The JUnit file of a run Graystep could not finish: one failed testcase, <c>graystep</c>, with the reason.</summary>
    public static string JUnitFailure(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return WriteXml(xml =>
        {
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", "graystep");
            xml.WriteAttributeString("tests", "1");
            xml.WriteAttributeString("failures", "1");
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", "graystep");
            xml.WriteAttributeString("tests", "1");
            xml.WriteAttributeString("failures", "1");
            xml.WriteAttributeString("errors", "0");
            xml.WriteAttributeString("skipped", "0");
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("classname", "graystep");
            xml.WriteAttributeString("name", "run");
            xml.WriteAttributeString("time", "0");
            xml.WriteStartElement("failure");
            xml.WriteAttributeString("type", StepResult.Failed.ToWire());
            xml.WriteAttributeString("message", reason);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
        });
    }

    private static string WriteXml(Action<XmlWriter> body)
    {
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Entitize,
        };
        using var stream = new MemoryStream();
        using (var xml = XmlWriter.Create(stream, settings))
        {
            xml.WriteStartDocument();
            body(xml);
            xml.WriteEndDocument();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static string WriteJson(Action<Utf8JsonWriter> body)
    {
        var options = new JsonWriterOptions
        {
            Indented = true,
            NewLine = "\n",
            // A file for tools and people, not HTML: keep non-ASCII and '<' readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, options))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", SchemaVersion);
            body(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } n)
        {
            json.WriteNumber(name, n);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
