using System.Net.Http.Headers;
using Graystep.Core.Secrets;

namespace Graystep.Cli.Output;

/// <summary>
/// What Graystep sends to a git host's API (pull-request descriptions, comments, statuses) is an output sink too:
/// text bodies go through the redactor, so a secret that came back inside a remote's error text and ended up in a
/// reason is never posted where every reviewer reads it. Headers (the host's own token) are left alone.
/// </summary>
internal sealed class RedactingHandler(HttpMessageHandler inner, Redactor redactor) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content && IsText(content.Headers.ContentType))
        {
            var text = await content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var masked = redactor.Apply(text);
            if (!string.Equals(text, masked, StringComparison.Ordinal))
            {
                var replacement = new StringContent(masked, System.Text.Encoding.UTF8);
                replacement.Headers.ContentType = content.Headers.ContentType;
                request.Content = replacement;
                content.Dispose();
            }
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsText(MediaTypeHeaderValue? type) =>
        type?.MediaType is { } media
        && (media.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("json", StringComparison.OrdinalIgnoreCase));
}
