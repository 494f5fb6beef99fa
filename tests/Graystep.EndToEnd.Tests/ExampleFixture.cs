using Graystep.EndToEnd.Tests.Harness;
using Graystep.TestKit.Prometheus;

namespace Graystep.EndToEnd.Tests;

/// <summary>
/// Runs one example's scenario once (healthy → promoted, faulty → rolled back) on its own rig; the facts of the
/// class then read what it recorded. Each example class is its own xunit collection, so the examples run in
/// parallel, each with its own sandbox, Prometheus, ports and repository.
/// </summary>
public abstract class ExampleFixture : IAsyncLifetime
{
    private readonly ExampleCase _example;
    private ScenarioResult? _result;
    private Exception? _failure;

    private protected ExampleFixture(ExampleCase example) => _example = example;

    internal ScenarioResult Result => _result ?? throw new InvalidOperationException($"the {_example.Name} scenario did not run to its end: {_failure?.Message}", _failure);

    public async Task InitializeAsync()
    {
        if (!PrometheusServer.IsInstalled)
        {
            // Every fact then fails with this message (CI must not pass by skipping).
            _failure = new InvalidOperationException(PrometheusServer.MissingMessage);
            return;
        }

        try
        {
            await using var rig = await Rig.StartAsync(_example);
            _result = await ExampleScenario.RunAsync(rig);
        }
#pragma warning disable CA1031 // Reported by every fact of the class, with its cause.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _failure = e;
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

public sealed class BookinfoFixture() : ExampleFixture(ExampleCase.Bookinfo);

/// <summary>4 of the example's 10 iterations: the same routing and analysis each time, so more adds minutes, not cover.</summary>
public sealed class ABTestingFixture() : ExampleFixture(ExampleCase.ABTesting.WithIterations(4));

public sealed class K8sDemoNginxFixture() : ExampleFixture(ExampleCase.K8sDemoNginx);

public sealed class K8sDemoNginxBlueGreenFixture() : ExampleFixture(ExampleCase.K8sDemoNginxBlueGreen);

public sealed class PodinfoFlaggerFixture() : ExampleFixture(ExampleCase.PodinfoFlagger);

public sealed class GatewayApiFixture() : ExampleFixture(ExampleCase.GatewayApi);

public sealed class PodinfoSessionAffinityFixture() : ExampleFixture(ExampleCase.PodinfoSessionAffinity);

public sealed class PodinfoMatchWeightsFixture() : ExampleFixture(ExampleCase.PodinfoMatchWeights);

public sealed class PodinfoTemplatesFixture() : ExampleFixture(ExampleCase.PodinfoTemplates);
