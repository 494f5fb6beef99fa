using Graystep.CiAgents;
using Graystep.Core.Secrets;

namespace Graystep.Cli.Output;

/// <summary>The CI files ($GITHUB_OUTPUT, the step summary, graystep-report.json, the JUnit file) written through the redactor.</summary>
internal sealed class RedactedCiFiles(ICiFiles inner, Redactor redactor) : ICiFiles
{
    public void Append(string path, string text) => inner.Append(path, redactor.Apply(text));

    public void Write(string path, string text) => inner.Write(path, redactor.Apply(text));
}
