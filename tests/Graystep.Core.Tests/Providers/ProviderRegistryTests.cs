using Graystep.Core.Errors;
using Graystep.Core.Providers;
using Graystep.Core.Spec;
using Graystep.TestKit;

namespace Graystep.Core.Tests.Providers;

/// <summary>The one registry shape every provider family shares (git hosts, CI agents, routers, metrics, gates, webhooks).</summary>
public sealed class ProviderRegistryTests
{
    private sealed record Stub(string Id, Func<string, bool> Accepts) : IProvider<string>
    {
        public bool IsSupported(string input) => Accepts(input);
    }

    private sealed class Registry(Ambiguity ambiguity = Ambiguity.IsAnError, string? auto = "auto") : ProviderRegistry<Stub, string>("widget", auto, ambiguity);

    [Fact]
    public void Detection_goes_by_priority_then_registration_order_and_the_fallback_comes_last_while_listings_keep_registration_order()
    {
        var registry = new Registry
        {
            { new Stub("generic", _ => true), ProviderPriority.Fallback },
            new Stub("b", s => s.StartsWith('b')),
            { new Stub("special", s => s == "bb"), ProviderPriority.High },
        };

        Assert.Equal(["special", "b", "generic"], registry.Providers.Select(p => p.Id));
        Assert.Equal(["generic", "b", "special"], registry.Ids);
        Assert.Equal(["auto", "generic", "b", "special"], registry.KnownIds);
        Assert.Equal("special", registry.Resolve(null, "bb").Id);
        Assert.Equal("b", registry.Resolve("auto", "b1").Id);
        Assert.Equal("generic", registry.Resolve(null, "zz").Id);
    }

    [Fact]
    public void A_forced_id_wins_whatever_detection_says_and_an_unknown_one_lists_the_known()
    {
        var registry = new Registry { new Stub("a", _ => false), new Stub("b", _ => true) };

        Assert.Equal("a", registry.Resolve(" A ", "anything").Id);
        var error = Assert.Throws<GraystepException>(() => registry.Resolve("c", "anything"));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Equal("unknown widget 'c'; known: auto, a, b", error.Message);
        Assert.Null(registry.Find("c"));
    }

    [Fact]
    public void Forced_names_a_provider_only_when_the_id_does_not_ask_for_detection_and_checks_it_without_detecting()
    {
        var registry = new Registry { new Stub("a", _ => throw new InvalidOperationException("forcing never detects")) };

        Assert.Null(registry.Forced(null));
        Assert.Null(registry.Forced(""));
        Assert.Null(registry.Forced(" AUTO "));
        Assert.Equal("a", registry.Forced(" a ")!.Id);
        Assert.Equal("unknown widget 'c'; known: auto, a", Assert.Throws<GraystepException>(() => registry.Forced("c")).Message);
    }

    [Fact]
    public void Two_providers_of_one_priority_that_both_accept_are_an_error_unless_the_family_says_order_decides()
    {
        var strict = new Registry { new Stub("a", _ => true), new Stub("b", _ => true) };
        var error = Assert.Throws<GraystepException>(() => strict.Resolve(null, "x"));
        Assert.Equal("more than one widget accepts 'x': a, b", error.Message);

        var ordered = new Registry(Ambiguity.FirstRegisteredWins) { new Stub("a", _ => true), new Stub("b", _ => true) };
        Assert.Equal("a", ordered.Resolve(null, "x").Id);
    }

    [Fact]
    public void Nothing_that_accepts_is_an_error_naming_the_input()
    {
        var registry = new Registry { new Stub("a", _ => false) };
        Assert.Equal("no widget supports 'x'; known: auto, a", Assert.Throws<GraystepException>(() => registry.Resolve(null, "x")).Message);
    }

    [Fact]
    public void Registration_refuses_duplicate_ids_a_second_fallback_the_reserved_auto_and_blank_ids()
    {
        Assert.Throws<ArgumentException>(() => new Registry { new Stub("a", _ => true), new Stub("A", _ => true) });
        Assert.Throws<ArgumentException>(() => new Registry { { new Stub("a", _ => true), ProviderPriority.Fallback }, { new Stub("b", _ => true), ProviderPriority.Fallback } });
        Assert.Throws<ArgumentException>(() => new Registry { new Stub("auto", _ => true) });
        Assert.Throws<ArgumentException>(() => new Registry { new Stub(" a", _ => true) });

        // A family without an "auto" may use the word as an id.
        Assert.Equal("auto", new Registry(auto: null) { new Stub("auto", _ => true) }.Get("auto").Id);
    }

    [Fact]
    public void The_catalogue_refuses_two_providers_with_one_name_and_defaults_that_are_not_registered()
    {
        var istio = StandardProviders.Istio;
        Assert.Throws<ArgumentException>(() => new ProviderCatalogue([istio, istio with { Id = "mesh", Aliases = ["istio"] }], [new MetricProviderName("prometheus", "Prometheus")], ["delay"], "istio"));
        Assert.Throws<ArgumentException>(() => new ProviderCatalogue([istio], [new MetricProviderName("prometheus", "Prometheus")], ["delay"], "linkerd"));
        Assert.Throws<ArgumentException>(() => new ProviderCatalogue([istio], [new MetricProviderName("datadog", "Datadog")], ["delay"], "istio"));
        Assert.Throws<ArgumentException>(() => new ProviderCatalogue([istio], [new MetricProviderName("prometheus", "Prometheus")], ["none"], "istio"));

        var catalogue = StandardProviders.Catalogue;
        Assert.Same(istio, catalogue.DefaultTrafficProvider);
        Assert.Equal("gateway-api", catalogue.FindTrafficProvider("gatewayapi:v1beta1")!.Id);
        Assert.Equal(["istio", "nginx", "gateway-api", "kubernetes"], catalogue.ProvidersFor(Strategy.Canary));
        Assert.Equal("a, b or c", ProviderCatalogue.Or(["a", "b", "c"]));
    }
}
