using Graystep.Core.Manifests;

namespace Graystep.Core.Tests.Spec;

public sealed class DeprecatedApisTests
{
    [Theory]
    [InlineData("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26", "autoscaling/v2")]
    [InlineData("autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.25", "autoscaling/v2")]
    [InlineData("policy/v1beta1", "PodDisruptionBudget", "1.25", "policy/v1")]
    [InlineData("extensions/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1")]
    [InlineData("networking.k8s.io/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1")]
    [InlineData("batch/v1beta1", "CronJob", "1.25", "batch/v1")]
    [InlineData("apps/v1beta1", "Deployment", "1.16", "apps/v1")]
    [InlineData("apps/v1beta2", "StatefulSet", "1.16", "apps/v1")]
    public void A_removed_api_is_named_with_its_line_the_removal_and_the_replacement(string apiVersion, string kind, string removedIn, string replacement)
    {
        var text = $"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\n---\n# a comment\nkind: {kind}\napiVersion: {apiVersion}\nmetadata: {{name: web}}\n";

        var warning = Assert.Single(DeprecatedApis.Warnings(ManifestReader.Read(new SourceFile("app/all.yaml", text)).Documents));

        Assert.Equal("app/all.yaml:7:13: apiVersion: " + $"{kind} web uses {apiVersion}, removed in Kubernetes {removedIn}; use apiVersion {replacement}", warning.ToString());
    }

    [Theory]
    [InlineData("autoscaling/v2", "HorizontalPodAutoscaler")]
    [InlineData("policy/v1", "PodDisruptionBudget")]
    [InlineData("networking.k8s.io/v1", "Ingress")]
    [InlineData("policy/v1beta1", "Something")]
    public void Current_apis_give_no_warning(string apiVersion, string kind)
    {
        var text = $"apiVersion: {apiVersion}\nkind: {kind}\nmetadata: {{name: web}}\n";

        Assert.Empty(DeprecatedApis.Warnings(ManifestReader.Read(new SourceFile("app/x.yaml", text)).Documents));
    }

    [Fact]
    public void Graystep_rendered_output_is_not_warned_about()
    {
        var text = ManifestDocument.RenderedMarker + "\napiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n";

        Assert.Empty(DeprecatedApis.Warnings(ManifestReader.Read(new SourceFile("rendered/x.yaml", text)).Documents));
    }
}
