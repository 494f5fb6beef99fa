using System.Text.Json;
using System.Text.Json.Nodes;
using Graystep.Core.Errors;
using Graystep.Core.Gates;
using Graystep.Core.Spec;
using Graystep.Gates.Sync;
using Graystep.Gates.Tests.Support;
using Graystep.TestKit;

namespace Graystep.Gates.Tests;

/// <summary>
/// The argocd gate through Argo CD's API server (<c>GET /api/v1/applications/{name}</c>), on a loopback stand-in,
/// and every request and every field it reads checked against Argo CD's own API description
/// (<c>../shared/api-specs/argo-cd/swagger.json</c>).
/// </summary>
public sealed class ArgoCdApiTests : IAsyncLifetime
{
    private const string AppPath = "/api/v1/applications/reviews";

    private static readonly Lazy<JsonObject> Swagger = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "..", "shared", "api-specs", "argo-cd", "swagger.json")))!.AsObject());

    private readonly SocketsHttpHandler _handler = new();
    private readonly FakeTimeProvider _time = new(Commits.At(12, 5, 0));
    private FakeKubeApi _argocd = null!;

    public async Task InitializeAsync() => _argocd = await FakeKubeApi.StartAsync();

    public async Task DisposeAsync()
    {
        _handler.Dispose();
        await _argocd.DisposeAsync();
    }

    private SyncGateRegistry Gates(string? server = null, string? token = "argocd-ci-token", bool plaintext = false) =>
        SyncGates.Create(() => _handler, _time, new KubeSettings { ArgoCdServer = server ?? _argocd.Base, ArgoCdToken = token, ArgoCdPlaintext = plaintext }, new FakeFileSystem());

    private static RolloutSpec Spec(SyncSpec? sync = null) => ReviewsSpecs.Reviews(sync ?? new SyncSpec { Kind = "argocd" });

    private static Task<SyncObservation> Observe(SyncGateRegistry gates, RolloutSpec? spec = null, string sha = Commits.Sha) =>
        gates.ObserveAsync(spec ?? Spec(), sha, Commits.CommittedAt, CancellationToken.None);

    [Fact]
    public async Task The_first_read_of_a_commit_asks_for_a_refresh_and_later_reads_of_it_do_not()
    {
        _argocd.Serve(AppPath + "?refresh=normal", "argocd/application-outofsync.json");
        _argocd.Serve(AppPath, "argocd/application-synced.json");
        var gates = Gates();

        Assert.Equal(new SyncObservation.Pending("Argo CD Application reviews is at 9b8c7d6, waiting for 3f2a9c1"), await Observe(gates));
        Assert.Equal(new SyncObservation.Synced(Commits.At(12, 0, 41)), await Observe(gates));
        await Observe(gates, sha: Commits.OldSha);

        Assert.Equal([AppPath + "?refresh=normal", AppPath, AppPath + "?refresh=normal"], _argocd.Requests.Select(r => r.PathAndQuery));
        Assert.All(_argocd.Requests, r =>
        {
            Assert.Equal("GET", r.Method);
            Assert.Equal("Bearer argocd-ci-token", r.Header("authorization"));
        });
    }

    [Fact]
    public async Task The_application_namespace_and_project_are_sent_when_the_spec_names_them()
    {
        const string Path = AppPath + "?refresh=normal&appNamespace=team-a&project=payments";
        _argocd.Serve(Path, "argocd/application-synced.json");

        var spec = Spec(new SyncSpec { Kind = "argocd", ApplicationNamespace = "team-a", Project = "payments" });
        Assert.IsType<SyncObservation.Synced>(await Observe(Gates(), spec));
        Assert.Equal(Path, Assert.Single(_argocd.Requests).PathAndQuery);
    }

    [Fact]
    public async Task The_spec_s_argocdServer_wins_over_ARGOCD_SERVER_and_a_bare_host_is_https_unless_plaintext()
    {
        _argocd.Serve(AppPath + "?refresh=normal", "argocd/application-synced.json");
        var spec = Spec(new SyncSpec { Kind = "argocd", ArgocdServer = _argocd.Base });
        Assert.IsType<SyncObservation.Synced>(await Observe(Gates(server: "https://elsewhere.invalid"), spec));

        var authority = new Uri(_argocd.Base).Authority;
        Assert.IsType<SyncObservation.Synced>(await Observe(Gates(server: authority, plaintext: true)));
        var overTls = await Observe(Gates(server: authority));
        var pending = Assert.IsType<SyncObservation.Pending>(overTls);
        Assert.StartsWith($"cannot reach Argo CD at https://{authority} (ARGOCD_SERVER or sync.argocdServer)", pending.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401, "rejected the credentials (401 Unauthorized)", "set ARGOCD_AUTH_TOKEN to a current one")]
    [InlineData(403, "forbids reading Argo CD Application reviews (403 Forbidden): permission denied", "'applications, get'")]
    [InlineData(404, "Argo CD Application reviews not found at", "set sync.application")]
    public async Task Refusals_are_errors_that_say_what_to_fix_and_never_show_the_token(int status, string message, string hint)
    {
        _argocd.Answer(AppPath + "?refresh=normal", status, """{"error":"permission denied","code":7,"message":"permission denied"}""");

        var error = await Assert.ThrowsAsync<GraystepException>(() => Observe(Gates()));

        Assert.Equal(ExitCodes.Failure, error.ExitCode);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(hint, error.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("argocd-ci-token", error.Message + error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_token_401_says_to_set_one()
    {
        _argocd.Answer(AppPath + "?refresh=normal", 401, """{"error":"no session information","code":16,"message":"no session information"}""");

        var error = await Assert.ThrowsAsync<GraystepException>(() => Observe(Gates(token: null)));

        Assert.Contains("no token was sent: set ARGOCD_AUTH_TOKEN", error.Hint, StringComparison.Ordinal);
        Assert.Null(Assert.Single(_argocd.Requests).Header("authorization"));
    }

    [Fact]
    public async Task Every_request_is_an_operation_of_Argo_CDs_API_with_only_declared_query_parameters()
    {
        _argocd.Serve(AppPath + "?refresh=normal&appNamespace=team-a&project=payments", "argocd/application-synced.json");
        await Observe(Gates(), Spec(new SyncSpec { Kind = "argocd", ApplicationNamespace = "team-a", Project = "payments" }));

        var request = Assert.Single(_argocd.Requests);
        var operation = Swagger.Value["paths"]!["/api/v1/applications/{name}"]!["get"]!;
        var declared = operation["parameters"]!.AsArray().Select(p => ((string)p!["name"]!, (string)p["in"]!)).ToHashSet();
        var query = new Uri(new Uri(_argocd.Base), request.PathAndQuery).Query.TrimStart('?').Split('&').Select(p => p.Split('=')[0]);
        Assert.All(query, name => Assert.Contains((name, "query"), declared));
        Assert.Contains(("name", "path"), declared);
        Assert.Equal("#/definitions/v1alpha1Application", (string)operation["responses"]!["200"]!["schema"]!["$ref"]!);
    }

    [Theory]
    [InlineData("status", "sync", "revision")]
    [InlineData("status", "sync", "revisions")]
    [InlineData("status", "sync", "status")]
    [InlineData("status", "health", "status")]
    [InlineData("status", "reconciledAt")]
    [InlineData("status", "operationState", "phase")]
    [InlineData("status", "operationState", "message")]
    [InlineData("status", "operationState", "finishedAt")]
    [InlineData("status", "operationState", "syncResult", "revision")]
    [InlineData("status", "operationState", "syncResult", "revisions")]
    [InlineData("status", "operationState", "operation", "sync", "revision")]
    [InlineData("status", "operationState", "operation", "sync", "revisions")]
    [InlineData("status", "resources")]
    public void Every_field_the_gate_reads_is_in_Argo_CDs_Application_definition(params string[] path)
    {
        var definitions = Swagger.Value["definitions"]!;
        var schema = definitions["v1alpha1Application"]!;
        foreach (var field in path)
        {
            var property = schema["properties"]?[field];
            Assert.True(property is not null, $"{string.Join('.', path)}: {field} is not a property of the definition");
            schema = property["$ref"] is { } reference ? definitions[((string)reference!)["#/definitions/".Length..]]! : property;
        }
    }

    [Fact]
    public void The_recorded_applications_only_carry_fields_Argo_CDs_definition_declares()
    {
        var definitions = Swagger.Value["definitions"]!;
        foreach (var fixture in Fixtures.All().Where(f => f.StartsWith("argocd/", StringComparison.Ordinal)))
        {
            var app = JsonNode.Parse(Fixtures.Read(fixture))!;
            Check(app["status"]!, definitions["v1alpha1ApplicationStatus"]!, fixture + ": status");
        }

        void Check(JsonNode node, JsonNode schema, string where)
        {
            if (node is JsonObject obj && schema["properties"] is JsonObject properties)
            {
                foreach (var (key, value) in obj)
                {
                    Assert.True(properties.ContainsKey(key), $"{where}.{key} is not declared");
                    if (value is not null)
                    {
                        Check(value, Resolve(properties[key]!), $"{where}.{key}");
                    }
                }
            }
            else if (node is JsonArray array && schema["items"] is { } items)
            {
                foreach (var item in array.OfType<JsonNode>())
                {
                    Check(item, Resolve(items), where + "[]");
                }
            }
        }

        JsonNode Resolve(JsonNode schema) => schema["$ref"] is { } reference ? definitions[((string)reference!)["#/definitions/".Length..]]! : schema;
    }
}
