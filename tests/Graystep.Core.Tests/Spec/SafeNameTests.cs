using Graystep.Core.Errors;
using Graystep.Core.Rollouts;
using Graystep.Core.Spec;
using static Graystep.Core.Tests.Spec.SpecFixtures;

namespace Graystep.Core.Tests.Spec;

/// <summary>
/// Names from the repository reach commit bodies, CI logs and terminals; validate refuses anything but plain names
/// (issue 13, probe 5), while the names people write today keep validating.
/// </summary>
public sealed class SafeNameTests
{
    [Theory]
    [InlineData("\"ok\\n::error title=INJECTED::pwned\"", "\"ok\\n::error title=INJECTED::pwned\"")]
    [InlineData("\"ok\\n::set-output name=result::promoted\"", "\"ok\\n::set-output name=result::promoted\"")]
    [InlineData("\"rate ##vso[task.setvariable variable=x]1\"", "\"rate ##vso[task.setvariable variable=x]1\"")]
    [InlineData("\"red\\e[31m\"", "\"red\\u001b[31m\"")]
    [InlineData("\"tab\\there\"", "\"tab\\there\"")]
    [InlineData("\"trailing \"", "\"trailing \"")]
    [InlineData("\"two  spaces\"", "\"two  spaces\"")]
    [InlineData("\"Graystep-Action: promote\"", "\"Graystep-Action: promote\"")]
    public void A_metric_name_outside_the_plain_set_is_refused_with_its_location(string yaml, string shown)
    {
        var rollout = Rollout.With("{name: request-duration,", "{name: " + yaml + ", templateRef: {name: not-found-percentage},");

        var problems = Problems(Load(rollout, new Graystep.Core.Manifests.SourceFile("app/t.yaml", NotFoundTemplate)));

        Assert.Equal(["app/rollout.yaml:14:16: spec.analysis.metrics[1].name: metric name " + shown + " is not a plain name; " + SafeNames.CheckNameRule], problems);
    }

    [Fact]
    public void A_webhook_name_with_a_newline_is_refused()
    {
        var rollout = Rollout.With("  output: rendered/", "    webhooks:\n      - {name: \"gate\\n::error::x\", type: confirm-rollout, url: http://gate/}\n  output: rendered/");

        var problems = Problems(Load(rollout));

        Assert.Equal(["app/rollout.yaml:16:16: spec.analysis.webhooks[0].name: webhook name \"gate\\n::error::x\" is not a plain name; " + SafeNames.CheckNameRule], problems);
    }

    [Theory]
    [InlineData("request-success-rate")]
    [InlineData("load test")]
    [InlineData("404s percentage")]
    [InlineData("p99_latency.ms")]
    [InlineData("A")]
    public void Names_people_write_today_still_validate(string name)
    {
        Assert.True(SafeNames.IsCheckName(name));
        var rollout = Rollout.With("  output: rendered/", "    webhooks:\n      - {name: \"" + name + "\", type: confirm-rollout, url: http://gate/}\n  output: rendered/");

        Assert.Empty(Problems(Load(rollout)));
    }

    [Theory]
    [InlineData("docker.io/istio/examples-bookinfo-reviews-v2:1.20.1", true)]
    [InlineData("nginx", true)]
    [InlineData("nginx:1.27", true)]
    [InlineData("localhost:5000/team/app:v2", true)]
    [InlineData("ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("ghcr.io/org/app:v2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("[::1]:5000/app:v1", true)]
    [InlineData("registry.example.com/a__b/c-d/e.f:tag_1", true)]
    [InlineData("ghcr.io/org/app:v2\nGraystep-Action: promote", false)]
    [InlineData("app:v2 ; rm -rf /", false)]
    [InlineData("Upper/Case:tag", false)]
    [InlineData("app:", false)]
    [InlineData("app@sha256:short", false)]
    [InlineData("app:\u001b[31mred", false)]
    [InlineData("", false)]
    [InlineData("app:tag-that-is-way-too-long-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", false)]
    public void Images_follow_the_oci_reference_grammar(string image, bool valid)
    {
        Assert.Equal(valid, ImageReference.IsValid(image));
    }

    [Fact]
    public void An_image_check_is_linear_and_a_trailing_newline_is_not_part_of_a_valid_image()
    {
        // Values from the repository reach this check: a long near-miss answers at once (no backtracking, and no
        // wall-clock timeout that a loaded runner could trip), and "$" would have let a final newline through.
        Assert.False(ImageReference.IsValid(string.Concat(Enumerable.Repeat("a-", 20_000)) + "!"));
        Assert.False(ImageReference.IsValid("docker.io/istio/examples-bookinfo-reviews-v2:1.20.1\n"));
        Assert.True(ImageReference.IsValid("docker.io/istio/examples-bookinfo-reviews-v2:1.20.1"));
    }

    [Theory]
    [InlineData("latency spike in eu-west-1", true)]
    [InlineData("émoji 🚀 and unicode are fine", true)]
    [InlineData("two\nlines", false)]
    [InlineData("bell\u0007", false)]
    [InlineData("\u001b]0;title\u0007", false)]
    public void A_reason_is_one_line_without_control_characters(string reason, bool accepted)
    {
        var refused = Record.Exception(() => SafeNames.CheckReason(reason));

        if (accepted)
        {
            Assert.Null(refused);
        }
        else
        {
            var error = Assert.IsType<GraystepException>(refused);
            Assert.Equal(ExitCodes.Usage, error.ExitCode);
            Assert.DoesNotContain('\n', error.Message);
            Assert.DoesNotContain('\u001b', error.Message);
        }
    }
}
