namespace Graystep.CiAgents;

internal static class Paths
{
    /// <summary>
    /// CI systems pin annotations to paths relative to the checkout. An absolute path under
    /// <paramref name="workspace"/> is made relative (with '/'), anything else is kept as given.
    /// </summary>
    public static string? RelativeTo(string? file, string? workspace)
    {
        if (string.IsNullOrEmpty(file) || string.IsNullOrEmpty(workspace) || !Path.IsPathRooted(file))
        {
            return file;
        }

        var root = workspace.TrimEnd('/', '\\');
        if (file.Length > root.Length + 1 &&
            file.StartsWith(root, StringComparison.Ordinal) &&
            (file[root.Length] == '/' || file[root.Length] == '\\'))
        {
            return file[(root.Length + 1)..].Replace('\\', '/');
        }

        return file;
    }
}
