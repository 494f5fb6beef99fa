using Graystep.Core.Errors;
using Graystep.Core.Manifests;
using Graystep.Core.Rollouts;

namespace Graystep.Core.Tests.Rollouts;

public sealed class VersionNameTests
{
    [Theory]
    [InlineData("v1", "v1")]
    [InlineData("1.0.1", "1-0-1")]
    [InlineData("v2.3.0-rc.1", "v2-3-0-rc-1")]
    [InlineData("2024-06-01", "2024-06-01")]
    [InlineData("Release_2", "release-2")]
    public void Label_values_are_versions_and_object_names_use_their_dns_form(string version, string objectName)
    {
        Assert.True(VersionName.IsValid(version));
        Assert.Equal(objectName, VersionName.ObjectName(version));
        Assert.Equal($"reviews-{objectName}", VersionName.Workload("reviews", version));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-v1")]
    [InlineData("v1.")]
    [InlineData("_v1")]
    [InlineData("v 1")]
    [InlineData("v1+build")]
    [InlineData("1.0/2")]
    [InlineData("ü1")]
    public void What_is_no_label_value_is_no_version(string version) => Assert.False(VersionName.IsValid(version));

    [Fact]
    public void Sixty_three_characters_is_the_limit()
    {
        Assert.True(VersionName.IsValid(new string('a', 63)));
        Assert.False(VersionName.IsValid(new string('a', 64)));
    }

    [Theory]
    [InlineData("1.0.1", "1-0-1")]
    [InlineData("V2", "v2")]
    [InlineData("v2_1", "v2.1")]
    public void Two_versions_with_one_object_name_are_refused_naming_both(string version, string other)
    {
        var error = Assert.Throws<GraystepException>(() => VersionName.CheckDistinct(version, other));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Equal($"versions '{version}' and '{other}' would both name their objects '{VersionName.ObjectName(version)}'", error.Message);
    }

    [Theory]
    [InlineData("1.0.1", "1.0.1")]
    [InlineData("1.0.1", "1.0.2")]
    public void The_same_version_or_distinct_object_names_pass(string version, string other) =>
        VersionName.CheckDistinct(version, other);

    [Fact]
    public void A_refused_option_is_printed_with_control_characters_escaped_and_its_length_capped()
    {
        var value = "v2\nerror: forged\u001b[31m" + new string('x', 200);

        var error = Assert.Throws<GraystepException>(() => VersionName.CheckOption("--version", value));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain('\u001b', error.Message);
        Assert.StartsWith("--version 'v2\\u000Aerror: forged\\u001B[31mxxx", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"xx'… ({value.Length} characters) is not a valid version name", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 160, error.Message);
    }

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("2024-06-01")]
    [InlineData("V1_stable")]
    public void An_existing_version_label_is_kept_exactly(string label)
    {
        var target = Deployment($"        version: \"{label}\"\n");

        Assert.Equal(label, TargetWorkload.InitialVersion(target));
    }

    [Fact]
    public void A_version_label_that_is_no_label_value_is_an_invalid_spec()
    {
        var target = Deployment("        version: \"v1 stable\"\n");

        var error = Assert.Throws<GraystepException>(() => TargetWorkload.InitialVersion(target));

        Assert.Equal(ExitCodes.InvalidSpec, error.ExitCode);
        Assert.Equal("app/deployment.yaml: the 'version' label 'v1 stable' of Deployment/reviews is not a valid label value", error.Message);
    }

    private static ManifestDocument Deployment(string versionLine)
    {
        var text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: reviews\nspec:\n  template:\n    metadata:\n      labels:\n        app: reviews\n"
            + versionLine
            + "    spec:\n      containers:\n        - name: reviews\n          image: reviews:1.0.0\n";
        return Assert.Single(ManifestReader.Read(new SourceFile("app/deployment.yaml", text)).Documents);
    }
}
