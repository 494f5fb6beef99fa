namespace Graystep.Core.Spec;

/// <summary>One problem in a spec or template file, with where it is and which field it concerns.</summary>
public sealed record SpecProblem(SourceLocation Location, string FieldPath, string Message)
{
    /// <summary>The exact line users and tests see: <c>file:line:col: path: message</c>.</summary>
    public override string ToString() =>
        FieldPath.Length == 0 ? $"{Location}: {Message}" : $"{Location}: {FieldPath}: {Message}";
}
