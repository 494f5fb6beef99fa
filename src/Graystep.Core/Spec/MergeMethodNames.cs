namespace Graystep.Core.Spec;

/// <summary><c>git.mergeMethod</c>'s values as the spec spells them.</summary>
public static class MergeMethodNames
{
    public static string Of(MergeMethod method) => method switch
    {
        MergeMethod.Merge => "merge",
        MergeMethod.Squash => "squash",
        MergeMethod.Rebase => "rebase",
        MergeMethod.RebaseMerge => "rebaseMerge",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };
}
