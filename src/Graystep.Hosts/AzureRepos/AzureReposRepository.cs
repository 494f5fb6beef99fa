using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Graystep.Hosts.AzureRepos;

/// <summary>
/// A repository on Azure DevOps Services or Server, as a git remote URL names it: the collection (organization)
/// URL its REST API lives under, the project and the repository name.
/// </summary>
public sealed partial record AzureReposRepository(Uri CollectionUrl, string Project, string Name)
{
    public string FullName => $"{Project}/{Name}";

    /// <summary>Whether the repository is on Azure DevOps Services (dev.azure.com, *.visualstudio.com).</summary>
    public bool IsServices => IsServicesHost(CollectionUrl.Host);

    public override string ToString() => FullName;

    /// <summary>
    /// Reads a remote URL: <c>https://dev.azure.com/ORG/PROJECT/_git/REPO</c>,
    /// <c>https://ORG.visualstudio.com[/DefaultCollection]/PROJECT/_git/REPO</c>,
    /// <c>git@ssh.dev.azure.com:v3/ORG/PROJECT/REPO</c> (and <c>ORG@vs-ssh.visualstudio.com:v3/...</c>), and on a
    /// server <c>https://HOST/[PATH/]COLLECTION/PROJECT/_git/REPO</c>. When <paramref name="collectionUrl"/> is given
    /// (SYSTEM_COLLECTIONURI, --azure-url) and the remote lies under it, the collection is that URL. No network.
    /// </summary>
    public static bool TryParse(string? remoteUrl, Uri? collectionUrl, [NotNullWhen(true)] out AzureReposRepository? repository)
    {
        repository = null;
        if (string.IsNullOrWhiteSpace(remoteUrl))
        {
            return false;
        }

        var url = remoteUrl.Trim();
        var ssh = SshForm().Match(url);
        if (ssh.Success)
        {
            var host = ssh.Groups["host"].Value;
            var org = Unescape(ssh.Groups["org"].Value);
            var collection = host.Equals("ssh.dev.azure.com", StringComparison.OrdinalIgnoreCase)
                ? new Uri($"https://dev.azure.com/{Uri.EscapeDataString(org)}/")
                : new Uri($"https://{org}.visualstudio.com/");
            repository = new AzureReposRepository(collection, Unescape(ssh.Groups["project"].Value), TrimGit(Unescape(ssh.Groups["repo"].Value)));
            return repository.Name.Length > 0;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return false;
        }

        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Unescape).ToList();
        var git = segments.FindIndex(s => s.Equals("_git", StringComparison.OrdinalIgnoreCase));
        if (git < 0 || git != segments.Count - 2)
        {
            return false;
        }

        var name = TrimGit(segments[git + 1]);
        var before = segments.Take(git).ToList();
        var origin = uri.GetLeftPart(UriPartial.Authority);
        if (collectionUrl is not null && Under(uri, collectionUrl, out var rest))
        {
            // {collection}/{project}/_git/{repo}, or {collection}/_git/{repo} where the repository is named as its project.
            var project = rest.Count == 1 ? rest[0] : rest.Count == 0 ? name : null;
            if (project is null)
            {
                return false;
            }

            repository = new AzureReposRepository(WithSlash(collectionUrl), project, name);
            return name.Length > 0;
        }

        if (uri.Host.Equals("dev.azure.com", StringComparison.OrdinalIgnoreCase))
        {
            // dev.azure.com/{org}/{project}/_git/{repo}, or dev.azure.com/{org}/_git/{repo}.
            if (before.Count is < 1 or > 2)
            {
                return false;
            }

            repository = new AzureReposRepository(new Uri($"{origin}/{Uri.EscapeDataString(before[0])}/"), before.Count == 2 ? before[1] : name, name);
            return name.Length > 0;
        }

        if (uri.Host.EndsWith(".visualstudio.com", StringComparison.OrdinalIgnoreCase))
        {
            // {org}.visualstudio.com[/DefaultCollection]/{project}/_git/{repo}
            var collection = before.Count > 0 && before[0].Equals("DefaultCollection", StringComparison.OrdinalIgnoreCase)
                ? $"{origin}/DefaultCollection/"
                : $"{origin}/";
            var projectSegments = before.Count > 0 && before[0].Equals("DefaultCollection", StringComparison.OrdinalIgnoreCase) ? before.Skip(1).ToList() : before;
            if (projectSegments.Count > 1)
            {
                return false;
            }

            repository = new AzureReposRepository(new Uri(collection), projectSegments.Count == 1 ? projectSegments[0] : name, name);
            return name.Length > 0;
        }

        // A server: https://host[/tfs]/{collection}/{project}/_git/{repo}. Everything before the project is the collection.
        if (before.Count < 2)
        {
            return false;
        }

        var path = string.Join('/', before.Take(before.Count - 1).Select(Uri.EscapeDataString));
        repository = new AzureReposRepository(new Uri($"{origin}/{path}/"), before[^1], name);
        return name.Length > 0;
    }

    /// <summary>dev.azure.com, ssh.dev.azure.com, *.visualstudio.com: Azure DevOps Services.</summary>
    public static bool IsServicesHost(string host) =>
        host.Equals("dev.azure.com", StringComparison.OrdinalIgnoreCase)
        || host.Equals("ssh.dev.azure.com", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".visualstudio.com", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="remote"/> lies under <paramref name="collection"/>; <paramref name="rest"/> is what lies between it and <c>_git</c>.</summary>
    internal static bool Under(Uri remote, Uri collection, out List<string> rest)
    {
        rest = [];
        if (!remote.Host.Equals(collection.Host, StringComparison.OrdinalIgnoreCase) || remote.Port != collection.Port)
        {
            return false;
        }

        var prefix = collection.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Unescape).ToList();
        var path = remote.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Unescape).ToList();
        if (path.Count < prefix.Count + 2 || !prefix.SequenceEqual(path.Take(prefix.Count), StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        rest = path.Skip(prefix.Count).TakeWhile(s => !s.Equals("_git", StringComparison.OrdinalIgnoreCase)).ToList();
        return true;
    }

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private static string TrimGit(string name) => name.EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? name[..^4] : name;

    private static string Unescape(string text) => Uri.UnescapeDataString(text);

    // git@ssh.dev.azure.com:v3/org/project/repo, ssh://git@ssh.dev.azure.com/v3/org/project/repo,
    // org@vs-ssh.visualstudio.com:v3/org/project/repo (and ssh://... :22).
    [GeneratedRegex(@"^(?:ssh://)?(?:[^@/]+@)?(?<host>ssh\.dev\.azure\.com|vs-ssh\.visualstudio\.com)(?::22)?[:/]v3/(?<org>[^/]+)/(?<project>[^/]+)/(?<repo>[^/]+?)/?$", RegexOptions.IgnoreCase)]
    private static partial Regex SshForm();
}
