using System.Text;
using System.Text.RegularExpressions;

namespace Graystep.Core.History;

/// <summary>
/// Writes and reads commit messages: a subject line, a blank line, the body, a blank line, then the trailers as
/// <c>Key: value</c> lines. Reading follows git's rule that the trailers are the last paragraph, and only when every
/// line of that paragraph is a trailer, so a body whose lines contain colons stays a body.
/// </summary>
public static partial class CommitMessageFormat
{
    /// <summary>The full message text, LF line endings, ending in one newline.</summary>
    public static string Format(CommitMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var subject = CollapseWhitespace(message.Subject);
        if (subject.Length == 0)
        {
            throw new ArgumentException("A commit message needs a subject.", nameof(message));
        }

        var text = new StringBuilder(subject).Append('\n');
        // Paragraphs are separated by exactly one blank line and lines carry no trailing blanks, as Parse reads them.
        var body = string.Join("\n\n", Paragraphs(NormalizeNewlines(message.Body)).Select(p => string.Join('\n', p)));
        if (body.Length > 0)
        {
            text.Append('\n').Append(body).Append('\n');
        }

        if (message.Trailers.Count > 0)
        {
            text.Append('\n');
            foreach (var (key, value) in message.Trailers)
            {
                if (!TrailerKey().IsMatch(key))
                {
                    throw new ArgumentException($"'{key}' is not a valid trailer key (letters, digits and '-').", nameof(message));
                }

                // A trailer is one line; a value with line breaks would end the trailer block early.
                text.Append(key).Append(": ").Append(CollapseWhitespace(value)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>Reads a message as <c>git log --format=%B</c> prints it; CRLF and trailing blank lines are tolerated.</summary>
    public static CommitMessage Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var paragraphs = Paragraphs(NormalizeNewlines(text));
        if (paragraphs.Count == 0)
        {
            return new CommitMessage(string.Empty, string.Empty, []);
        }

        // As git's %s: the first paragraph, its lines joined by spaces.
        var subject = string.Join(' ', paragraphs[0].Select(line => line.Trim()));
        var trailers = new List<KeyValuePair<string, string>>();
        var bodyEnd = paragraphs.Count;
        if (paragraphs.Count > 1 && TryReadTrailers(paragraphs[^1], trailers))
        {
            bodyEnd--;
        }

        var body = string.Join("\n\n", paragraphs.Skip(1).Take(bodyEnd - 1).Select(p => string.Join('\n', p)));
        return new CommitMessage(subject, body, trailers);
    }

    private static bool TryReadTrailers(List<string> paragraph, List<KeyValuePair<string, string>> trailers)
    {
        foreach (var line in paragraph)
        {
            var match = TrailerLine().Match(line);
            if (match.Success)
            {
                trailers.Add(new(match.Groups[1].Value, match.Groups[2].Value.Trim()));
            }
            else if (trailers.Count > 0 && line.Length > 0 && char.IsWhiteSpace(line[0]))
            {
                // A folded continuation line, as git writes long trailer values.
                var last = trailers[^1];
                trailers[^1] = new(last.Key, (last.Value + " " + line.Trim()).Trim());
            }
            else
            {
                trailers.Clear();
                return false;
            }
        }

        return trailers.Count > 0;
    }

    private static List<List<string>> Paragraphs(string text)
    {
        var paragraphs = new List<List<string>>();
        List<string>? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.Length == 0)
            {
                current = null;
                continue;
            }

            if (current is null)
            {
                current = [];
                paragraphs.Add(current);
            }

            current.Add(line);
        }

        return paragraphs;
    }

    private static string NormalizeNewlines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    private static string CollapseWhitespace(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]*$")]
    private static partial Regex TrailerKey();

    // "Key: value" or "Key:" with nothing after it; "scheme://host" is not a trailer because ':' must be followed by a space.
    [GeneratedRegex(@"^([A-Za-z0-9][A-Za-z0-9-]*):(?:[ \t]+(.*))?$")]
    private static partial Regex TrailerLine();
}
