using System.Text.Json.Nodes;
using Graystep.Rendering.Tests.Support;
using Graystep.Rendering.Yaml;
using YamlDotNet.RepresentationModel;

namespace Graystep.Rendering.Tests;

public sealed class YamlWriterTests
{
    public static TheoryData<string> TrickyStrings => new(
        "true", "True", "yes", "on", "OFF", "y", "n", "~", "null", "", "123", "-7", "0777", "0x1F", "1.5", "1e3", ".5", ".inf",
        "-.Inf", ".nan", "1:30", "2024-01-01", "2024-01-01T10:00:00Z", " leading", "trailing ", "a: b", "a #b", "#x", "-", "- x",
        "?", "? x", ":", ":x", "x:", "*", "&anchor", "!tag", "@x", "`x", "%x", "|", ">", "'", "\"", "[x]", "{x}", ",x", "<<", "=",
        "---", "...", "multi\nline\n", "multi\nline", "multi\nline\n\n", "  indented\nnext\n", "\nleading newline", "tab\there",
        "quote \" inside", "back\\slash", "\u0001control", "bell\a", "caf\u00e9", "line\u2028separator", "100%", "a,b", "x#y", "x: ", "1.20.1", "1-2-3", "--port=9898");

    [Theory]
    [MemberData(nameof(TrickyStrings))]
    public void Every_string_reads_back_as_the_same_string(string value)
    {
        var yaml = YamlWriter.Write(new YamlMap { ["key"] = value, [value] = "as-key", ["list"] = new YamlSeq { value } });

        var json = YamlJson.Convert(yaml)!.AsObject();
        Assert.Equal(JsonValueKindString(value), json["key"]?.ToJsonString());
        Assert.Equal(JsonValueKindString(value), json["list"]![0]?.ToJsonString());
        Assert.True(json.ContainsKey(value), $"key '{value}' did not survive:\n{yaml}");

        static string JsonValueKindString(string s) => JsonValue.Create(s).ToJsonString();
    }

    [Theory]
    [InlineData("1.20.1")]
    [InlineData("1-2-3")]
    [InlineData("--port=9898")]
    [InlineData("app.example.com")]
    [InlineData("public-gateway.istio-system.svc.cluster.local")]
    [InlineData("docker.io/istio/examples-bookinfo-reviews-v2:1.20.1")]
    [InlineData("nginx.ingress.kubernetes.io/canary")]
    [InlineData("^(.*?;\\s*)?(canary=always)(;.*)?$")]
    public void Strings_are_quoted_only_when_needed(string value)
    {
        Assert.Equal($"key: {value}\n", YamlWriter.Write(new YamlMap { ["key"] = value }));
    }

    [Fact]
    public void Block_style_with_two_space_indent_and_indented_sequences()
    {
        var tree = new YamlMap
        {
            ["apiVersion"] = "v1",
            ["metadata"] = new YamlMap { ["name"] = "x", ["labels"] = new YamlMap { ["app"] = "x" } },
            ["spec"] = new YamlMap
            {
                ["ports"] = new YamlSeq { new YamlMap { ["port"] = 80, ["name"] = "http" } },
                ["hosts"] = new YamlSeq { "a", "*" },
                ["nested"] = new YamlSeq { new YamlSeq { "a", "b" } },
                ["empty"] = new YamlMap(),
                ["none"] = new YamlSeq(),
                ["enabled"] = true,
                ["nothing"] = YamlScalar.Null,
                ["script"] = "echo one\necho two\n",
                ["text"] = "no final newline\nhere",
            },
        };

        Assert.Equal(
            """
            apiVersion: v1
            metadata:
              name: x
              labels:
                app: x
            spec:
              ports:
                - port: 80
                  name: http
              hosts:
                - a
                - "*"
              nested:
                - - a
                  - b
              empty: {}
              none: []
              enabled: true
              nothing: null
              script: |
                echo one
                echo two
              text: |-
                no final newline
                here

            """,
            YamlWriter.Write(tree));
    }

    [Fact]
    public void Scalars_from_manifests_keep_their_meaning()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader("a: 0777\nb: yes\nc: '0777'\nd: \"true\"\ne: ~\nf: !!str 12\ng: 1.50\nh: plain text\n"));

        var tree = YamlImport.FromMapping((YamlMappingNode)stream.Documents[0].RootNode);

        Assert.Equal("a: 0777\nb: yes\nc: \"0777\"\nd: \"true\"\ne: null\nf: \"12\"\ng: 1.50\nh: plain text\n", YamlWriter.Write(tree));
    }
}
