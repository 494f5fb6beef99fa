using System.Text;
using Graystep.CiAgents;
using Graystep.Core.Secrets;

namespace Graystep.Cli.Output;

/// <summary>
/// The one way text reaches stdout or stderr. Everything written is cut into lines; each line has every secret the
/// <see cref="Redactor"/> knows masked, its control characters stripped, and is made inert for the CI systems that
/// read this log (<see cref="ICiAgent.Inert"/>), since it may hold text from the repository or a remote.
/// <see cref="Protocol"/> is the CI writer's channel: its commands are trusted (their values are escaped by the
/// protocol writer), so they are masked and stripped but not made inert. <see cref="Masks"/> carries only the CI
/// system's own masking command.
/// </summary>
internal sealed class SafeWriter : TextWriter
{
    private readonly TextWriter _inner;
    private readonly Redactor _redactor;
    private readonly Func<string, string> _inert;
    private readonly StringBuilder _pending = new();
    private readonly object _gate = new();

    public SafeWriter(TextWriter inner, Redactor redactor, Func<string, string> inert)
    {
        _inner = inner;
        _redactor = redactor;
        _inert = inert;
        Protocol = new Channel(this, trusted: true, raw: false);
        Masks = new Channel(this, trusted: true, raw: true);
    }

    public override Encoding Encoding => _inner.Encoding;

    /// <summary>Logging commands written by a CI protocol writer: masked and stripped, not made inert.</summary>
    public TextWriter Protocol { get; }

    /// <summary>The masking command only (<c>::add-mask::</c>, <c>##vso[task.setsecret]</c>): written as it is.</summary>
    public TextWriter Masks { get; }

    public override void Write(char value) => Write(value.ToString());

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Write(buffer.ToString());

    public override void Write(string? value) => Accept(value, trusted: false, raw: false);

    public override void WriteLine(string? value) => Write(value + new string(CoreNewLine));

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync()
    {
        WriteLine();
        return Task.CompletedTask;
    }

    /// <summary>Writes a partial last line too (as it is then, made safe) and flushes the stream below.</summary>
    public override void Flush()
    {
        lock (_gate)
        {
            if (_pending.Length > 0)
            {
                _inner.Write(Safe(_pending.ToString(), trusted: false));
                _pending.Clear();
            }

            _inner.Flush();
        }
    }

    public override Task FlushAsync()
    {
        Flush();
        return Task.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        // The stream below belongs to the caller: flushed, never closed.
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }

    private void Accept(string? value, bool trusted, bool raw)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        lock (_gate)
        {
            if (trusted && _pending.Length > 0)
            {
                // A command must start its own line: end the untrusted text written so far.
                _inner.Write(Safe(_pending.ToString(), trusted: false) + "\n");
                _pending.Clear();
            }

            if (raw)
            {
                _inner.Write(value);
                return;
            }

            var start = 0;
            var text = new StringBuilder();
            for (var newline = value.IndexOf('\n', StringComparison.Ordinal); newline >= 0; newline = value.IndexOf('\n', start))
            {
                if (trusted)
                {
                    text.Append(Safe(value[start..newline], trusted: true)).Append('\n');
                }
                else
                {
                    _pending.Append(value, start, newline - start);
                    text.Append(Safe(_pending.ToString(), trusted: false)).Append('\n');
                    _pending.Clear();
                }

                start = newline + 1;
            }

            if (start < value.Length)
            {
                if (trusted)
                {
                    text.Append(Safe(value[start..], trusted: true));
                }
                else
                {
                    _pending.Append(value, start, value.Length - start);
                }
            }

            if (text.Length > 0)
            {
                _inner.Write(text.ToString());
            }
        }
    }

    private string Safe(string line, bool trusted)
    {
        // Stripped first: a secret with a control character slipped into it is then whole again, and masked.
        var masked = _redactor.Apply(CiLogText.StripControls(line));
        return trusted ? masked : _inert(masked);
    }

    private sealed class Channel(SafeWriter owner, bool trusted, bool raw) : TextWriter
    {
        public override Encoding Encoding => owner.Encoding;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void Write(string? value) => owner.Accept(value, trusted, raw);

        public override void Flush() => owner.Flush();
    }
}
