using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Graystep.Core.Abstractions;
using Graystep.Core.Errors;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Graystep.Gates.Sync;

/// <summary>
/// The kubeconfig files kubectl would read (<c>--kubeconfig</c>, else each file of <c>KUBECONFIG</c>, else
/// <c>~/.kube/config</c>), merged by KubernetesClient. What the library does not model or gets wrong is done here:
/// the exec plugin runs once per process and non-interactively (<see cref="ExecPluginRunner"/>), and a cluster's
/// <c>proxy-url</c> is honoured.
/// </summary>
internal sealed class Kubeconfig
{
    private readonly K8SConfiguration _config;
    private readonly IReadOnlyList<string> _files;
    private readonly KubeconfigExtras _extras;
    private readonly ExecPluginRunner _plugins;
    private readonly Action<string> _mask;
    private readonly Dictionary<string, ExternalExecution> _execs = new(StringComparer.Ordinal);

    private Kubeconfig(K8SConfiguration config, IReadOnlyList<string> files, KubeconfigExtras extras, ExecPluginRunner plugins, Action<string> mask)
    {
        // The library runs an exec plugin twice and tells it a terminal is there: it never sees the plugins; we run them.
        foreach (var user in config.Users ?? [])
        {
            if (user.UserCredentials?.ExternalExecution is { } exec)
            {
                _execs.TryAdd(user.Name, exec);
                user.UserCredentials.ExternalExecution = null;
            }
        }

        _config = config;
        _files = files;
        _extras = extras;
        _plugins = plugins;
        _mask = mask;
    }

    private const string NoToken = "graystep-no-token";

    private string Named => string.Join(", ", _files);

    /// <summary>The merged kubeconfig; null when none is named and <c>~/.kube/config</c> does not exist.</summary>
    public static Kubeconfig? Load(KubeSettings settings, ExecPluginRunner plugins, Action<string> mask)
    {
        var named = (settings.Kubeconfig ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[] files;
        if (named.Length > 0)
        {
            files = [.. named.Where(File.Exists)];
            if (files.Length == 0)
            {
                throw new GraystepException(
                    $"the kubeconfig {string.Join(", ", named)} ({settings.KubeconfigSource}) does not exist",
                    ExitCodes.InvalidSpec,
                    $"point {settings.KubeconfigSource} at the kubeconfig file the CI job writes, e.g. $HOME/.kube/config");
            }
        }
        else
        {
            var home = KubeApiClient.Nonblank(settings.Home) is { } folder ? Path.Combine(folder, ".kube", "config") : null;
            if (home is null || !File.Exists(home))
            {
                return null;
            }

            files = [home];
        }

        try
        {
            return new Kubeconfig(Merge(files), files, KubeconfigExtras.Read(files), plugins, mask);
        }
        catch (Exception ex) when (ex is KubeConfigException or YamlException or IOException or UnauthorizedAccessException or FormatException)
        {
            throw new GraystepException(
                $"cannot read the kubeconfig {string.Join(", ", files)}: {ex.Message}",
                ExitCodes.InvalidSpec,
                "check it with kubectl config view --kubeconfig FILE");
        }
    }

    /// <summary>
    /// kubectl's merge: the first file to name a context, cluster or user wins, and so does the first current-context.
    /// Relative file paths are made absolute against their own file's folder first.
    /// </summary>
    private static K8SConfiguration Merge(IEnumerable<string> files)
    {
        var merged = new K8SConfiguration { Contexts = [], Clusters = [], Users = [] };
        foreach (var file in files)
        {
            var config = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(file), useRelativePaths: false);
            var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
            string? Absolute(string? path) => string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.Combine(folder, path);
            merged.CurrentContext = KubeApiClient.Nonblank(merged.CurrentContext) ?? config.CurrentContext;
            merged.Contexts.AddRange((config.Contexts ?? []).Where(c => merged.Contexts.All(m => m.Name != c.Name)));
            foreach (var cluster in (config.Clusters ?? []).Where(c => merged.Clusters.All(m => m.Name != c.Name)))
            {
                if (cluster.ClusterEndpoint is { } endpoint)
                {
                    endpoint.CertificateAuthority = Absolute(endpoint.CertificateAuthority);
                }

                merged.Clusters.Add(cluster);
            }

            foreach (var user in (config.Users ?? []).Where(u => merged.Users.All(m => m.Name != u.Name)))
            {
                if (user.UserCredentials is { } credentials)
                {
                    credentials.ClientCertificate = Absolute(credentials.ClientCertificate);
                    credentials.ClientKey = Absolute(credentials.ClientKey);
                    if (credentials.ExternalExecution is { Command: { } command } exec && command.Contains('/', StringComparison.Ordinal))
                    {
                        // A relative command with a slash is relative to its kubeconfig, as kubectl runs it; a bare name is on PATH.
                        exec.Command = Absolute(command)!;
                    }
                }

                merged.Users.Add(user);
            }
        }

        return merged;
    }

    /// <summary>The connection of <paramref name="contextName"/> (null: the current-context).</summary>
    public KubeConnection Connect(string? contextName, KubeSettings settings, IFileSystem files)
    {
        var name = contextName ?? KubeApiClient.Nonblank(_config.CurrentContext) ?? throw new GraystepException(
            $"the kubeconfig {Named} has no current-context",
            ExitCodes.InvalidSpec,
            $"choose a context with --context or sync.context; it has: {Known(_config.Contexts?.Select(c => c.Name))}");
        var context = _config.Contexts?.FirstOrDefault(c => c.Name == name) ?? throw new GraystepException(
            $"the kubeconfig {Named} has no context '{name}'",
            ExitCodes.InvalidSpec,
            $"set --context or sync.context to one it has: {Known(_config.Contexts?.Select(c => c.Name))}");
        var clusterName = context.ContextDetails?.Cluster;
        var cluster = _config.Clusters?.FirstOrDefault(c => c.Name == clusterName)?.ClusterEndpoint ?? throw new GraystepException(
            $"the kubeconfig context '{name}' names the cluster '{clusterName}', which {Named} does not define",
            ExitCodes.InvalidSpec,
            "fix the context's cluster, or choose another context with --context or sync.context");
        var userName = context.ContextDetails?.User;
        var user = _config.Users?.FirstOrDefault(u => u.Name == userName)?.UserCredentials;
        var where = $"kubeconfig context '{name}' (user '{userName}')";

        if (user?.AuthProvider is { } provider)
        {
            throw new GraystepException(
                $"the {where} logs in with the auth-provider '{provider.Name}', which Graystep does not support",
                ExitCodes.InvalidSpec,
                "use the provider's exec plugin instead (kubelogin, gke-gcloud-auth-plugin, aws eks get-token), as current kubectl does");
        }

        if (_extras.Impersonation(userName) is { } impersonation)
        {
            // Acting as another identity is what the user asked for; sending the requests as the base user instead
            // would quietly use other rights.
            throw new GraystepException(
                $"the {where} impersonates another identity ({impersonation}), which Graystep does not support",
                ExitCodes.InvalidSpec,
                "give the CI job a user (or a context) that has the rights itself, and choose it with --context or sync.context");
        }

        var tokenFile = _extras.TokenFile(userName);
        if (tokenFile is not null && !files.FileExists(tokenFile))
        {
            throw new GraystepException(
                $"the tokenFile {tokenFile} of the {where} does not exist",
                ExitCodes.InvalidSpec,
                "write the token there before graystep runs, or point tokenFile at the file that holds it");
        }

        var exec = userName is not null ? _execs.GetValueOrDefault(userName) : null;
        if (KubeApiClient.Nonblank(userName) is not null && user is null)
        {
            throw new GraystepException(
                $"the kubeconfig context '{name}' names the user '{userName}', which {Named} does not define",
                ExitCodes.InvalidSpec,
                "fix the context's user, or choose another context with --context or sync.context");
        }

        // The library refuses a user with no credential it knows; an exec plugin (ours to run) or none at all is fine.
        var placeholder = user is { Token: null, ClientCertificateData: null, ClientCertificate: null, UserName: null } ? user : null;
        KubernetesClientConfiguration built;
        try
        {
            if (placeholder is not null)
            {
                placeholder.Token = NoToken;
            }

            built = KubernetesClientConfiguration.BuildConfigFromConfigObject(_config, name);
            if (placeholder is not null)
            {
                built.AccessToken = null;
            }
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or UnauthorizedAccessException or FormatException or CryptographicException)
        {
            throw new GraystepException($"the {where} in {Named} cannot be used: {ex.Message}", ExitCodes.InvalidSpec, "check it with kubectl config view --minify --context " + name);
        }
        finally
        {
            if (placeholder is not null)
            {
                placeholder.Token = null;
            }
        }

        var server = KubeApiClient.ParseServer(cluster.Server ?? string.Empty, $"the server of {where}");
        var tls = new KubeTls(
            KubeApiClient.Nonblank(settings.CaFile) is { } caFile ? ReadCa(files, caFile) : built.SslCaCerts,
            ClientCertificate(built, where),
            built.SkipTlsVerify,
            KubeApiClient.Nonblank(built.TlsServerName),
            _extras.ProxyUrl(clusterName, where));

        foreach (var secret in new[] { built.AccessToken, built.Password, built.ClientCertificateKeyData })
        {
            if (!string.IsNullOrEmpty(secret))
            {
                _mask(secret);
            }
        }

        var rejected = $"the credentials of the {where} have expired or are not valid for this cluster: log in again, or choose another context with --context or sync.context";
        KubeCredential credential =
            KubeApiClient.Nonblank(settings.Token) is { } overriding ? KubeCredential.Bearer(overriding.Trim(), KubeCredential.EnvironmentTokenRejected)
            // As client-go: a tokenFile wins over a token, and is read again for every request (it may be rotated).
            : tokenFile is not null ? KubeCredential.FromFile(files, tokenFile, rejected, _mask)
            : KubeApiClient.Nonblank(built.AccessToken) is { } token ? KubeCredential.Bearer(token.Trim(), rejected)
            : KubeApiClient.Nonblank(built.Username) is { } basicUser ? KubeCredential.Basic(basicUser, built.Password ?? string.Empty, rejected)
            : exec is not null ? _plugins.Credential(exec, _extras.Exec(userName), where, server, cluster.CertificateAuthorityData, rejected)
            : KubeCredential.None(tls.ClientCertificate is null ? null : rejected);
        return new KubeConnection(
            server,
            new Lazy<HttpClient>(() => new HttpClient(KubeApiHandler.Create(tls), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan }),
            credential,
            $"; the cluster is the one of {where}: choose another with --context or sync.context");
    }

    private static X509Certificate2? ClientCertificate(KubernetesClientConfiguration built, string where)
    {
        if (built.ClientCertificateData is null && built.ClientCertificateFilePath is null)
        {
            return null;
        }

        if ((built.ClientCertificateKeyData ?? built.ClientKeyFilePath) is null)
        {
            throw new GraystepException($"the {where} has a client certificate but no client key", ExitCodes.InvalidSpec, "add client-key-data (or client-key) next to client-certificate-data");
        }

        try
        {
            var certificate = built.ClientCertificateData is { } data ? Pem(data) : File.ReadAllText(built.ClientCertificateFilePath!);
            var key = built.ClientCertificateKeyData is { } keyData ? Pem(keyData) : File.ReadAllText(built.ClientKeyFilePath!);
            using var pair = X509Certificate2.CreateFromPem(certificate, key);

            // SslStream presents a client certificate whose key is in a PKCS#12 store, not an ephemeral one.
            return X509CertificateLoader.LoadPkcs12(pair.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or FormatException or KubeConfigException or ArgumentException)
        {
            // The message names what is wrong with the certificate or key, never their contents.
            throw new GraystepException($"the client certificate or key of the {where} cannot be read: {ex.Message}", ExitCodes.InvalidSpec, "check client-certificate(-data) and client-key(-data): PEM, base64-encoded in the *-data fields");
        }
    }

    private static string Pem(string base64) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64));

    private static X509Certificate2Collection ReadCa(IFileSystem files, string path)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(files.ReadAllText(path));
        return roots;
    }

    private static string Known(IEnumerable<string>? names) => names is null || !names.Any() ? "(none)" : string.Join(", ", names);
}

/// <summary>
/// What a kubeconfig says that KubernetesClient does not model or Graystep reads itself: an exec plugin's apiVersion
/// and interactiveMode, a cluster's proxy-url, a user's tokenFile and impersonation.
/// </summary>
internal sealed class KubeconfigExtras
{
    private static readonly string[] ImpersonationKeys = ["as", "as-uid", "as-groups", "as-user-extra"];

    private readonly Dictionary<string, ExecExtras> _exec = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _proxies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _tokenFiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _impersonation = new(StringComparer.Ordinal);
    private readonly HashSet<string> _users = new(StringComparer.Ordinal);

    /// <summary>Reads each file; as when kubectl merges, the first file to name a user or cluster wins.</summary>
    public static KubeconfigExtras Read(IEnumerable<string> files)
    {
        var extras = new KubeconfigExtras();
        foreach (var file in files)
        {
            var yaml = new YamlStream();
            using (var reader = new StringReader(File.ReadAllText(file)))
            {
                yaml.Load(reader);
            }

            if (yaml.Documents.FirstOrDefault()?.RootNode is not YamlMappingNode root)
            {
                continue;
            }

            var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
            foreach (var (name, body) in Entries(root, "users", "user"))
            {
                // The first file to name a user wins, for every field of it.
                if (!extras._users.Add(name))
                {
                    continue;
                }

                if (Child(body, "exec") is YamlMappingNode exec)
                {
                    extras._exec[name] = new ExecExtras(Scalar(exec, "apiVersion"), Scalar(exec, "interactiveMode"));
                }

                if (Scalar(body, "tokenFile") is { Length: > 0 } tokenFile)
                {
                    // Relative to its own kubeconfig, as kubectl resolves it.
                    extras._tokenFiles[name] = Path.IsPathRooted(tokenFile) ? tokenFile : Path.Combine(folder, tokenFile);
                }

                if (ImpersonationKeys.FirstOrDefault(k => Child(body, k) is not null) is { } key)
                {
                    extras._impersonation[name] = key;
                }
            }

            foreach (var (name, body) in Entries(root, "clusters", "cluster"))
            {
                if (Scalar(body, "proxy-url") is { Length: > 0 } proxy)
                {
                    extras._proxies.TryAdd(name, proxy);
                }
            }
        }

        return extras;
    }

    /// <summary>The user's tokenFile, absolute; null when it has none.</summary>
    public string? TokenFile(string? user) => user is not null ? _tokenFiles.GetValueOrDefault(user) : null;

    /// <summary>The first impersonation field the user sets (<c>as</c>, <c>as-groups</c>...); null when it sets none.</summary>
    public string? Impersonation(string? user) => user is not null ? _impersonation.GetValueOrDefault(user) : null;

    public ExecExtras Exec(string? user) => user is not null && _exec.TryGetValue(user, out var exec) ? exec : new ExecExtras(null, null);

    /// <summary>The cluster's proxy, checked: kubectl takes http, https and socks5 proxies.</summary>
    public Uri? ProxyUrl(string? cluster, string where)
    {
        if (cluster is null || !_proxies.TryGetValue(cluster, out var text))
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var proxy) && proxy.Scheme is "http" or "https" or "socks5" ? proxy
            : throw new GraystepException(
                $"the proxy-url of the cluster of the {where} is not an http, https or socks5 URL",
                ExitCodes.InvalidSpec,
                "use e.g. proxy-url: http://proxy.example.com:3128 or socks5://127.0.0.1:1080");
    }

    private static IEnumerable<(string Name, YamlMappingNode Body)> Entries(YamlMappingNode root, string list, string field) =>
        Child(root, list) is YamlSequenceNode items
            ? items.OfType<YamlMappingNode>()
                .Select(item => (Name: Scalar(item, "name"), Body: Child(item, field) as YamlMappingNode))
                .Where(e => e.Name is not null && e.Body is not null)
                .Select(e => (e.Name!, e.Body!))
            : [];

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private static string? Scalar(YamlMappingNode map, string key) => (Child(map, key) as YamlScalarNode)?.Value;
}

/// <param name="ApiVersion">client.authentication.k8s.io/v1 or v1beta1: the ExecCredential version the plugin speaks.</param>
/// <param name="InteractiveMode">Never, IfAvailable or Always.</param>
internal sealed record ExecExtras(string? ApiVersion, string? InteractiveMode);
