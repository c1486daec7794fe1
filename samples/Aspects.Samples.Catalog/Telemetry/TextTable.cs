using System.Text;

namespace Aspects.Samples.Catalog.Telemetry;

/// <summary>A plain-text table: the first column left-aligned, the others right-aligned, widths from the content.</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row; missing cells stay empty.</summary>
    public TextTable Row(params string[] cells)
    {
        _rows.Add(cells);
        return this;
    }

    /// <summary>The table, indented by two spaces, a rule under the headers.</summary>
    public override string ToString()
    {
        var widths = new int[headers.Length];
        foreach (var row in _rows.Prepend(headers))
        {
            for (var i = 0; i < row.Length && i < widths.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var text = new StringBuilder();
        Line(text, headers, widths);
        text.Append("  ").AppendJoin("  ", widths.Select(width => new string('─', width))).AppendLine();
        foreach (var row in _rows)
        {
            Line(text, row, widths);
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, string[] cells, int[] widths)
    {
        text.Append("  ");
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < cells.Length ? cells[i] : string.Empty;
            text.Append(i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]));
            if (i < widths.Length - 1)
            {
                text.Append("  ");
            }
        }

        text.Append('\n');
        var end = text.Length - 1;
        while (end > 0 && text[end - 1] == ' ')
        {
            text.Remove(--end, 1);
        }
    }
}
