using System.Globalization;
using System.Text;

namespace Graystep.Core.Reports;

/// <summary>
/// Draws a <see cref="RolloutReport"/> as one self-contained HTML page: inline CSS, inline SVG charts and a few lines
/// of inline script; nothing is fetched. Every text that comes from the repository or from Prometheus is escaped.
/// The script sets <c>data-report="ready"</c> on the root element once every chart holds a drawing (and
/// <c>data-report="error: …"</c> on any script error), which the browser tests read.
/// </summary>
public static class ReportHtml
{
    /// <summary>The colours the charts draw with (the browser tests look for them in a screenshot).</summary>
    public const string WeightColour = "#2b8a3e";
    public const string CanaryColour = "#e8590c";
    public const string StableColour = "#1c7ed6";
    public const string PassColour = "#0c8599";
    public const string FailColour = "#e03131";
    public const string InconclusiveColour = "#868e96";

    public const int ChartWidth = 880;
    public const int ChartHeight = 200;
    private const int Left = 56;
    private const int Right = 16;
    private const int Top = 14;
    private const int Bottom = 26;

    private const string Style = """
        body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#212529;max-width:960px}
        h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 6px}h3{font-size:14px;margin:14px 0 4px}
        .meta{color:#495057}.note{background:#fff4e6;border-left:4px solid #e8590c;padding:6px 10px;margin:8px 0}
        svg.chart{display:block;background:#fff;border:1px solid #dee2e6}
        svg text{font:11px system-ui,sans-serif;fill:#495057}
        .legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:18px;height:4px;vertical-align:middle;margin-right:4px}
        table{border-collapse:collapse;margin:4px 0}td,th{border-bottom:1px solid #e9ecef;padding:2px 8px;text-align:left;vertical-align:top}
        th{background:#f8f9fa}code{font:12px ui-monospace,monospace}
        details{margin:2px 0}summary{cursor:pointer}.pass{color:#0c8599}.fail{color:#e03131}line.hl{stroke:#212529;stroke-dasharray:none}
        """;

    private const string Script = """
        (function(){var d=document.documentElement;
        window.addEventListener('error',function(e){d.setAttribute('data-report','error: '+e.message);});
        var charts=document.querySelectorAll('svg.chart:not(.empty)'),drawn=0;
        for(var i=0;i<charts.length;i++){if(charts[i].querySelector('polyline,circle,rect.bar'))drawn++;}
        var rows=document.querySelectorAll('tr[data-sha]');
        for(var j=0;j<rows.length;j++){rows[j].addEventListener('click',function(){var s=this.getAttribute('data-sha');
        var m=document.querySelectorAll('[data-mark="'+s+'"]');for(var k=0;k<m.length;k++){m[k].classList.toggle('hl');}});}
        d.setAttribute('data-charts',String(drawn));
        if(d.getAttribute('data-report')===null){d.setAttribute('data-report',drawn===charts.length?'ready':'incomplete');}})();
        """;

    public static string Render(RolloutReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder(64 * 1024);
        var title = $"{report.RolloutId}: {(report.Canary is { } c ? $"{c} against {report.Stable ?? "?"}" : report.Stable ?? "no rollout yet")}";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">")
            .Append("<title>Graystep report: ").Append(Escape(title)).Append("</title><style>").Append(Style).Append("</style></head><body>\n");
        html.Append("<h1>").Append(Escape(title)).Append("</h1>\n<p class=\"meta\">")
            .Append(Escape(Time(report.From, full: true))).Append(" to ").Append(Escape(Time(report.To, full: true))).Append(" UTC · ")
            .Append(report.Decisions.Count.ToString(CultureInfo.InvariantCulture)).Append(" commits · generated ")
            .Append(Escape(Time(report.GeneratedAt, full: true))).Append(" UTC by graystep report</p>\n");
        if (report.Decisions.Count > 0)
        {
            var last = report.Decisions[^1];
            html.Append("<p>Latest: <b>").Append(Escape(last.Action)).Append("</b> ").Append(Escape(last.Subject)).Append("</p>\n");
        }

        html.Append("<h2>Canary weight</h2>\n");
        WeightChart(html, report);

        html.Append("<h2>Metrics: canary and stable</h2>\n");
        if (report.MetricsNote is { Length: > 0 } note)
        {
            html.Append("<p class=\"note\">").Append(Escape(note)).Append("</p>\n");
        }

        if (report.Metrics.Count > 0)
        {
            html.Append("<p class=\"legend\"><span><i class=\"sw\" style=\"background:").Append(CanaryColour).Append("\"></i>canary ")
                .Append(Escape(report.Canary ?? "-")).Append("</span><span><i class=\"sw\" style=\"background:").Append(StableColour)
                .Append("\"></i>stable ").Append(Escape(report.Stable ?? "-")).Append("</span><span>dashed: threshold; grey: commits</span></p>\n");
        }

        foreach (var metric in report.Metrics)
        {
            html.Append("<h3>").Append(Escape(metric.Name)).Append("</h3>\n");
            if (metric.Note is { Length: > 0 } why)
            {
                html.Append("<p class=\"note\">").Append(Escape(why)).Append("</p>\n");
            }

            MetricChart(html, report, metric);
        }

        var judged = report.Decisions.Where(d => d.Judge is not null).ToList();
        if (judged.Count > 0)
        {
            html.Append("<h2>Judge: canary/stable ratio and interval at each check</h2>\n<p class=\"meta\">")
                .Append(Escape(judged[^1].Judge!.Description))
                .Append(". Dots: the estimate; bars: the interval; dashed: no difference (1) and the minimum effect.</p>\n");
            foreach (var name in judged.SelectMany(d => d.Judge!.Rows.Select(r => r.Metric)).Distinct(StringComparer.Ordinal))
            {
                html.Append("<h3>").Append(Escape(name)).Append("</h3>\n");
                JudgeChart(html, report, judged, name);
            }
        }

        html.Append("<h2>Decisions</h2>\n");
        Decisions(html, report.Decisions);
        html.Append("<script>").Append(Script).Append("</script>\n</body></html>\n");
        return html.ToString();
    }

    /// <summary>HTML-escapes text for element content and quoted attribute values.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(text.Length + 16);
        foreach (var ch in text)
        {
            _ = ch switch
            {
                '&' => sb.Append("&amp;"),
                '<' => sb.Append("&lt;"),
                '>' => sb.Append("&gt;"),
                '"' => sb.Append("&quot;"),
                '\'' => sb.Append("&#39;"),
                _ => sb.Append(ch),
            };
        }

        return sb.ToString();
    }

    private static void WeightChart(StringBuilder html, RolloutReport report)
    {
        var x = XScale(report);
        double Y(double weight) => Top + ((100 - Math.Clamp(weight, 0, 100)) / 100 * (ChartHeight - Top - Bottom));
        Open(html, "weight", "canary weight (%) over time");
        YAxis(html, [0, 25, 50, 75, 100], Y, v => v.ToString(CultureInfo.InvariantCulture) + "%");
        XAxis(html, report);
        Marks(html, report, x);
        if (report.Decisions.Count > 0)
        {
            var points = new List<(double X, double Y)>();
            var previous = (double?)null;
            foreach (var d in report.Decisions)
            {
                if (previous is { } p)
                {
                    points.Add((x(d.Time), Y(p)));
                }

                points.Add((x(d.Time), Y(d.Weight)));
                previous = d.Weight;
            }

            points.Add((x(report.To), Y(previous ?? 0)));
            Polyline(html, points, WeightColour, 3, dashed: false);
            foreach (var d in report.Decisions)
            {
                html.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(x(d.Time))}\" cy=\"{F(Y(d.Weight))}\" r=\"4\" fill=\"{WeightColour}\"><title>")
                    .Append(Escape($"{Time(d.Time, full: true)} {d.Action} {d.Weight}% {Short(d.Sha)} {d.Subject}")).Append("</title></circle>");
            }
        }

        html.Append("</svg>\n");
    }

    private static void MetricChart(StringBuilder html, RolloutReport report, MetricSeries metric)
    {
        var x = XScale(report);
        var values = metric.Canary.Concat(metric.Stable).Select(p => p.Value).Where(double.IsFinite).ToList();
        if (metric.Threshold?.Min is { } min)
        {
            values.Add(min);
        }

        if (metric.Threshold?.Max is { } max)
        {
            values.Add(max);
        }

        var low = values.Count == 0 ? 0 : Math.Min(0, values.Min());
        var high = values.Count == 0 ? 1 : values.Max();
        if (high <= low)
        {
            high = low + 1;
        }

        high += (high - low) * 0.08;
        double Y(double v) => Top + ((high - Math.Clamp(v, low, high)) / (high - low) * (ChartHeight - Top - Bottom));
        var empty = metric.Canary.Count == 0 && metric.Stable.Count == 0;
        Open(html, empty ? "metric empty" : "metric", metric.Name + " over time, canary and stable");
        YAxis(html, [low, low + ((high - low) / 2), high], Y, Number);
        XAxis(html, report);
        Marks(html, report, x);
        foreach (var bound in new[] { metric.Threshold?.Min, metric.Threshold?.Max }.OfType<double>())
        {
            html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{ChartWidth - Right}\" y1=\"{F(Y(bound))}\" y2=\"{F(Y(bound))}\" stroke=\"#495057\" stroke-dasharray=\"6 4\"><title>threshold {Escape(Number(bound))}</title></line>");
        }

        if (empty)
        {
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{ChartWidth / 2}\" y=\"{ChartHeight / 2}\" text-anchor=\"middle\">no data</text>");
        }

        Series(html, metric.Stable, metric.Step, x, Y, StableColour);
        Series(html, metric.Canary, metric.Step, x, Y, CanaryColour);
        html.Append("</svg>\n");
    }

    private static void JudgeChart(StringBuilder html, RolloutReport report, IReadOnlyList<DecisionRecord> judged, string metric)
    {
        var x = XScale(report);
        var rows = judged.Select(d => (d, Row: d.Judge!.Rows.FirstOrDefault(r => r.Metric == metric))).Where(t => t.Row is not null).ToList();
        var finite = rows.SelectMany(t => new[] { t.Row!.Ratio, t.Row.Lower, t.Row.Upper }).OfType<double>().Where(v => double.IsFinite(v) && v > 0).ToList();
        var effect = judged[^1].Judge!.MinimumEffect;
        finite.Add(1);
        if (effect is { } e && e > 0)
        {
            finite.Add(e);
        }

        var low = Math.Min(0.5, finite.Min() / 1.2);
        var high = Math.Max(2, finite.Max() * 1.2);
        var (lLow, lHigh) = (Math.Log(low), Math.Log(high));
        double Y(double v)
        {
            var clamped = double.IsPositiveInfinity(v) ? high : Math.Clamp(v, low, high);
            return Top + ((lHigh - Math.Log(clamped)) / (lHigh - lLow) * (ChartHeight - Top - Bottom));
        }

        Open(html, "judge", metric + ": canary/stable ratio at each check");
        YAxis(html, [low, 1, high], Y, Number);
        XAxis(html, report);
        html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{ChartWidth - Right}\" y1=\"{F(Y(1))}\" y2=\"{F(Y(1))}\" stroke=\"#adb5bd\" stroke-dasharray=\"4 4\"/>");
        if (effect is { } minimumEffect && minimumEffect > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{ChartWidth - Right}\" y1=\"{F(Y(minimumEffect))}\" y2=\"{F(Y(minimumEffect))}\" stroke=\"{FailColour}\" stroke-dasharray=\"6 4\"><title>minimum effect {Escape(Number(minimumEffect))}x</title></line>");
        }

        foreach (var (d, row) in rows)
        {
            var colour = OutcomeColour(row!.Outcome);
            var cx = F(x(d.Time));
            if (row.Lower is { } lower && row.Upper is { } upper)
            {
                html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{cx}\" x2=\"{cx}\" y1=\"{F(Y(lower))}\" y2=\"{F(Y(upper))}\" stroke=\"{colour}\" stroke-width=\"3\"/>");
            }

            if (row.Ratio is { } ratio)
            {
                html.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{cx}\" cy=\"{F(Y(ratio))}\" r=\"5\" fill=\"{colour}\"><title>")
                    .Append(Escape($"{Time(d.Time, full: true)} {row.Metric}: ratio {Number(ratio)} [{Bound(row.Lower)}, {Bound(row.Upper)}] {row.Outcome} ({Short(d.Sha)})"))
                    .Append("</title></circle>");
            }
        }

        html.Append("</svg>\n");
    }

    private static void Decisions(StringBuilder html, IReadOnlyList<DecisionRecord> decisions)
    {
        if (decisions.Count == 0)
        {
            html.Append("<p>No Graystep commits for this rollout yet.</p>\n");
            return;
        }

        html.Append("<table><tr><th>time (UTC)</th><th>action</th><th>weight</th><th>step</th><th>commit</th><th>subject and why</th></tr>\n");
        foreach (var d in decisions)
        {
            html.Append("<tr data-sha=\"").Append(Escape(Short(d.Sha))).Append("\"><td>").Append(Escape(Time(d.Time, full: true)))
                .Append("</td><td>").Append(Escape(d.Action)).Append("</td><td>").Append(d.Weight.ToString(CultureInfo.InvariantCulture))
                .Append("%</td><td>").Append(Escape(d.Step)).Append("</td><td><code title=\"").Append(Escape(d.Sha)).Append("\">")
                .Append(Escape(Short(d.Sha))).Append("</code></td><td>").Append(Escape(d.Subject));
            if (d.Reason != d.Subject)
            {
                html.Append("<br>").Append(Escape(d.Reason));
            }

            if (d.Analysis is { } analysis)
            {
                html.Append("<details><summary>analysis</summary>");
                Table(html, analysis);
                html.Append("</details>");
            }

            if (d.Judge is { } judge)
            {
                html.Append("<details open><summary>judge: ").Append(Escape(judge.Description)).Append("</summary>");
                Table(html, judge.Table);
                html.Append("</details>");
            }

            html.Append("</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void Table(StringBuilder html, TextTable table)
    {
        html.Append("<table><tr>");
        foreach (var h in table.Header)
        {
            html.Append("<th>").Append(Escape(h)).Append("</th>");
        }

        html.Append("</tr>");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                var cls = cell is "pass" or "fail" ? $" class=\"{cell}\"" : string.Empty;
                html.Append("<td").Append(cls).Append('>').Append(Escape(cell)).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table>");
    }

    private static Func<DateTimeOffset, double> XScale(RolloutReport report)
    {
        var span = Math.Max(1, (report.To - report.From).TotalSeconds);
        return t => Left + (Math.Clamp((t - report.From).TotalSeconds, 0, span) / span * (ChartWidth - Left - Right));
    }

    private static void Open(StringBuilder html, string kind, string label) =>
        html.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart {kind}\" role=\"img\" aria-label=\"{Escape(label)}\" width=\"{ChartWidth}\" height=\"{ChartHeight}\" viewBox=\"0 0 {ChartWidth} {ChartHeight}\" xmlns=\"http://www.w3.org/2000/svg\">");

    private static void YAxis(StringBuilder html, IReadOnlyList<double> ticks, Func<double, double> y, Func<double, string> label)
    {
        foreach (var tick in ticks)
        {
            var py = F(y(tick));
            html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{ChartWidth - Right}\" y1=\"{py}\" y2=\"{py}\" stroke=\"#f1f3f5\"/><text x=\"{Left - 4}\" y=\"{py}\" text-anchor=\"end\" dy=\"4\">{Escape(label(tick))}</text>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{ChartHeight - Bottom}\" stroke=\"#adb5bd\"/>");
    }

    private static void XAxis(StringBuilder html, RolloutReport report)
    {
        var x = XScale(report);
        html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{ChartWidth - Right}\" y1=\"{ChartHeight - Bottom}\" y2=\"{ChartHeight - Bottom}\" stroke=\"#adb5bd\"/>");
        const int Ticks = 6;
        for (var i = 0; i <= Ticks; i++)
        {
            var t = report.From + ((report.To - report.From) * i / Ticks);
            var anchor = i == 0 ? "start" : i == Ticks ? "end" : "middle";
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x(t))}\" y=\"{ChartHeight - 8}\" text-anchor=\"{anchor}\">{Escape(Time(t, full: false))}</text>");
        }
    }

    private static void Marks(StringBuilder html, RolloutReport report, Func<DateTimeOffset, double> x)
    {
        foreach (var d in report.Decisions)
        {
            var px = F(x(d.Time));
            html.Append(CultureInfo.InvariantCulture, $"<line data-mark=\"{Escape(Short(d.Sha))}\" x1=\"{px}\" x2=\"{px}\" y1=\"{Top}\" y2=\"{ChartHeight - Bottom}\" stroke=\"#ced4da\" stroke-dasharray=\"2 3\"/>");
        }
    }

    private static void Series(StringBuilder html, IReadOnlyList<SeriesPoint> points, TimeSpan step, Func<DateTimeOffset, double> x, Func<double, double> y, string colour)
    {
        // A gap longer than a few steps is missing data, not a straight line.
        var gap = step > TimeSpan.Zero ? step * 2.5 : TimeSpan.MaxValue;
        var run = new List<(double X, double Y)>();
        DateTimeOffset? last = null;
        foreach (var p in points.Where(p => double.IsFinite(p.Value)))
        {
            if (last is { } l && p.Time - l > gap)
            {
                Polyline(html, run, colour, 3, dashed: false);
                run.Clear();
            }

            run.Add((x(p.Time), y(p.Value)));
            last = p.Time;
        }

        Polyline(html, run, colour, 3, dashed: false);
    }

    private static void Polyline(StringBuilder html, IReadOnlyList<(double X, double Y)> points, string colour, int width, bool dashed)
    {
        if (points.Count == 0)
        {
            return;
        }

        if (points.Count == 1)
        {
            html.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(points[0].X)}\" cy=\"{F(points[0].Y)}\" r=\"3\" fill=\"{colour}\"/>");
            return;
        }

        html.Append("<polyline fill=\"none\" stroke=\"").Append(colour).Append(CultureInfo.InvariantCulture, $"\" stroke-width=\"{width}\"")
            .Append(dashed ? " stroke-dasharray=\"6 4\"" : string.Empty).Append(" points=\"");
        for (var i = 0; i < points.Count; i++)
        {
            html.Append(i == 0 ? string.Empty : " ").Append(F(points[i].X)).Append(',').Append(F(points[i].Y));
        }

        html.Append("\"/>");
    }

    private static string OutcomeColour(string outcome) => outcome.Trim().ToLowerInvariant() switch
    {
        "pass" => PassColour,
        "fail" => FailColour,
        _ => InconclusiveColour,
    };

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Number(double v) => double.IsFinite(v) ? v.ToString(Math.Abs(v) >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture) : "inf";

    private static string Bound(double? v) => v is { } b ? Number(b) : "?";

    private static string Short(string sha) => sha.Length > 7 ? sha[..7] : sha;

    private static string Time(DateTimeOffset t, bool full) =>
        t.UtcDateTime.ToString(full ? "yyyy-MM-dd HH:mm:ss" : "HH:mm:ss", CultureInfo.InvariantCulture);
}
